import { describe, expect, it } from 'vitest';
import type { RuleLanguage } from '../../../src/diff/types.js';
import { enabledCustomRules } from '../../../src/rules/custom/enabled-custom-rules.js';
import { CUSTOM_RULE_CONFIDENCE, formatProblem, loadCustomRules, type CustomRule, type RuleFileText } from '../../../src/rules/custom/load-custom-rules.js';
import { loadRepositoryRules } from '../../../src/rules/custom/load-repository-rules.js';
import { ALL_RULES } from '../../../src/rules/registry.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { runRules } from '../../../src/rules/run-rules.js';
import { exampleFiles } from './example-rules.js';

const FILE = '.github/arch-review/rules/team.yml';
const load = (text: string, over: { utilFiles?: RuleFileText[]; path?: string } = {}) =>
  loadCustomRules({ ruleFiles: [{ path: over.path ?? FILE, text }], ...(over.utilFiles ? { utilFiles: over.utilFiles } : {}), defaultCategory: 'coupling', reservedIds: new Set(ALL_RULES.map((r) => r.id)) });

const everyLine = (src: string) => new Set(src.split('\n').map((_, i) => i + 1));
function findings(rules: CustomRule[], language: RuleLanguage, source: string, opts: { path?: string; changed?: number[] } = {}) {
  const res = runRules({ path: opts.path ?? 'src/billing/pay.ts', language, source, changedLines: opts.changed ? new Set(opts.changed) : everyLine(source) }, rules);
  expect(res.errors).toEqual([]);
  return res.findings;
}

describe('loadCustomRules: the README examples', () => {
  const set = loadCustomRules({ ruleFiles: exampleFiles('.github/arch-review/rules'), defaultCategory: 'abstraction' });

  it('load without problems or warnings', () => {
    expect(set.problems).toEqual([]);
    expect(set.warnings).toEqual([]);
    expect(set.rules.map((r) => [r.id, r.languages, r.category, r.severity, r.confidence])).toEqual([
      ['requests-without-session-wrapper', ['python'], 'resilience', 'medium', CUSTOM_RULE_CONFIDENCE],
      ['stripe-outside-payments', ['typescript'], 'coupling', 'high', CUSTOM_RULE_CONFIDENCE],
    ]);
  });

  it('Stripe: a direct SDK call on a changed line is a finding whose suggestion goes through lib/payments, keeping the arguments', () => {
    const src = [
      "import Stripe from 'stripe';",
      'const stripe = new Stripe(key);',
      'export async function pay(amount: number) {',
      '  const intent = await stripe.paymentIntents.create({ amount,',
      "    currency: 'eur' });",
      '  return intent.id;',
      '}',
    ].join('\n');
    const [f, ...rest] = findings(set.rules, 'typescript', src, { changed: [5] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      ruleId: 'stripe-outside-payments',
      line: 4,
      endLine: 5,
      severity: 'high',
      category: 'coupling',
      title: '`stripe.paymentIntents.create` calls Stripe directly instead of through lib/payments',
      suggestion: "  const intent = await payments.paymentIntents.create({ amount,\n    currency: 'eur' });",
    });
    expect(f!.body).toContain('**Why it matters:** `lib/payments` wraps the Stripe SDK');
    expect(f!.body).toContain('Rule `stripe-outside-payments` in `.github/arch-review/rules/stripe-outside-payments.yml`');
  });

  it('Stripe: only on changed lines, only in files that import stripe, and never inside lib/payments (files/ignores)', () => {
    const src = "import Stripe from 'stripe';\nconst stripe = new Stripe(key);\nawait stripe.refunds.create({ charge });\n";
    expect(findings(set.rules, 'typescript', src, { changed: [1] })).toEqual([]);
    expect(findings(set.rules, 'typescript', src.replace("'stripe'", "'./stripe-mock'"))).toEqual([]);
    expect(findings(set.rules, 'typescript', src, { path: 'src/lib/payments/refunds.ts' })).toEqual([]);
    expect(findings(set.rules, 'typescript', src, { path: 'scripts/backfill.ts' })).toEqual([]);
    expect(findings(set.rules, 'typescript', src).map((f) => f.line)).toEqual([3]);
    // The constraint: `stripe.webhooks.constructEvent` is not a call the wrapper covers.
    expect(findings(set.rules, 'typescript', src.replace('stripe.refunds.create({ charge })', 'stripe.webhooks.constructEvent(body, sig, secret)'))).toEqual([]);
  });

  it('requests: a bare requests call becomes a call on the session wrapper; tests and the wrapper itself are exempt', () => {
    const src = 'import requests\n\ndef orders(url):\n    return requests.get(url, params={"page": 2}).json()\n';
    const [f] = findings(set.rules, 'python', src, { path: 'billing/orders.py' });
    expect(f).toMatchObject({ line: 4, severity: 'medium', category: 'resilience', title: 'requests.get bypasses the acme.http session wrapper', suggestion: '    return session.get(url, params={"page": 2}).json()' });
    expect(findings(set.rules, 'python', src, { path: 'acme/http/session.py' })).toEqual([]);
    expect(findings(set.rules, 'python', src, { path: 'tests/test_orders.py' })).toEqual([]);
    expect(findings(set.rules, 'python', 'import requests\nraise requests.HTTPError("x")\n', { path: 'billing/orders.py' })).toEqual([]);
  });
});

