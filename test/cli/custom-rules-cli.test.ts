import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/cli/format-json.js';
import { EXAMPLE_ROOT } from '../rules/custom/example-rules.js';
import { commitAll, git, run, tempDir, writeFiles } from './cli-helpers.js';

const BASE_TS = "import { payments } from '../lib/payments';\n\nexport async function pay(amount: number) {\n  return payments.paymentIntents.create({ amount, currency: 'eur' });\n}\n";
const HEAD_TS = "import Stripe from 'stripe';\nimport { payments } from '../lib/payments';\n\nconst stripe = new Stripe(process.env.STRIPE_KEY!);\n\nexport async function pay(amount: number) {\n  return payments.paymentIntents.create({ amount, currency: 'eur' });\n}\n\nexport async function refund(id: string) {\n  return stripe.refunds.create({ payment_intent: id });\n}\n";

/** A repository with the README's example rules committed on main, and a working-tree change that calls Stripe directly. */
function repoWithRules(): string {
  const root = tempDir();
  git(root, 'init', '-q');
  cpSync(path.join(EXAMPLE_ROOT, '.github'), path.join(root, '.github'), { recursive: true });
  writeFiles(root, { 'src/billing/pay.ts': BASE_TS });
  commitAll(root, 'base');
  git(root, 'checkout', '-q', '-b', 'feature');
  writeFiles(root, { 'src/billing/pay.ts': HEAD_TS });
  return root;
}

describe('arch-review review with the repository’s own rules', () => {
  it('finds the Stripe call the change adds, with a suggestion through lib/payments', async () => {
    const root = repoWithRules();
    const { code, stdout, stderr } = await run(['review', '--base', 'main', '--format', 'json', '--no-agent', '-q'], { cwd: root });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    const custom = report.findings.filter((f) => f.ruleId === 'stripe-outside-payments');
    expect(custom).toEqual([
      expect.objectContaining({ path: 'src/billing/pay.ts', line: 11, severity: 'high', category: 'coupling', suggestion: '  return payments.refunds.create({ payment_intent: id });' }),
    ]);
  });

  it('SARIF describes the repository’s rules beside the built-in ones', async () => {
    const root = repoWithRules();
    const { code, stdout } = await run(['review', '--base', 'main', '--format', 'sarif', '--no-agent', '-q'], { cwd: root });
    expect(code).toBe(0);
    const sarif = JSON.parse(stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string }> }> };
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['hardcoded-secret', 'stripe-outside-payments', 'requests-without-session-wrapper']));
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('stripe-outside-payments');
  });

  it('a broken rule file: the error with file:line on stderr, the other rules’ findings on stdout, exit 2', async () => {
    const root = repoWithRules();
    writeFiles(root, { '.github/arch-review/rules/broken.yml': 'id: broken\nlanguage: TypeScript\nrule:\n  patern: foo()\n' });
    const { code, stdout, stderr } = await run(['review', '--base', 'main', '--format', 'json', '--no-agent', '-q'], { cwd: root });
    expect(code).toBe(2);
    expect(stderr).toContain('arch-review: error: custom rule file: .github/arch-review/rules/broken.yml:3:1: rule `broken`: ast-grep rejected the rule: unknown field `patern`');
    expect((JSON.parse(stdout) as JsonReport).findings.some((f) => f.ruleId === 'stripe-outside-payments')).toBe(true);
  });

  it('rules: { <id>: false } turns a repository rule off, without an "unknown rule" warning for its id', async () => {
    const root = repoWithRules();
    writeFiles(root, { '.github/arch-review.yml': 'rules:\n  stripe-outside-payments: false\n  no-such-rule: false\n' });
    const { code, stdout, stderr } = await run(['review', '--base', 'main', '--format', 'json', '--no-agent'], { cwd: root });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as JsonReport).findings.some((f) => f.ruleId === 'stripe-outside-payments')).toBe(false);
    expect(stderr).toContain('unknown rule "no-such-rule"');
    expect(stderr).not.toContain('unknown rule "stripe-outside-payments"');
  });

  it('custom_rules.enabled: false reads no rule', async () => {
    const root = repoWithRules();
    writeFiles(root, { '.github/arch-review.yml': 'custom_rules:\n  enabled: false\n', '.github/arch-review/rules/broken.yml': 'not: [valid\n' });
    const { code, stdout } = await run(['review', '--base', 'main', '--format', 'json', '--no-agent', '-q'], { cwd: root });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as JsonReport).findings.some((f) => f.ruleId === 'stripe-outside-payments')).toBe(false);
  });
});

describe('arch-review rules test', () => {
  it('passes the README examples’ tests, one line per rule, exit 0', async () => {
    const { code, stdout, stderr } = await run(['rules', 'test', '--repo-root', EXAMPLE_ROOT]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      'PASS requests-without-session-wrapper (2 valid, 2 invalid; .github/arch-review/rule-tests/requests-without-session-wrapper-test.yml:1)\n' +
        'PASS stripe-outside-payments (2 valid, 2 invalid; .github/arch-review/rule-tests/stripe-outside-payments-test.yml:1)\n' +
        '2 passed, 0 failed\n',
    );
  });

  it('reports noisy and missing cases with their snippets, exit 1', async () => {
    const root = tempDir();
    cpSync(path.join(EXAMPLE_ROOT, '.github'), path.join(root, '.github'), { recursive: true });
    writeFiles(root, {
      'checks/stripe.yml': "id: stripe-outside-payments\nvalid:\n  - |\n    import Stripe from 'stripe';\n    await stripe.charges.create({ amount });\ninvalid:\n  - |\n    await stripe.charges.create({ amount });\n",
    });
    const { code, stdout } = await run(['rules', 'test', '--dir', 'checks'], { cwd: root });
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL stripe-outside-payments (1 valid, 1 invalid; checks/stripe.yml:1)');
    expect(stdout).toContain("  noisy: valid case 1 matched (line 2):\n    | import Stripe from 'stripe';\n    | await stripe.charges.create({ amount });");
    expect(stdout).toContain('  missing: invalid case 1 did not match:\n    | await stripe.charges.create({ amount });');
    expect(stdout).toContain('0 passed, 1 failed');
  });

  it('a test for a rule that does not exist, or no tests at all, exit 2', async () => {
    const root = tempDir();
    writeFiles(root, { '.github/arch-review/rule-tests/x-test.yml': 'id: no-such-rule\nvalid: [a()]\n' });
    const missing = await run(['rules', 'test', '--repo-root', root]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('.github/arch-review/rule-tests/x-test.yml:1:5: rule test: no rule has the id `no-such-rule`');
    const none = await run(['rules', 'test', '--repo-root', tempDir()]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no rule tests found under .github/arch-review/rule-tests');
  });
});
