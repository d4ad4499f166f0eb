import type { NapiConfig, SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { parseSource } from '../parse-source.js';
import { fileMemo, memoisedForNode } from './file-memo.js';
import { inChange } from './node-text.js';
import type { RuleContext } from '../types.js';

/** Languages grouped by grammar family: TypeScript, TSX and JavaScript share node kinds. */
export type LanguageFamily = 'js' | 'python' | 'go' | 'java';

/** A rule language or its grammar family: every helper here accepts either. */
export type LanguageOrFamily = RuleLanguage | LanguageFamily;

/** The grammar family of a rule language (a family is its own family). */
export function languageFamily(language: LanguageOrFamily): LanguageFamily {
  if (language === 'python' || language === 'go' || language === 'java' || language === 'js') return language;
  return 'js';
}

/** True for TypeScript, TSX and JavaScript, which share one grammar family. */
export const isTsLike = (language: LanguageOrFamily): boolean => languageFamily(language) === 'js';

const FAMILY_FUNCTION_KINDS: Record<LanguageFamily, ReadonlySet<string>> = {
  js: new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']),
  python: new Set(['function_definition', 'lambda']),
  go: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  java: new Set(['method_declaration', 'constructor_declaration', 'compact_constructor_declaration', 'lambda_expression']),
};

/** Node kinds that open a new function body, per language. */
export const FUNCTION_KINDS: Record<RuleLanguage, ReadonlySet<string>> = {
  typescript: FAMILY_FUNCTION_KINDS.js,
  tsx: FAMILY_FUNCTION_KINDS.js,
  javascript: FAMILY_FUNCTION_KINDS.js,
  python: FAMILY_FUNCTION_KINDS.python,
  go: FAMILY_FUNCTION_KINDS.go,
  java: FAMILY_FUNCTION_KINDS.java,
};

/** True when `node` opens a function body (declaration, method, lambda, closure) in `language`. */
export function isFunctionNode(node: SgNode, language: LanguageOrFamily): boolean {
  return FAMILY_FUNCTION_KINDS[languageFamily(language)].has(String(node.kind()));
}

/** The nearest function that contains `node` (not `node` itself), or null at module level. */
export function enclosingFunction(node: SgNode, language: LanguageOrFamily): SgNode | null {
  // Rules and the integration points ask this of many nodes: a walk up the tree costs two native calls per
  // level, so in an open file memo it is answered from one search of the file's functions (see FunctionIndex).
  const family = languageFamily(language);
  return memoisedForNode(ENCLOSING[family], node, () => {
    const byTree = fileMemo(FUNCTION_INDEX[family], () => new Map<number, FunctionIndex>());
    if (!byTree) return walkToFunction(node, family);
    const root = node.getRoot().root();
    const tree = root.id();
    let index = byTree.get(tree);
    if (!index) byTree.set(tree, (index = functionIndex(root, family)));
    return index.enclosing(node) ?? walkToFunction(node, family);
  });
}
const ENCLOSING: Record<LanguageFamily, object> = { js: {}, python: {}, go: {}, java: {} };
const FUNCTION_INDEX: Record<LanguageFamily, object> = { js: {}, python: {}, go: {}, java: {} };

function walkToFunction(node: SgNode, family: LanguageFamily): SgNode | null {
  for (let p = node.parent(); p; p = p.parent()) if (isFunctionNode(p, family)) return p;
  return null;
}

/**
 * A file's functions by position: sorted by start (the outer first when two start together), each with the
 * nearest function around it. Functions nest, so the nearest function around a node is the last one starting
 * at or before it that ends at or after it: from the last one starting at or before it, up its chain of
 * enclosing functions. `enclosing` answers undefined when it cannot tell from positions alone (a function
 * with exactly the node's span, which may sit inside the node, as a Python lambda in an expression statement
 * does): the caller then walks the tree.
 */
interface FunctionIndex {
  enclosing(node: SgNode): SgNode | null | undefined;
}

function functionIndex(root: SgNode, family: LanguageFamily): FunctionIndex {
  const fns = root.findAll(functionRule(family)).map((node) => {
    const r = node.range();
    return { node, id: node.id(), start: r.start.index, end: r.end.index, parent: -1 };
  });
  fns.sort((a, b) => a.start - b.start || b.end - a.end);
  const open: number[] = [];
  fns.forEach((fn, i) => {
    while (open.length > 0 && fns[open[open.length - 1]!]!.end < fn.end) open.pop();
    fn.parent = open.length > 0 ? open[open.length - 1]! : -1;
    open.push(i);
  });
  return {
    enclosing(node) {
      const r = node.range();
      const start = r.start.index;
      const end = r.end.index;
      const id = node.id();
      // The last function starting at or before the node.
      let lo = 0;
      let hi = fns.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (fns[mid]!.start <= start) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let i = at; i >= 0; i = fns[i]!.parent) {
        const fn = fns[i]!;
        if (fn.end < end || fn.id === id) continue;
        if (fn.start === start && fn.end === end) return undefined;
        return fn.node;
      }
      return null;
    },
  };
}

/**
 * {@link inChange} for the function around `node` (the whole file at module level): for a candidate whose
 * matches may lie anywhere in its function, such as a later use of a response or an operand built earlier.
 */