describe('loadCustomRules: the ast-grep format', () => {
  it('reads several rules from one file (---), with the category from metadata or the configured default', () => {
    const { rules, problems } = load('id: no-eval\nlanguage: JavaScript\nrule: { pattern: eval($A) }\n---\nid: no-exec\nlanguage: js\nseverity: info\nmetadata: { category: security }\nrule: { pattern: exec($A) }\n');
    expect(problems).toEqual([]);
    expect(rules.map((r) => [r.id, r.category, r.severity, r.line])).toEqual([
      ['no-eval', 'coupling', 'low', 1],
      ['no-exec', 'security', 'low', 5],
    ]);
  });

  it('maps ast-grep severities: error → high, warning → medium, info and hint → low; off turns the rule off until rules: { id: true }', () => {
    const doc = (id: string, severity: string) => `id: ${id}\nlanguage: ts\nseverity: ${severity}\nrule: { pattern: foo() }\n`;
    const { rules } = load(['error', 'warning', 'info', 'hint', 'off'].map((s) => doc(`r-${s}`, s)).join('---\n'));
    expect(rules.map((r) => [r.id, r.severity])).toEqual([['r-error', 'high'], ['r-warning', 'medium'], ['r-info', 'low'], ['r-hint', 'low'], ['r-off', 'low']]);
    expect(enabledCustomRules(rules, {}).map((r) => r.id)).toEqual(['r-error', 'r-warning', 'r-info', 'r-hint']);
    expect(enabledCustomRules(rules, { 'r-off': true, 'r-error': false }).map((r) => [r.id, r.defaultMode])).toEqual([['r-warning', 'inline'], ['r-info', 'inline'], ['r-hint', 'inline'], ['r-off', 'inline']]);
    expect(enabledCustomRules(rules, { 'r-warning': { enabled: false } }).map((r) => r.id)).not.toContain('r-warning');
  });

  it('local utils and constraints', () => {
    const { rules, problems } = load(`id: literal-timeout
language: TypeScript
message: timeout $T is hard-coded
utils:
  is-number: { kind: number }
rule:
  pattern: setTimeout($F, $T)
constraints:
  T: { matches: is-number }
`);
    expect(problems).toEqual([]);
    const src = 'setTimeout(run, 500);\nsetTimeout(run, delayMs);\n';
    expect(findings(rules, 'typescript', src).map((f) => [f.line, f.title])).toEqual([[1, 'timeout 500 is hard-coded']]);
  });

  it('global utility rules from util_dirs, used with matches:', () => {
    const util = { path: '.github/arch-review/utils/http-client.yml', text: 'id: is-http-client\nlanguage: Python\nrule:\n  any:\n    - pattern: requests.Session()\n    - pattern: httpx.Client()\n' };
    const { rules, problems } = load('id: client-in-function\nlanguage: Python\nrule:\n  matches: is-http-client\n  inside: { kind: function_definition, stopBy: end }\n', { utilFiles: [util] });
    expect(problems).toEqual([]);
    const src = 'import httpx\n\nCLIENT = httpx.Client()\n\ndef f():\n    c = httpx.Client()\n    return c\n';
    expect(findings(rules, 'python', src, { path: 'svc/a.py' }).map((f) => f.line)).toEqual([6]);
    // Without the util file, ast-grep rejects the reference.
    expect(load('id: client-in-function\nlanguage: Python\nrule:\n  matches: is-http-client\n').problems.map((p) => p.message)).toEqual([expect.stringContaining('Rule `is-http-client` is not defined')]);
  });

  it('fix: a multi-line template is indented like the match, and $$$ lists keep their separators', () => {
    const { rules } = load(`id: wrap-fetch
language: TypeScript
rule: { pattern: 'fetch($$$ARGS)' }
fix: |
  withTimeout(
    fetch($$$ARGS),
  )
`);
    const src = 'async function f() {\n    const r = await fetch(url, { method: "POST" });\n}\n';
    const [f] = findings(rules, 'typescript', src);
    expect(f!.suggestion).toBe('    const r = await withTimeout(\n      fetch(url, { method: "POST" }),\n    );');
    expect(f!.body).toContain('Apply the suggested change.');
  });

  it('transform: transformed metavariables fill the fix, as in ast-grep', () => {
    const { rules, problems } = load(`id: env-through-config
language: TypeScript
rule: { pattern: process.env.$NAME }
transform:
  LOWER:
    convert: { source: $NAME, toCase: camelCase }
fix: config.$LOWER
`);
    expect(problems).toEqual([]);
    const [f] = findings(rules, 'typescript', 'const url = process.env.PAYMENTS_URL;\n');
    expect(f!.suggestion).toBe('const url = config.paymentsURL;'); // ast-grep's camelCase keeps an all-caps word
  });

  it('a fix that needs rewriters (not available through napi) is not offered; the match is still reported', () => {
    const res = load('id: a\nlanguage: ts\nrule: { pattern: f($$$A) }\nrewriters:\n  - id: r\n    rule: { kind: number }\n    fix: x\ntransform:\n  B:\n    rewrite: { source: $$$A, rewriters: [r] }\nfix: g($B)\n');
    expect(res.warnings).toEqual([`${FILE}:1: rule \`a\`: rewriters are not supported; its matches are reported without a suggestion.`]);
    const [f] = findings(res.rules, 'typescript', 'f(1, 2);\n');
    expect(f!.line).toBe(1);
    expect(f!.suggestion).toBeUndefined();
  });

  it('a rule without fix has no suggestion, and its message defaults to its id', () => {
    const { rules } = load('id: no-console\nlanguage: ts\nrule: { pattern: console.log($$$) }\n');
    const [f] = findings(rules, 'typescript', 'console.log(1);\n');
    expect(f!.suggestion).toBeUndefined();
    expect(f!.title).toBe('no-console');
  });
});

