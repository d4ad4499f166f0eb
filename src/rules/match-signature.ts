import type { SgNode, SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { knownKindsRule } from './ast/function-scope.js';

/**
 * What differential analysis needs to recognise one rule match in the other version of a file, whatever its
 * path and line: the rule, its code as tokens (so reformatting and re-indentation do not matter), and the
 * name of the function it sits in (so a re-touched line is still found next to its old self).
 */
export interface MatchSignature {
  ruleId: string;
  line: number;
  endLine?: number;
  /** The match's lines as tokens joined by one space (see {@link codeTokens}). */
  code: string;
  /** Name of the innermost named function or method around the match; absent at module level. */
  scope?: string;
}

/**
 * Tokens of a piece of code: identifiers, numbers, string literals and single punctuation characters, with
 * `;` dropped and a `,` before a closing bracket dropped (what formatters add and remove). Whitespace, and
 * so line breaks and indentation, is not part of any token.
 *
 * @example codeTokens('  foo(a,\n  b,)') // ['foo', '(', 'a', ',', 'b', ')']
 */
export function codeTokens(code: string): string[] {
  const raw = code.match(/[A-Za-z_$][\w$]*|\d[\w.]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\S/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (t === ';') continue;
    if (t === ',' && /^[)\]}]$/.test(raw[i + 1] ?? '')) continue;
    out.push(t);
  }
  return out;
}

/** Normalised code of lines `line..endLine` (1-based) of `lines`. */
export function normalizedCode(lines: readonly string[], line: number, endLine = line): string {
  return codeTokens(lines.slice(line - 1, endLine).join('\n')).join(' ');
}

/** Named declarations that give a match its scope, per language: functions and methods. */
const SCOPE_KINDS: Record<RuleLanguage, readonly string[]> = {
  typescript: ['function_declaration', 'generator_function_declaration', 'method_definition', 'variable_declarator', 'public_field_definition'],
  tsx: ['function_declaration', 'generator_function_declaration', 'method_definition', 'variable_declarator', 'public_field_definition'],
  javascript: ['function_declaration', 'generator_function_declaration', 'method_definition', 'variable_declarator', 'field_definition'],
  python: ['function_definition'],
  go: ['function_declaration', 'method_declaration'],
  java: ['method_declaration', 'constructor_declaration'],
};
/** A variable or field declaration names a scope only when its value is a function. */
const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** The scope rule of `language`, with only the kinds its grammar knows. */
const scopeRule = (language: RuleLanguage) => knownKindsRule(language, SCOPE_KINDS[language]);

interface Scope {
  name: string;
  start: number;
  end: number;
}

/** The name a scope node declares, or undefined when it declares no function. */
function scopeName(node: SgNode): string | undefined {
  const kind = String(node.kind());
  const field = (n: SgNode, f: string) => (n.field as unknown as (name: string) => SgNode | null).call(n, f);
  if (kind === 'variable_declarator' || kind === 'public_field_definition' || kind === 'field_definition') {
    const value = field(node, 'value');
    if (!value || !FUNCTION_VALUES.has(String(value.kind()))) return undefined;
    return (field(node, 'name') ?? field(node, 'property'))?.text();
  }
  return field(node, 'name')?.text();
}

/**
 * A lookup of the innermost named function around a line of the file `root` holds. Built once per file (one
 * tree search), only when the file has a match to describe.
 */
export function scopeFinder(root: SgRoot, language: RuleLanguage): (line: number) => string | undefined {
  const scopes: Scope[] = [];
  for (const node of root.root().findAll(scopeRule(language))) {
    const name = scopeName(node);
    if (!name) continue;
    const r = node.range();
    scopes.push({ name, start: r.start.line + 1, end: r.end.line + 1 });
  }
  return (line) => {
    let best: Scope | undefined;
    for (const s of scopes) if (s.start <= line && line <= s.end && (!best || s.end - s.start < best.end - best.start)) best = s;
    return best?.name;
  };
}
