import type { SgNode } from '@ast-grep/napi';
import type { RuleContext } from '../types.js';

/** 1-based first line of a node (ast-grep ranges are 0-based). */
export const lineOf = (node: SgNode): number => node.range().start.line + 1;

/** 1-based last line of a node. */
export const endLineOf = (node: SgNode): number => node.range().end.line + 1;

/**
 * True when a match inside `node`'s lines could be reported (see `RuleContext.changed`): always without a
 * changed-lines filter. Only for a candidate whose every match lies within its own lines.
 */
export function inChange(ctx: Pick<RuleContext, 'changed'>, node: SgNode): boolean {
  if (!ctx.changed) return true;
  const r = node.range();
  return ctx.changed(r.start.line + 1, r.end.line + 1);
}

/** Collapses whitespace and shortens code for quoting inline in a finding. */
export function quote(code: string, max = 70): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Leading whitespace of a source line, so a suggestion keeps the original indentation. */
export const indentOf = (line: string): string => /^\s*/.exec(line)?.[0] ?? '';

/** True when the node sits on one line, the only shape a one-line suggestion can safely rewrite. */
export const isSingleLine = (node: SgNode): boolean => node.range().start.line === node.range().end.line;

/** A named field of a node, untyped: the dynamic grammars (Python, Go, Java) carry no static field types. */
export const fieldOf = (node: SgNode, name: string): SgNode | null => (node.field as unknown as (n: string) => SgNode | null).call(node, name);

/** The node kind as a plain string. */
export const kindOf = (node: SgNode): string => String(node.kind());