describe('loadCustomRules: broken files give file:line:column and what is wrong; the other rules still load', () => {
  const messages = (text: string) => load(text).problems.map(formatProblem);

  it('YAML syntax', () => {
    const { rules, problems } = load('id: ok\nlanguage: ts\nrule: { pattern: a() }\n---\nid: broken\nrule: [\n');
    expect(rules.map((r) => r.id)).toEqual(['ok']);
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0]!)).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')}:7:1: invalid YAML: `));
  });

  it('an unknown key (ast-grep rejects it too), pointing at the key', () => {
    expect(messages('id: a\nlanguage: ts\nrule: { pattern: a() }\nseverty: error\n')).toEqual([`${FILE}:4:1: rule \`a\`: unknown key \`severty\` (ast-grep rejects it too)`]);
  });

  it('a missing rule, and a severity ast-grep does not have', () => {
    expect(messages('id: a\nlanguage: ts\n')).toEqual([`${FILE}:1:1: rule \`a\`: rule: missing (required)`]);
    expect(messages('id: a\nlanguage: ts\nseverity: critical\nrule: { pattern: a() }\n')).toEqual([
      `${FILE}:3:11: rule \`a\`: severity: expected one of "hint"|"info"|"warning"|"error"|"off", received "critical"`,
    ]);
  });

  it('an unknown language is an error; a language ast-grep knows but arch-review does not review is a warning', () => {
    expect(messages('id: a\nlanguage: Cobol\nrule: { pattern: a() }\n')).toEqual([`${FILE}:2:11: rule \`a\`: unknown language "Cobol" (arch-review runs rules for TypeScript, Tsx, JavaScript, Python, Go, Java)`]);
    const rust = load('id: a\nlanguage: Rust\nrule: { pattern: unwrap() }\n');
    expect(rust.problems).toEqual([]);
    expect(rust.rules).toEqual([]);
    expect(rust.warnings).toEqual([`${FILE}:1: rule \`a\` is for Rust, which arch-review does not review; skipped.`]);
  });

  it('a rule ast-grep rejects (an unknown kind, a constraint on a metavariable the pattern lacks), pointing at the key', () => {
    expect(messages('id: a\nlanguage: ts\nrule:\n  kind: no_such_kind\n')).toEqual([`${FILE}:3:1: rule \`a\`: ast-grep rejected the rule: \`rule\` is not configured correctly. Rule contains invalid kind matcher. Invalid Kind Kind \`no_such_kind\` is invalid.`]);
    expect(messages('id: a\nlanguage: ts\nrule: { pattern: f($A) }\nconstraints:\n  B: { kind: number }\n')).toEqual([`${FILE}:4:1: rule \`a\`: ast-grep rejected the rule: Undefined meta var \`B\` used in \`constraints\`.`]);
  });

  it('an id taken by a built-in rule, or used twice', () => {
    expect(messages('id: hardcoded-secret\nlanguage: ts\nrule: { pattern: a() }\n')).toEqual([`${FILE}:1:5: rule \`hardcoded-secret\`: the id \`hardcoded-secret\` is a built-in arch-review rule; choose another id`]);
    const twice = load('id: a\nlanguage: ts\nrule: { pattern: a() }\n---\nid: a\nlanguage: ts\nrule: { pattern: b() }\n');
    expect(twice.rules).toHaveLength(1);
    expect(twice.problems.map(formatProblem)).toEqual([`${FILE}:5:5: rule \`a\`: the id \`a\` is used twice (first in ${FILE}:1); ids must be unique`]);
  });

  it('an invalid files glob', () => {
    expect(messages('id: a\nlanguage: ts\nfiles: ["src/[abc"]\nrule: { pattern: a() }\n')[0]).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')}:3:9: rule \`a\`: files\\[0\\]: invalid glob`));
  });

  it('an unknown metadata.category is a warning and takes the default', () => {
    const res = load('id: a\nlanguage: ts\nmetadata: { category: style }\nrule: { pattern: a() }\n');
    expect(res.rules.map((r) => r.category)).toEqual(['coupling']);
    expect(res.warnings).toEqual([`${FILE}:1: rule \`a\`: metadata.category "style" is not one of coupling, error-handling, resilience, abstraction, security, performance; using coupling.`]);
  });
});

describe('loadRepositoryRules', () => {
  it('reads the configured folders relative to the repository root, and refuses one that leaves it', async () => {
    const asked: string[][] = [];
    const reader = { where: 'test', read: async (dirs: readonly string[]) => (asked.push([...dirs]), { files: [], problems: [] }) };
    const config = defaultConfig();
    config.custom_rules.rule_dirs = ['./rules/', '../secrets', '/etc'];
    config.custom_rules.util_dirs = ['utils'];
    const set = await loadRepositoryRules(reader, config);
    expect(asked).toEqual([['rules'], ['utils']]);
    expect(set.problems.map(formatProblem)).toEqual([
      '../secrets: not a folder inside the repository (custom_rules folders are paths from the repository root, without `..`)',
      '/etc: not a folder inside the repository (custom_rules folders are paths from the repository root, without `..`)',
    ]);
  });
});
