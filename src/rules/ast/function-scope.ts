import type { NapiConfig, SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { parseSource } from '../parse-source.js';

const TS_FUNCTIONS = ['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function'];

/** Node kinds that open a new function body, per language. */
export const FUNCTION_KINDS: Record<RuleLanguage, ReadonlySet<string>> = {
  typescript: new Set(TS_FUNCTIONS),
  tsx: new Set(TS_FUNCTIONS),
  javascript: new Set(TS_FUNCTIONS),
  python: new Set(['function_definition', 'lambda']),
  go: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  java: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']),
};

/** True for TypeScript, TSX and JavaScript, which share one grammar family. */
export const isTsLike = (language: RuleLanguage): boolean => language === 'typescript' || language === 'tsx' || language === 'javascript';

/** True when `node` opens a function body in `language`. */
export function isFunctionNode(node: SgNode, language: RuleLanguage): boolean {
  return FUNCTION_KINDS[language].has(String(node.kind()));
}

/** The nearest function that contains `node` (not `node` itself), or null at module level. */
export function enclosingFunction(node: SgNode, language: RuleLanguage): SgNode | null {
  for (const a of node.ancestors()) if (isFunctionNode(a, language)) return a;
  return null;
}

/**
 * True when `node` runs as part of `scope` itself rather than in a function nested inside it:
 * a callback defined inside a loop body runs later, so it does not belong to the loop.
 */
export function belongsTo(node: SgNode, scope: SgNode, language: RuleLanguage): boolean {
  const scopeId = scope.id();
  for (const a of node.ancestors()) {
    if (a.id() === scopeId) return true;
    if (isFunctionNode(a, language)) return false;
  }
  return false;
}

const functionRules = new Map<RuleLanguage, NapiConfig>();

/** A rule matching the function kinds of `language` that its grammar has (a rule naming an unknown kind is rejected). */
function functionRule(language: RuleLanguage): NapiConfig {
  let rule = functionRules.get(language);
  if (!rule) {
    const probe = parseSource(language, '').root();
    const kinds = [...FUNCTION_KINDS[language]].filter((kind) => {
      try {
        probe.findAll({ rule: { kind } });
        return true;
      } catch {
        return false;
      }
    });
    rule = { rule: { any: kinds.map((kind) => ({ kind })) } };
    functionRules.set(language, rule);
  }
  return rule;
}

/** Descendants of `scope` matching `matcher` that belong to it (see {@link belongsTo}). */
export function findInScope(scope: SgNode, matcher: string | NapiConfig, language: RuleLanguage): SgNode[] {
  const scopeId = scope.id();
  const found = scope.findAll(matcher);
  if (found.length === 0) return found;
  // Same answer as filtering with belongsTo, without an ancestor walk per match: whatever matches
  // inside a function nested in `scope` (that function itself aside) belongs to that function.
  const nested = scope.findAll(functionRule(language));
  const foreign = new Set<number>();
  for (const fn of nested) {
    const fnId = fn.id();
    if (fnId === scopeId) continue;
    for (const n of fn.findAll(matcher)) {
      const id = n.id();
      if (id !== fnId) foreign.add(id);
    }
  }
  return found.filter((n) => {
    const id = n.id();
    return id !== scopeId && !foreign.has(id);
  });
}

const TS_LOOPS = ['for_statement', 'for_in_statement', 'while_statement', 'do_statement'];

/** Node kinds of loops, per language. */
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
  for (const a of node.ancestors()) {
    if (isFunctionNode(a, language)) return null;
    if (LOOP_KINDS[language].has(String(a.kind()))) return a;
  }
  return null;
}
