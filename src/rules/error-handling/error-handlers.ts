import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { RuleContext } from '../types.js';
import { externalCallsIn } from '../ast/external-call.js';
import { isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';

/** One `catch`/`except` clause, in the same shape for TS/JS, Python and Java. */
export interface ErrorHandler {
  /** The `catch_clause` / `except_clause`. */
  node: SgNode;
  /** Its body block (null for a malformed clause). */
  body: SgNode | null;
  /** The body's statements, without comments and without Python `pass` / `...`. */
  statements: SgNode[];
  /** What the `try` guards: its block, plus Java try-with-resources declarations. */
  guarded: SgNode[];
  /** The name the error is bound to (`e` in `catch (e)`, `except X as e`), if any. */
  param?: string;
  /** Caught type names; empty means everything (TS/JS `catch`, Python bare `except:`). */
  types: string[];
  /** True when a comment (other than a TODO/FIXME) explains the handler. */
  commented: boolean;
}

const TRY_KINDS = new Set(['try_statement', 'try_with_resources_statement']);
/** Comment node kinds differ by grammar (and a rule naming a kind the grammar lacks is rejected). */
const commentRule = (language: RuleLanguage) =>
  language === 'java' ? { rule: { any: [{ kind: 'line_comment' }, { kind: 'block_comment' }] } } : { rule: { kind: 'comment' } };

/**
 * Keyed on the context, not on `ctx.root`: every SgNode holds a strong native reference to its SgRoot, so
 * nodes cached under the root would keep the root (and the whole native tree) alive forever.
 */
const handlersByFile = new WeakMap<RuleContext, ErrorHandler[]>();

/** {@link errorHandlers} of the file, computed once per rule context for every rule that needs them (callers must not mutate them). */
export function fileErrorHandlers(ctx: RuleContext): ErrorHandler[] {
  let handlers = handlersByFile.get(ctx);
  if (!handlers) {
    handlers = errorHandlers(ctx.root.root(), ctx.language);
    handlersByFile.set(ctx, handlers);
  }
  return handlers;
}

const externalsByHandler = new WeakMap<ErrorHandler, SgNode[]>();

/** The external calls the `try` of a handler makes itself, in source order, computed once per handler. */
export function guardedExternalCalls(h: ErrorHandler, language: RuleLanguage): SgNode[] {
  let calls = externalsByHandler.get(h);
  if (!calls) {
    calls = h.guarded.flatMap((g) => externalCallsIn(g, language));
    externalsByHandler.set(h, calls);
  }
  return calls;
}

/** Every catch/except clause in the file (TS/JS, Python, Java). */
export function errorHandlers(root: SgNode, language: RuleLanguage): ErrorHandler[] {
  const kind = language === 'python' ? 'except_clause' : 'catch_clause';
  if (language === 'go') return [];
  return root.findAll({ rule: { kind } }).flatMap((node) => {
    const tryNode = node.parent();
    if (!tryNode || !TRY_KINDS.has(kindOf(tryNode))) return [];
    return [describe(node, tryNode, language)];
  });
}

function describe(node: SgNode, tryNode: SgNode, language: RuleLanguage): ErrorHandler {
  // Worked out on first read: the rules judge only the handlers a change touched (see `inChange`).
  let body: { node: SgNode | null } | undefined;
  let statements: SgNode[] | undefined;
  let bound: { param?: string; types: string[] } | undefined;
  let guarded: SgNode[] | undefined;
  let commented: boolean | undefined;
  const bodyNode = (): SgNode | null =>
    (body ??= { node: isTsLike(language) ? fieldOf(node, 'body') : (node.children().find((c) => kindOf(c) === 'block') ?? null) }).node;
  return {
    node,
    get body(): SgNode | null {
      return bodyNode();
    },
    get statements(): SgNode[] {
      return (statements ??= (bodyNode()?.children() ?? []).filter((c) => c.isNamed() && !isFiller(c)));
    },
    get guarded(): SgNode[] {
      return (guarded ??= guardedBy(tryNode));
    },
    get param(): string | undefined {
      return (bound ??= binding(node, language)).param;
    },
    get types(): string[] {
      return (bound ??= binding(node, language)).types;
    },
    get commented(): boolean {
      return (commented ??= isCommented(node, language));
    },
  };
}

/** What a `try` guards: its block, plus Java try-with-resources declarations. */
function guardedBy(tryNode: SgNode): SgNode[] {
  let tryBodyId: number | undefined | null = null;
  return tryNode.children().filter((c) => {
    const k = kindOf(c);
    if (k === 'resource_specification') return true;
    if (k !== 'block' && k !== 'statement_block') return false;
    if (tryBodyId === null) tryBodyId = fieldOf(tryNode, 'body')?.id();
    return c.id() === tryBodyId;
  });
}

/** True when a comment (other than a TODO/FIXME) sits inside the clause or on the line just above it. */
function isCommented(node: SgNode, language: RuleLanguage): boolean {
  const explains = (c: SgNode): boolean => !/\b(todo|fixme|xxx)\b/i.test(c.text());
  // A comment inside the clause, or on the line just above it (`# the server may close early` before `except`).
  let prev = node.prev();
  while (prev && !prev.isNamed()) prev = prev.prev();
  const above = !!prev && /comment/.test(kindOf(prev)) && prev.range().end.line === node.range().start.line - 1 && explains(prev);
  return above || node.findAll(commentRule(language)).some(explains);
}

/** Comments, and the Python placeholders that make an empty block legal. */
function isFiller(n: SgNode): boolean {
  const k = kindOf(n);
  if (k === 'comment' || k === 'line_comment' || k === 'block_comment' || k === 'pass_statement' || k === 'empty_statement') return true;
  return k === 'expression_statement' && n.text().trim() === '...';
}

function binding(node: SgNode, language: RuleLanguage): { param?: string; types: string[] } {
  if (isTsLike(language)) {
    const p = fieldOf(node, 'parameter');
    return p && kindOf(p) === 'identifier' ? { param: p.text(), types: [] } : { types: [] };
  }
  if (language === 'java') {
    const formal = node.children().find((c) => kindOf(c) === 'catch_formal_parameter');
    const types = (formal?.find({ rule: { kind: 'catch_type' } })?.namedChildren() ?? []).map((c) => c.text().split('.').pop() ?? '');
    const name = formal?.children().filter((c) => kindOf(c) === 'identifier').pop()?.text();
    return name ? { param: name, types } : { types };
  }
  // Python: `except:`, `except T:`, `except (A, B):`, `except T as e:`.
  const value = fieldOf(node, 'value') ?? node.children().find((c) => c.isNamed() && kindOf(c) !== 'block' && kindOf(c) !== 'comment');
  if (!value) return { types: [] };
  let typeExpr: SgNode = value;
  let param: string | undefined;
  if (kindOf(value) === 'as_pattern') {
    typeExpr = value.children().find((c) => c.isNamed()) ?? value;
    param = value.find({ rule: { kind: 'as_pattern_target' } })?.text();
  }
  const typeNodes = kindOf(typeExpr) === 'tuple' || kindOf(typeExpr) === 'parenthesized_expression' ? typeExpr.namedChildren() : [typeExpr];
  const types = typeNodes.map((t) => t.text().split('.').pop() ?? '');
  return param ? { param, types } : { types };
}

/** True when the handler catches everything or a catch-all base type. */
export function catchesEverything(h: ErrorHandler): boolean {
  return h.types.length === 0 || h.types.some((t) => t === 'Exception' || t === 'BaseException' || t === 'Throwable');
}

/** True when the error is bound to a name that says "ignored on purpose" (`ignored`, `_`, `_err`, `expected`). */
export function namedAsIgnored(h: ErrorHandler): boolean {
  return h.param !== undefined && /^(_\w*|ignored?|expected|unused)$/i.test(h.param);
}
