import { describe, expect, it } from 'vitest';
import { ConfigSchema, defaultConfig } from '../../src/config/schema.js';
import { buildIntegrationModel } from '../../src/integration/index.js';
import { silentLogger } from '../../src/review/ports.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';
import { loadFixture } from '../integration/load-fixture.js';
import { gitChange, sourceOf } from './git-change.js';

const CANCEL = 'src/orders/cancel-order.ts';
const HEAD = [
  "import Stripe from 'stripe';",
  "import { refund } from '../lib/payments';",
  "import { findOrder, markCancelled } from './order-repository';",
  '',
  "const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '');",
  '',
  'export async function cancelOrder(orderId: string): Promise<void> {',
  '  const order = await findOrder(orderId);',
  '  await stripe.refunds.create({ charge: order.chargeId });',
  '  await markCancelled(orderId, process.env.CANCEL_REASON_DEFAULT);',
  '}',
  '',
].join('\n');

/** A PR on the ts-shop fixture that calls Stripe directly beside the repository's Stripe adapter. */
function bypassPullRequest() {
  const base = loadFixture('ts-shop');
  const head = base.map((f) => (f.path === CANCEL ? { ...f, source: HEAD } : f));
  const change = gitChange(Object.fromEntries(base.map((f) => [f.path, f.source])), { [CANCEL]: HEAD });
  return { change, repositoryModel: buildIntegrationModel(head), baseRepositoryModel: buildIntegrationModel(base) };
}

const target = { repository: 'acme/shop', headSha: 'h' };
const ids = (fs: readonly { ruleId?: string | undefined; line: number }[]) => fs.map((f) => [f.ruleId, f.line]);

describe('review with a repository model', () => {
  it('posts adapter-bypass on the direct Stripe call and the SDK import, replacing the folder-blind per-file finding', async () => {
    const { change, repositoryModel, baseRepositoryModel } = bypassPullRequest();
    const result = await reviewPullRequest({ source: sourceOf(change), config: defaultConfig(), target, log: silentLogger, repositoryModel, baseRepositoryModel });
    const inline = result.inline.filter((f) => f.path === CANCEL);
    expect(ids(inline)).toEqual(expect.arrayContaining([['adapter-bypass', 9], ['vendor-sdk-outside-adapter', 1]]));
    // The module imports the repository's adapters, so the model says business logic: the env read at call time
    // is judged as such (a summary-only rule).
    expect(ids([...result.summaryOnly.map((s) => s.finding), ...(result.demoted ?? []).map((d) => d.finding)])).toContainEqual(['env-read-in-business-logic', 10]);
    // vendor-sdk-outside-adapter is the sharper domain-imports-vendor-sdk on the same line.
    expect(ids(inline)).not.toContainEqual(['domain-imports-vendor-sdk', 1]);
    const bypass = inline.find((f) => f.ruleId === 'adapter-bypass')!;
    expect(bypass.body).toContain('Use `refund` in `src/lib/payments`, which already sets a timeout, an idempotency key and error translation.');
  });

  it('without a model: no repository rule, and the folder heuristics (src/orders is not a business folder) stay silent', async () => {
    const { change } = bypassPullRequest();
    const result = await reviewPullRequest({ source: sourceOf(change), config: defaultConfig(), target, log: silentLogger });
    const rules = [...result.inline, ...result.summaryOnly.map((s) => s.finding), ...(result.demoted ?? []).map((d) => d.finding)].map((f) => f.ruleId);
    expect(rules).not.toContain('adapter-bypass');
    expect(rules).not.toContain('env-read-in-business-logic');
  });

  it('obeys rules: config like any rule (off, severity)', async () => {
    const { change, repositoryModel } = bypassPullRequest();
    const config = ConfigSchema.parse({ rules: { 'adapter-bypass': { severity: 'high' }, 'vendor-sdk-outside-adapter': false } });
    const result = await reviewPullRequest({ source: sourceOf(change), config, target, log: silentLogger, repositoryModel });
    const rules = result.inline.map((f) => [f.ruleId, f.severity]);
    expect(rules).toContainEqual(['adapter-bypass', 'high']);
    expect(rules.map((r) => r[0])).not.toContain('vendor-sdk-outside-adapter');
  });
});

describe('repository findings in the pipeline', () => {
  it('an arch-review-ignore comment with a reason silences adapter-bypass like any rule', async () => {
    const base = loadFixture('ts-shop');
    const suppressed = HEAD.replace('  await stripe.refunds.create(', '  // arch-review-ignore adapter-bypass: the gateway cannot refund disputed charges yet\n  await stripe.refunds.create(');
    const head = base.map((f) => (f.path === CANCEL ? { ...f, source: suppressed } : f));
    const change = gitChange(Object.fromEntries(base.map((f) => [f.path, f.source])), { [CANCEL]: suppressed });
    const result = await reviewPullRequest({ source: sourceOf(change), config: defaultConfig(), target, log: silentLogger, repositoryModel: buildIntegrationModel(head) });
    expect(result.inline.map((f) => f.ruleId)).not.toContain('adapter-bypass');
    expect(result.suppressed?.map((s) => s.finding.ruleId)).toContain('adapter-bypass');
  });
});

describe('a repository finding beside a per-file finding on the same line', () => {
  it('new-integration-without-resilience gives way to http-call-without-timeout (the narrower fix)', async () => {
    const base = loadFixture('ts-shop');
    const ops = "import axios from 'axios';\n\nexport async function alert(summary: string): Promise<void> {\n  await axios.post('https://hooks.opsgenie.example/v2/alerts', { summary });\n}\n";
    const head = [...base, { path: 'src/notify/ops.ts', language: 'typescript' as const, source: ops }];
    const change = gitChange(Object.fromEntries(base.map((f) => [f.path, f.source])), { 'src/notify/ops.ts': ops });
    const result = await reviewPullRequest({ source: sourceOf(change), config: defaultConfig(), target, log: silentLogger, repositoryModel: buildIntegrationModel(head), baseRepositoryModel: buildIntegrationModel(base) });
    expect(ids(result.inline.filter((f) => f.path === 'src/notify/ops.ts'))).toEqual([['http-call-without-timeout', 4]]);
  });
});

describe('a vendor type imported to type what the adapter returns', () => {
  it('vendor-type-crosses-adapter replaces domain-imports-vendor-sdk and vendor-sdk-outside-adapter on the import line', async () => {
    const base = loadFixture('ts-shop');
    const cancel = base.find((f) => f.path === CANCEL)!.source;
    const typed = `import type Stripe from 'stripe';\n${cancel.replace('  await refund(order.chargeId);', '  const r: Stripe.Refund = await refund(order.chargeId);\n  void r;')}`;
    const head = base.map((f) => (f.path === CANCEL ? { ...f, source: typed } : f));
    const change = gitChange(Object.fromEntries(base.map((f) => [f.path, f.source])), { [CANCEL]: typed });
    const result = await reviewPullRequest({ source: sourceOf(change), config: defaultConfig(), target, log: silentLogger, repositoryModel: buildIntegrationModel(head), baseRepositoryModel: buildIntegrationModel(base) });
    const line1 = [...result.inline, ...result.summaryOnly.map((s) => s.finding), ...(result.demoted ?? []).map((d) => d.finding)].filter((f) => f.path === CANCEL && f.line === 1);
    expect(line1.map((f) => f.ruleId)).toEqual(['vendor-type-crosses-adapter']);
  });
});
