import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/review/ports.js';
import { reviewPullRequest } from '../../../src/review/review-pull-request.js';
import { loadCustomRules } from '../../../src/rules/custom/load-custom-rules.js';
import { gitChange, sourceOf } from '../../review/git-change.js';
import { exampleFiles } from './example-rules.js';

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
    const source = sourceOf(change);
    const { rules } = loadCustomRules({ ruleFiles: exampleFiles('.github/arch-review/rules'), defaultCategory: 'coupling' });
    const result = await reviewPullRequest({ source, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger, rules: [], extraRules: rules });

    expect(result.inline.map((f) => [f.ruleId, f.line, f.suggestion])).toEqual([['stripe-outside-payments', 7, 'export const refund = (id: string) => payments.refunds.create({ charge: id });']]);
    expect((result.demoted ?? []).filter((d) => d.reason === 'pre-existing').map((d) => [d.finding.ruleId, d.finding.line])).toEqual([['stripe-outside-payments', 5]]);
  });
});
