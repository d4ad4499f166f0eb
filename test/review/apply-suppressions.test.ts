import { describe, expect, it } from 'vitest';
import type { RuleLanguage } from '../../src/diff/types.js';
import { applySuppressions } from '../../src/review/apply-suppressions.js';
import type { Finding } from '../../src/review/finding.js';
import { finding } from './factories.js';

const RULE_IDS = ['http-call-without-timeout', 'swallowed-error', 'suppression-without-reason'];
const file = (text: string[], language: RuleLanguage = 'typescript') => ({ language, text: text.join('\n') });

const PAY = file([
  'export async function charge() {', // 1
  '  // arch-review-ignore http-call-without-timeout: the SDK client sets a 10 s deadline', // 2
  '  await stripe.charges.create({});', // 3
  '  await fetch(url); // arch-review-ignore swallowed-error, resilience: probe', // 4
  '  try { x(); } catch {}', // 5
  '}', // 6
]);

const run = (findings: Finding[], files: Record<string, { language: RuleLanguage; text: string }> = { 'src/pay.ts': PAY }, added?: Record<string, number[]>) =>
  applySuppressions({
    findings,
    files: new Map(Object.entries(files)),
    ruleIds: RULE_IDS,
    ...(added ? { added: new Map(Object.entries(added).map(([p, ls]) => [p, new Set(ls)])) } : {}),
  });

describe('applySuppressions', () => {
  it('silences a rule finding on the line below the directive, with the directive and its reason', () => {
    const f = finding({ line: 3 });
    const out = run([f, finding({ line: 5, ruleId: 'swallowed-error', category: 'error-handling' })]);
    expect(out.findings.map((x) => x.line)).toEqual([5]);
    expect(out.suppressed).toEqual([{ finding: f, by: { line: 2, scope: 'line', reason: 'the SDK client sets a 10 s deadline' } }]);
  });

  it('silences only the named rules: another rule on the same line stays', () => {
    const out = run([finding({ line: 3, ruleId: 'swallowed-error', category: 'error-handling' })]);
    expect(out.suppressed).toEqual([]);
    expect(out.findings).toHaveLength(1);
  });

  it('silences agent findings by category, on the line a trailing directive sits on', () => {
    const agent = finding({ source: 'agent', line: 4, category: 'resilience' });
    const otherCategory = finding({ source: 'agent', line: 4, category: 'coupling' });
    const out = run([agent, otherCategory]);
    expect(out.suppressed.map((s) => s.finding)).toEqual([agent]);
    expect(out.findings).toEqual([otherCategory]);
  });

  it('silences a finding spanning the line a trailing directive sits on', () => {
    const text = file(['await axios.post(url, body, {', '  headers,', '}); // arch-review-ignore http-call-without-timeout: queue worker, retried', 'next();']);
    const out = run([finding({ path: 'src/a.ts', line: 1, endLine: 3 }), finding({ path: 'src/a.ts', line: 4 })], { 'src/a.ts': text });
    expect(out.suppressed.map((s) => s.finding.line)).toEqual([1]);
    expect(out.findings.map((f) => f.line)).toEqual([4]);
  });

  it('silences every matching finding of the file with the file form, and everything with all or *', () => {
    const text = file(['# arch-review-ignore-file http-call-without-timeout: internal network only', 'a()', 'b()', 'c()  # arch-review-ignore *: generated'], 'python');
    const fs = [finding({ path: 'x.py', line: 2 }), finding({ path: 'x.py', line: 3 }), finding({ path: 'x.py', line: 3, ruleId: 'swallowed-error' }), finding({ path: 'x.py', line: 4, source: 'agent', category: 'security' })];
    const out = run(fs, { 'x.py': text });
    expect(out.suppressed.map((s) => `${s.finding.line}:${s.finding.ruleId ?? s.finding.category}:${s.by.scope}`)).toEqual([
      '2:http-call-without-timeout:file',
      '3:http-call-without-timeout:file',
      '4:security:line',
    ]);
    expect(out.findings.map((f) => `${f.line}:${f.ruleId}`)).toEqual(['3:swallowed-error']);
  });

  it('still silences with a directive that gives no reason, but never the finding about that directive', () => {
    const text = file(['// arch-review-ignore all', 'x();']);
    const about = finding({ path: 'a.ts', line: 1, ruleId: 'suppression-without-reason', category: 'abstraction', severity: 'low' });
    const out = run([finding({ path: 'a.ts', line: 2 }), about], { 'a.ts': text });
    expect(out.suppressed).toEqual([{ finding: finding({ path: 'a.ts', line: 2 }), by: { line: 1, scope: 'line' } }]);
    expect(out.findings).toEqual([about]);
  });

  it('leaves findings of files without directives, or not given, alone', () => {
    const fs = [finding({ path: 'clean.ts', line: 1 }), finding({ path: 'unknown.ts', line: 1 })];
    expect(run(fs, { 'clean.ts': file(['x();']) })).toEqual({ findings: fs, suppressed: [], notes: [] });
  });

  it('notes a directive the change adds that names an unknown rule (with a did-you-mean) or none; older ones are not noted', () => {
    const text = file(['// arch-review-ignore http-call-without-timout, nope: typo', 'x();', '// arch-review-ignore: no id', 'y();', '// arch-review-ignore old-rule: old', 'z();']);
    const out = run([finding({ path: 'a.ts', line: 2 })], { 'a.ts': text }, { 'a.ts': [1, 2, 3, 4] });
    expect(out.notes).toEqual([
      '`a.ts:1`: `arch-review-ignore` names unknown rules `http-call-without-timout` (did you mean `http-call-without-timeout`?), `nope`, which silence nothing.',
      '`a.ts:3`: `arch-review-ignore` names no rule, so it silences nothing; write `arch-review-ignore <rule-id>: <reason>` (or a category, or `all`).',
    ]);
    expect(out.suppressed).toEqual([]);
  });

  it('does not take a directive in a string literal for a comment', () => {
    const text = file(['const help = "// arch-review-ignore http-call-without-timeout: no";', 'fetch(url);']);
    expect(run([finding({ path: 'a.ts', line: 2 })], { 'a.ts': text }).suppressed).toEqual([]);
  });
});

describe('applySuppressions: agent findings repeating a silenced rule finding', () => {
  it('silences an agent finding of the same category on overlapping lines, not one of another category or line', () => {
    const rule = finding({ line: 3 });
    const twin = finding({ source: 'agent', line: 3, category: 'resilience', title: 'Stripe call can hang' });
    const other = finding({ source: 'agent', line: 3, category: 'security', title: 'Key in code' });
    const later = finding({ source: 'agent', line: 5, category: 'resilience', title: 'Later' });
    const out = run([rule, twin, other, later]);
    expect(out.suppressed.map((s) => [s.finding.title, s.by.line])).toEqual([
      [rule.title, 2],
      ['Stripe call can hang', 2],
    ]);
    expect(out.findings.map((f) => f.title)).toEqual(['Key in code', 'Later']);
  });
});
