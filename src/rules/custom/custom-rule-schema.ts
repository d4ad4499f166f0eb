import { z } from 'zod';
import type { RuleLanguage } from '../../diff/types.js';
import type { Severity } from '../../review/finding.js';

/** ast-grep's severities (`hint` when a rule sets none). */
export const AST_GREP_SEVERITIES = ['hint', 'info', 'warning', 'error', 'off'] as const;
export type AstGrepSeverity = (typeof AST_GREP_SEVERITIES)[number];

/**
 * ast-grep severity → arch-review severity. `error` (fails `ast-grep scan`) is a high finding,
 * `warning` a medium one, `info` and `hint` low ones. `off` turns the rule off, as in ast-grep: it runs
 * only when `rules: { <id>: true }` turns it on (then as a low finding).
 */
export const SEVERITY_OF: Record<AstGrepSeverity, Severity> = { error: 'high', warning: 'medium', info: 'low', hint: 'low', off: 'low' };

/** ast-grep's language names and aliases (case-insensitive) for the languages arch-review's rules read. */
const LANGUAGE_OF: Record<string, RuleLanguage> = {
  typescript: 'typescript',
  ts: 'typescript',
  tsx: 'tsx',
  javascript: 'javascript',
  js: 'javascript',
  jsx: 'javascript',
  python: 'python',
  py: 'python',
  go: 'go',
  golang: 'go',
  java: 'java',
};

/** Languages ast-grep knows that arch-review does not review: their rules are skipped with a warning, not an error. */
const OTHER_AST_GREP_LANGUAGES = new Set([
  'bash', 'c', 'cc', 'c++', 'cpp', 'cxx', 'csharp', 'cs', 'css', 'dart', 'elixir', 'ex', 'haskell', 'hs', 'hcl', 'html', 'htm',
  'json', 'kotlin', 'kt', 'lua', 'markdown', 'md', 'nix', 'php', 'ruby', 'rb', 'rust', 'rs', 'scala', 'solidity', 'sol', 'swift', 'yaml', 'yml',
]);

/**
 * What a rule's `language:` names: one of arch-review's rule languages, another ast-grep language
 * (`other`: skipped), or nothing ast-grep knows (`unknown`: an error).
 *
 * @example languageOf('TypeScript') // { kind: 'rule', language: 'typescript' }
 * @example languageOf('Rust') // { kind: 'other' }
 */
export function languageOf(name: string): { kind: 'rule'; language: RuleLanguage } | { kind: 'other' } | { kind: 'unknown' } {
  const key = name.trim().toLowerCase();
  const language = LANGUAGE_OF[key];
  if (language) return { kind: 'rule', language };
  return OTHER_AST_GREP_LANGUAGES.has(key) ? { kind: 'other' } : { kind: 'unknown' };
}

/** The languages named in errors, as ast-grep spells them. */
export const RULE_LANGUAGE_NAMES = 'TypeScript, Tsx, JavaScript, Python, Go, Java';

/** An ast-grep rule object (`pattern`, `kind`, `has`, `matches`, …): ast-grep itself checks its content. */
const RuleObject = z.record(z.string(), z.unknown());

/**
 * One rule document of an ast-grep rule file (https://ast-grep.github.io/reference/yaml.html). Unknown
 * top-level keys are rejected, as ast-grep rejects them; `metadata` is free-form except `category` and
 * `confidence`, which arch-review reads.
 */
export const CustomRuleDocSchema = z.strictObject({
  id: z.string().min(1).regex(/^\S+$/, 'must not contain spaces'),
  language: z.string().min(1),
  rule: RuleObject,
  constraints: z.record(z.string(), RuleObject).optional(),
  utils: z.record(z.string(), RuleObject).optional(),
  transform: z.record(z.string(), z.unknown()).optional(),
  fix: z.union([z.string(), z.looseObject({ template: z.string() })]).optional(),
  message: z.string().optional(),
  note: z.string().optional(),
  severity: z.enum(AST_GREP_SEVERITIES).optional(),
  labels: z.record(z.string(), z.unknown()).optional(),
  files: z.array(z.string().min(1)).optional(),
  ignores: z.array(z.string().min(1)).optional(),
  url: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  rewriters: z.array(z.unknown()).optional(),
});
export type CustomRuleDoc = z.infer<typeof CustomRuleDocSchema>;

/** A global utility rule (a file in `util_dirs`): referenced from rules with `matches: <id>`. */
export const UtilRuleDocSchema = z.strictObject({
  id: z.string().min(1).regex(/^\S+$/, 'must not contain spaces'),
  language: z.string().min(1),
  rule: RuleObject,
  utils: z.record(z.string(), RuleObject).optional(),
  constraints: z.record(z.string(), RuleObject).optional(),
});
export type UtilRuleDoc = z.infer<typeof UtilRuleDocSchema>;

/** One test file (`rule-tests/<id>-test.yml`), as `ast-grep test` reads it. */
export const RuleTestDocSchema = z.strictObject({
  id: z.string().min(1),
  valid: z.array(z.string()).default([]),
  invalid: z.array(z.string()).default([]),
});
export type RuleTestDoc = z.infer<typeof RuleTestDocSchema>;
