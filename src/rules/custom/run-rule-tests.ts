import { parseSource } from '../parse-source.js';
import { RuleTestDocSchema } from './custom-rule-schema.js';
import type { CustomRule, CustomRuleProblem, RuleFileText } from './load-custom-rules.js';
import { readYamlDocuments, zodProblems } from './read-yaml-documents.js';

/**
 * ast-grep's four outcomes of a case: `validated` (valid code, no match), `reported` (invalid code,
 * matched), `noisy` (valid code matched: a false positive), `missing` (invalid code not matched).
 */
export type CaseStatus = 'validated' | 'reported' | 'noisy' | 'missing';

export interface RuleTestCase {
  kind: 'valid' | 'invalid';
  /** 1-based position in its list. */
  index: number;
  code: string;
  status: CaseStatus;
  /** Lines (1-based, in the snippet) the rule matched. */
  matchedLines: number[];
}

export interface RuleTestResult {
  id: string;
  /** The test file, and the line of its document. */
  file: string;
  line: number;
  passed: boolean;
  cases: RuleTestCase[];
}

/**
 * Runs ast-grep-style rule tests: each test document (`id`, `valid`, `invalid`; ast-grep keeps them in
 * `rule-tests/<id>-test.yml`) checks its rule on each snippet, as if the whole snippet were new code and
 * whatever its path (`files`/`ignores` do not apply, as in `ast-grep test`). A valid snippet must not match,
 * an invalid one must. A test for an id that names no rule, or a test file that is not valid, is a problem.
 * Snapshot files (`__snapshots__`) are not read.
 *
 * @example
 * const { results } = runRuleTests(rules, [{ path: 'rule-tests/no-eval-test.yml', text: 'id: no-eval\nvalid: [ok()]\ninvalid: [eval(x)]\n' }]);
 * results[0].passed // true when the rule reports eval(x) and not ok()
 */
export function runRuleTests(rules: readonly CustomRule[], testFiles: readonly RuleFileText[]): { results: RuleTestResult[]; problems: CustomRuleProblem[] } {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const results: RuleTestResult[] = [];
  const problems: CustomRuleProblem[] = [];
  for (const file of testFiles) {
    if (file.path.split('/').includes('__snapshots__')) continue;
    const { documents, problems: yamlProblems } = readYamlDocuments(file.text);
    for (const p of yamlProblems) problems.push({ file: file.path, line: p.line, column: p.column, message: p.message });
    for (const doc of documents) {
      const parsed = RuleTestDocSchema.safeParse(doc.data);
      if (!parsed.success) {
        for (const p of zodProblems(doc, parsed.error)) problems.push({ file: file.path, line: p.line, column: p.column, message: `rule test: ${p.message}` });
        continue;
      }
      const test = parsed.data;
      const rule = byId.get(test.id);
      if (!rule) {
        const at = doc.locate(['id']);
        problems.push({ file: file.path, line: at.line, column: at.column, message: `rule test: no rule has the id \`${test.id}\`` });
        continue;
      }
      const cases = [...test.valid.map((code, i) => runCase(rule, 'valid', i + 1, code)), ...test.invalid.map((code, i) => runCase(rule, 'invalid', i + 1, code))];
      results.push({ id: test.id, file: file.path, line: doc.start.line, passed: cases.every((c) => c.status === 'validated' || c.status === 'reported'), cases });
    }
  }
  return { results, problems };
}

function runCase(rule: CustomRule, kind: 'valid' | 'invalid', index: number, code: string): RuleTestCase {
  const root = parseSource(rule.languages[0]!, code);
  const matchedLines = rule.find({ root, source: code, lines: code.split('\n') }).map((m) => m.line);
  const matched = matchedLines.length > 0;
  const status: CaseStatus = kind === 'valid' ? (matched ? 'noisy' : 'validated') : matched ? 'reported' : 'missing';
  return { kind, index, code, status, matchedLines };
}

/**
 * The report `arch-review rules test` prints: one line per rule (`PASS`/`FAIL`, its cases), and under a
 * failing rule each wrong case with its snippet.
 */
export function formatRuleTestReport(results: readonly RuleTestResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const valid = r.cases.filter((c) => c.kind === 'valid').length;
    const invalid = r.cases.length - valid;
    out.push(`${r.passed ? 'PASS' : 'FAIL'} ${r.id} (${valid} valid, ${invalid} invalid; ${r.file}:${r.line})`);
    for (const c of r.cases.filter((x) => x.status === 'noisy' || x.status === 'missing')) {
      const what = c.status === 'noisy' ? `noisy: valid case ${c.index} matched (line ${c.matchedLines.join(', ')})` : `missing: invalid case ${c.index} did not match`;
      out.push(`  ${what}:`);
      for (const l of c.code.replace(/\n$/, '').split('\n')) out.push(`    | ${l}`);
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  out.push(`${results.length - failed} passed, ${failed} failed`);
  return `${out.join('\n')}\n`;
}