export function functionInChange(ctx: Pick<RuleContext, 'changed'>, node: SgNode, language: LanguageOrFamily): boolean {
  if (!ctx.changed) return true;
  const fn = enclosingFunction(node, language);
  return !fn || inChange(ctx, fn);
}

/**
 * True when `node` runs as part of `scope` itself rather than in a function nested inside it:
 * a callback defined inside a loop body runs later, so it does not belong to the loop.
 */
export function belongsTo(node: SgNode, scope: SgNode, language: LanguageOrFamily): boolean {
  const scopeId = scope.id();
  for (let p = node.parent(); p; p = p.parent()) {
    if (p.id() === scopeId) return true;
    if (isFunctionNode(p, language)) return false;
  }
  return false;
}

const kindRules = new Map<string, NapiConfig>();

/**
 * A rule matching those of `kinds` that the grammar of `language` has: ast-grep rejects a rule naming a kind
 * its grammar lacks, and the kind tables list every grammar's names together. Memoised per language and list.
 */
export function knownKindsRule(language: RuleLanguage, kinds: readonly string[]): NapiConfig {
  const key = `${language}:${kinds.join(',')}`;
  let rule = kindRules.get(key);
  if (!rule) {
    const probe = parseSource(language, '').root();
    const known = kinds.filter((kind) => {
      try {
        probe.findAll({ rule: { kind } });
        return true;
      } catch {
        return false;
      }
    });
    rule = { rule: { any: known.map((kind) => ({ kind })) } };
    kindRules.set(key, rule);
  }
  return rule;
}

/** A rule matching the function kinds of `language` that its grammar has. */
function functionRule(language: LanguageOrFamily): NapiConfig {
  const grammar: RuleLanguage = language === 'js' ? 'typescript' : language;
  return knownKindsRule(grammar, [...FUNCTION_KINDS[grammar]]);
}

/**
 * Descendants of `scope` (not `scope` itself) matching `matcher` that belong to it (see {@link belongsTo}),
 * in source order: code in a callback or closure runs at another time than the code around it.
 */
export function findInScope(scope: SgNode, matcher: string | NapiConfig, language: LanguageOrFamily): SgNode[] {
  const scopeId = scope.id();
  const found = scope.findAll(matcher).filter((n) => n.id() !== scopeId);
  if (found.length === 0) return found;
  // Same answer as filtering with belongsTo, without an ancestor walk per match: one search for the nested
  // functions, then a range test. A nested function itself belongs to the scope; what is inside it does not.
  const nested: { id: number; start: number; end: number }[] = [];
  for (const fn of scope.findAll(functionRule(language))) {
    const id = fn.id();
    if (id === scopeId) continue;
    const r = fn.range();
    nested.push({ id, start: r.start.index, end: r.end.index });
  }
  if (nested.length === 0) return found;
  return found.filter((n) => {
    const r = n.range();
    const id = n.id();
    return !nested.some((f) => f.id !== id && f.start <= r.start.index && r.end.index <= f.end && !(f.start === r.start.index && f.end === r.end.index));
  });
}

/** {@link findInScope} for a list of node kinds (none of them a function kind). */
export function kindsInScope(scope: SgNode, language: LanguageOrFamily, kinds: readonly string[]): SgNode[] {
  return findInScope(scope, { rule: { any: kinds.map((kind) => ({ kind })) } }, language);
}

const TS_LOOPS = ['for_statement', 'for_in_statement', 'while_statement', 'do_statement'];

/** Node kinds of loop statements, per language. */
export const LOOP_KINDS: Record<RuleLanguage, ReadonlySet<string>> = {
  typescript: new Set(TS_LOOPS),
  tsx: new Set(TS_LOOPS),
  javascript: new Set(TS_LOOPS),
  python: new Set(['for_statement', 'while_statement']),
  go: new Set(['for_statement']),
  java: new Set(['for_statement', 'enhanced_for_statement', 'while_statement', 'do_statement']),
};

/** The nearest loop around `node` in its own function, or null. */
export function enclosingLoop(node: SgNode, language: RuleLanguage): SgNode | null {
  for (let p = node.parent(); p; p = p.parent()) {
    if (isFunctionNode(p, language)) return null;
    if (LOOP_KINDS[language].has(String(p.kind()))) return p;
  }
  return null;
}

/** Whether the function is `async` (JS, Python). */
export function isAsync(fn: SgNode): boolean {
  return fn.children().some((c) => !c.isNamed() && c.text() === 'async');
}

/**
 * The name a function is known by in its file: its declared name, the variable or property it is
 * assigned to (`const handler = async () => …`), or undefined for an anonymous callback.
 */
export function functionName(fn: SgNode, language: LanguageOrFamily): string | undefined {
  const own = fn.field('name');
  if (own) return own.text();
  if (languageFamily(language) === 'js') {
    const p = fn.parent();
    if (p?.kind() === 'variable_declarator') return p.field('name')?.text();
    if (p?.kind() === 'pair') return p.field('key')?.text();
    if (p?.kind() === 'assignment_expression') return p.field('left')?.text().split('.').pop();
  }
  return undefined;
}

/** Names of a function's parameters, in order (receivers and `self`/`this` excluded). */
export function parameterNames(fn: SgNode, language: LanguageOrFamily): string[] {
  const family = languageFamily(language);
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
