import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';

/** Languages grouped by grammar family: TypeScript, TSX and JavaScript share node kinds. */
export type LanguageFamily = 'js' | 'python' | 'go' | 'java';

/** The grammar family of a rule language. */
export function languageFamily(language: RuleLanguage): LanguageFamily {
  if (language === 'python' || language === 'go' || language === 'java') return language;
  return 'js';
}

const FUNCTION_KINDS: Record<LanguageFamily, ReadonlySet<string>> = {
  js: new Set([
    'function_declaration',
    'function_expression',
    'function',
    'arrow_function',
    'method_definition',
    'generator_function_declaration',
    'generator_function',
  ]),
  python: new Set(['function_definition', 'lambda']),
  go: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  java: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression', 'compact_constructor_declaration']),
};

/** True for a node that starts a new function scope (declarations, methods, lambdas, closures). */
export function isFunction(n: SgNode, family: LanguageFamily): boolean {
  return FUNCTION_KINDS[family].has(n.kind() as string);
}

/** The nearest function around `n` (not `n` itself), or null at module level. */
export function enclosingFunction(n: SgNode, family: LanguageFamily): SgNode | null {
  for (let p = n.parent(); p; p = p.parent()) if (isFunction(p, family)) return p;
  return null;
}

/**
 * Descendants of `scope` (not `scope` itself) that satisfy `keep`, without entering nested functions:
 * code in a callback or closure runs at another time than the code around it.
 */
export function descendantsInScope(scope: SgNode, family: LanguageFamily, keep: (n: SgNode) => boolean): SgNode[] {
  const out: SgNode[] = [];
  const stack = [...scope.children()].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as SgNode;
    if (keep(n)) out.push(n);
    if (isFunction(n, family)) continue;
    const kids = n.children();
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as SgNode);
  }
  return out;
}

const validKinds = new Map<RuleLanguage, string[]>();

/** The function kinds the language's grammar has (ast-grep rejects a rule naming a kind it does not know). */
function functionKindsOf(probe: SgNode, language: RuleLanguage): string[] {
  let kinds = validKinds.get(language);
  if (!kinds) {
    kinds = [...FUNCTION_KINDS[languageFamily(language)]].filter((kind) => {
      try {
        probe.find({ rule: { kind } });
        return true;
      } catch {
        return false;
      }
    });
    validKinds.set(language, kinds);
  }
  return kinds;
}

/**
 * Same result as {@link descendantsInScope} keeping nodes of `kinds` (none of them a function kind),
 * in source order, but matched by ast-grep: one search for the kinds and one for the nested functions
 * to leave out, instead of a walk over every node in JS.
 */
export function kindsInScope(scope: SgNode, language: RuleLanguage, kinds: readonly string[]): SgNode[] {
  return kindedInScope(scope, language, kinds).map((k) => k.node);
}

/** {@link kindsInScope}, each node with its kind (callers that look for several kinds need not ask again). */
export function kindedInScope(scope: SgNode, language: RuleLanguage, kinds: readonly string[]): { node: SgNode; kind: string }[] {
  const fnKinds = functionKindsOf(scope, language);
  const wanted = new Set(kinds);
  // One search for both the wanted nodes and the functions whose insides are left out.
  const found = scope.findAll({ rule: { any: [...kinds, ...fnKinds].map((kind) => ({ kind })) } });
  if (found.length === 0) return [];
  const selfId = scope.id();
  const candidates: { node: SgNode; kind: string }[] = [];
  const inner: { start: number; end: number }[] = [];
  for (const node of found) {
    const kind = node.kind() as string;
    if (wanted.has(kind)) candidates.push({ node, kind });
    else if (node.id() !== selfId) {
      const r = node.range();
      inner.push({ start: r.start.index, end: r.end.index });
    }
  }
  if (candidates.length === 0) return candidates;
  const self = scope.range();
  return candidates.filter(({ node }) => {
    const r = node.range();
    if (r.start.index === self.start.index && r.end.index === self.end.index && node.id() === selfId) return false;
    return !inner.some((f) => f.start <= r.start.index && r.end.index <= f.end);
  });
}

/** 1-based first line of a node. */
export const startLine = (n: SgNode): number => n.range().start.line + 1;
/** 1-based last line of a node. */
export const lastLine = (n: SgNode): number => n.range().end.line + 1;

/** Whether the function is `async` (JS, Python). */
export function isAsync(fn: SgNode): boolean {
  return fn.children().some((c) => !c.isNamed() && c.text() === 'async');
}

/**
 * The name a function is known by in its file: its declared name, the variable or property it is
 * assigned to (`const handler = async () => …`), or undefined for an anonymous callback.
 */
export function functionName(fn: SgNode, family: LanguageFamily): string | undefined {
  const own = fn.field('name');
  if (own) return own.text();
  if (family === 'js') {
    const p = fn.parent();
    if (p?.kind() === 'variable_declarator') return p.field('name')?.text();
    if (p?.kind() === 'pair') return p.field('key')?.text();
    if (p?.kind() === 'assignment_expression') return p.field('left')?.text().split('.').pop();
  }
  return undefined;
}

/** Names of a function's parameters, in order (receivers and `self`/`this` excluded). */
export function parameterNames(fn: SgNode, family: LanguageFamily): string[] {
  const params = fn.field('parameters') ?? (family === 'js' ? fn.field('parameter') : null);
  if (!params) return [];
  if (params.kind() === 'identifier') return [params.text()];
  const names: string[] = [];
  for (const p of params.children()) {
    if (!p.isNamed()) continue;
    if (family === 'js') {
      const pattern = p.field('pattern') ?? p;
      if (pattern.kind() === 'identifier') names.push(pattern.text());
      else names.push(...pattern.findAll({ rule: { kind: 'shorthand_property_identifier_pattern' } }).map((x) => x.text()));
    } else if (family === 'python') {
      const id = p.kind() === 'identifier' ? p : p.find({ rule: { kind: 'identifier' } });
      if (id && id.text() !== 'self' && id.text() !== 'cls') names.push(id.text());
    } else if (family === 'go') {
      for (const id of p.children()) if (id.kind() === 'identifier') names.push(id.text());
    } else {
      const id = p.field('name');
      if (id) names.push(id.text());
    }
  }
  return names;
}

/** Identifiers used anywhere inside `n` (including `n` itself). */
export function identifiersIn(n: SgNode): Set<string> {
  const out = new Set<string>();
  if (n.kind() === 'identifier') out.add(n.text());
  for (const id of n.findAll({ rule: { kind: 'identifier' } })) out.add(id.text());
  return out;
}
