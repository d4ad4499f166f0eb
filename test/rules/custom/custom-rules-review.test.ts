import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/schema.js';
import { silentLogger, type FileContent, type PullRequestSource } from '../../../src/review/ports.js';
import { reviewPullRequest } from '../../../src/review/review-pull-request.js';
import { loadCustomRules } from '../../../src/rules/custom/load-custom-rules.js';
import { exampleFiles } from './example-rules.js';

const tmp = mkdtempSync(join(tmpdir(), 'arch-review-custom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The diff git makes from `base` to `head`, and both versions. */
function gitChange(base: Record<string, string>, head: Record<string, string>) {
  const dir = mkdtempSync(join(tmp, 'repo-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  git('init', '-q', '-b', 'main');
  write(base);
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  write(head);
  git('add', '-A');
  return { diff: git('diff', '--cached', '--no-color', '--src-prefix=a/', '--dst-prefix=b/'), base: new Map(Object.entries(base)), head: new Map(Object.entries({ ...base, ...head })) };
}

const content = (text: string | undefined): FileContent | undefined => (text === undefined ? undefined : { text, size: text.length, binary: false });

const BASE = [
  "import Stripe from 'stripe';",
  'const stripe = new Stripe(key);',
  '',
  'export async function charge(amount: number) {',
  '  return stripe.charges.create({ amount });',
  '}',
  '',
].join('\n');
const HEAD = BASE.replace('stripe.charges.create({ amount })', "stripe.charges.create({ amount, currency: 'eur' })") + 'export const refund = (id: string) => stripe.refunds.create({ charge: id });\n';

describe('custom rules through reviewPullRequest (the same engine as the built-in rules)', () => {
  it('posts a new match inline with its suggestion and lists a match the base already had as pre-existing', async () => {
    const change = gitChange({ 'src/billing/charge.ts': BASE }, { 'src/billing/charge.ts': HEAD });
    const source: PullRequestSource = {
      loadDiff: async () => ({ kind: 'unified', text: change.diff }),
      readFile: async (path) => content(change.head.get(path)),
      readBaseFile: async (path) => content(change.base.get(path)),
    };
    const { rules } = loadCustomRules({ ruleFiles: exampleFiles('.github/arch-review/rules'), defaultCategory: 'coupling' });
    const result = await reviewPullRequest({ source, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger, rules: [], extraRules: rules });

    expect(result.inline.map((f) => [f.ruleId, f.line, f.suggestion])).toEqual([['stripe-outside-payments', 7, 'export const refund = (id: string) => payments.refunds.create({ charge: id });']]);
    expect((result.demoted ?? []).filter((d) => d.reason === 'pre-existing').map((d) => [d.finding.ruleId, d.finding.line])).toEqual([['stripe-outside-payments', 5]]);
  });
});
