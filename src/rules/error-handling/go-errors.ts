import type { SgNode } from '@ast-grep/napi';
import { isExternalCall } from '../ast/external-call.js';
import { fieldOf, kindOf } from '../ast/node-text.js';

/** Names Go code gives errors: `err`, `errSend`, `closeErr`. */
export const GO_ERR_NAME = /^(err|err[A-Z0-9_]\w*|\w+Err)$/;

/** `if` statements whose condition mentions `nil`: a native superset of those {@link goErrName} accepts. */
export const GO_NIL_CHECK_IF = { rule: { kind: 'if_statement', has: { field: 'condition', regex: 'nil' } } };

/** The error variable tested by `if err != nil { … }`, or null when the if is anything else. */
export function goErrName(ifNode: SgNode): string | null {
  const cond = fieldOf(ifNode, 'condition')?.text() ?? '';
  const m = /^\s*(\w+)\s*!=\s*nil\s*$/.exec(cond);
  return m?.[1] && GO_ERR_NAME.test(m[1]) ? m[1] : null;
}

/** An `if err != nil { … }` with no `else`: the error's name and the statements of its block. */
export interface GoErrorCheck {
  ifNode: SgNode;
  errName: string;
  statements: SgNode[];
}

/** Every `if err != nil { … }` without an `else` under `root`, in source order. */
export function goErrorChecksWithoutElse(root: SgNode): GoErrorCheck[] {
  const out: GoErrorCheck[] = [];
  for (const ifNode of root.findAll(GO_NIL_CHECK_IF)) {
    const errName = goErrName(ifNode);
    if (!errName || fieldOf(ifNode, 'alternative')) continue;
    out.push({ ifNode, errName, statements: goStatements(fieldOf(ifNode, 'consequence')) });
  }
  return out;
}

/** The call out of the process whose error an `if err != nil` tests (see {@link goErrorSource}), or null. */
export function goExternalErrorSource(ifNode: SgNode, errName: string): SgNode | null {
  const source = goErrorSource(ifNode, errName);
  return source && isExternalCall(source, 'go') ? source : null;
}

/** The statements of a Go block, without comments. */
export function goStatements(block: SgNode | null): SgNode[] {
  const list = block?.children().find((c) => kindOf(c) === 'statement_list');
  return (list?.children() ?? []).filter((c) => c.isNamed() && kindOf(c) !== 'comment');
}

/**
 * The call that produced the error an `if err != nil` tests: the if's own initializer
 * (`if err := f(); err != nil`), else the statement just before it (`resp, err := client.Do(req)`).
 */
export function goErrorSource(ifNode: SgNode, errName: string): SgNode | null {
  const init = fieldOf(ifNode, 'initializer');
  if (init) return assignedCall(init, errName);
  let prev = ifNode.prev();
  while (prev && (!prev.isNamed() || kindOf(prev) === 'comment')) prev = prev.prev();
  return prev ? assignedCall(prev, errName) : null;
}

/** The call whose error `node` handles: the one tested by the nearest enclosing `if errName != nil` of its function. */
export function goErrorSourceBefore(node: SgNode, errName: string): SgNode | null {
  for (const a of node.ancestors()) {
    const k = kindOf(a);
    if (k === 'function_declaration' || k === 'method_declaration' || k === 'func_literal') return null;
    if (k === 'if_statement' && goErrName(a) === errName) return goErrorSource(a, errName);
  }
  return null;
}

function assignedCall(stmt: SgNode, errName: string): SgNode | null {
  const k = kindOf(stmt);
  if (k !== 'short_var_declaration' && k !== 'assignment_statement') return null;
  const [left, right] = stmt.children().filter((c) => kindOf(c) === 'expression_list');
  if (!left?.children().some((c) => kindOf(c) === 'identifier' && c.text() === errName)) return null;
  const value = right?.children().find((c) => c.isNamed());
  return value && kindOf(value) === 'call_expression' ? value : null;
}
