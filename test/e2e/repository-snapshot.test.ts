/**
 * End to end: the repository snapshot. The built app (`npm start`) against the fake GitHub Enterprise, which
 * serves `GET /repos/:o/:r/tarball/:ref` as GitHub does: a 302 to a codeload URL (on the same fake) that
 * streams the tar.gz of the fixture repository `ts-shop` (Stripe wrapped by `src/lib/payments`). The pull
 * request adds a direct Stripe call in another module. A second pull request on the same base reads no tarball.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tarballOf } from '../helpers/tarball.js';
import { loadFixture } from '../integration/load-fixture.js';
import { buildOnce } from './build-once.js';
import { deliverWebhook } from './deliver-webhook.js';
import type { FakeGitHub, FakePullRequestInit } from './fake-github.js';
import { fetchMetrics, readMetric } from './read-metric.js';
import { startAppWithFakeGitHub, type AppProcess } from './start-app-process.js';
import { throwawayCredentials } from './throwaway-credentials.js';
import { pullRequestOpenedPayload } from './webhook-payloads.js';

const TARGET = { owner: 'acme', repo: 'shop', number: 11, installationId: 4343 };
const APP_ID = 31338;
const APP_SLUG = 'arch-review-e2e';
const CREDENTIALS = throwawayCredentials();
const WEBHOOK_SECRET = CREDENTIALS.webhookSecret;
const POLL = { timeout: 30_000, interval: 50 };
const MERGE_BASE = 'd'.repeat(40);
const TARBALL = /^\/repos\/acme\/shop\/tarball\//;
const CODELOAD = /^\/_codeload\/acme\/shop\/legacy\.tar\.gz\//;

const DIRECT = [
  "import Stripe from 'stripe';",
  '',
  'const stripe = new Stripe(process.env.STRIPE_KEY!);',
  '',
  'export async function refundNow(paymentIntent: string) {',
  '  return stripe.refunds.create({ payment_intent: paymentIntent });',
  '}',
  '',
];

/** A pull request on `ts-shop` that adds `path` (a direct Stripe call) at head `sha`. */
function directStripePullRequest(number: number, sha: string, path: string, baseTarball: Buffer, mergeBase = MERGE_BASE): FakePullRequestInit {
  const base = new Map(loadFixture('ts-shop').map((f) => [f.path, f.source]));
  const text = DIRECT.join('\n');
  const diff = [
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    'index 0000000..1111111',
    '--- /dev/null',
    `+++ b/${path}`,
    `@@ -0,0 +1,${DIRECT.length - 1} @@`,
    ...DIRECT.slice(0, -1).map((l) => `+${l}`),
    '',
  ].join('\n');
  return { number, headSha: sha, baseSha: 'e'.repeat(40), mergeBaseSha: mergeBase, title: 'Refund straight away', diff, headFiles: new Map([...base, [path, text]]), baseFiles: base, baseTarball };
}

let github: FakeGitHub;
let app: AppProcess;
let webhookUrl: string;
let tarball: Buffer;
/** GitHub API requests (codeload not counted: the client makes it by following the redirect) per review, by scenario. */
const apiRequests: Record<string, number> = {};
const routes: Record<string, string[]> = {};
const countApiRequests = (scenario: string) => {
  routes[scenario] = github.requests.filter((r) => !CODELOAD.test(r.route)).map((r) => `${r.method} ${r.route}`);
  return (apiRequests[scenario] = routes[scenario].length);
};
const shaFor = (s: string) => createHash('sha1').update(`${s}-${randomBytes(8).toString('hex')}`).digest('hex');
const published = async () => readMetric(await fetchMetrics(app.url), 'reviews_total', { outcome: 'published' });
const metric = async (name: string, labels: Record<string, string>) => readMetric(await fetchMetrics(app.url), name, labels);

async function review(number: number, path: string, base: { tarball: Buffer; mergeBase: string } = { tarball, mergeBase: MERGE_BASE }): Promise<string> {
  const sha = shaFor(`pr-${number}`);
  github.addPullRequest(directStripePullRequest(number, sha, path, base.tarball, base.mergeBase));
  const before = await published();
  const ack = await deliverWebhook(webhookUrl, { event: 'pull_request', payload: pullRequestOpenedPayload({ ...TARGET, number }, sha), id: `snap-${number}-${sha.slice(0, 8)}`, secret: WEBHOOK_SECRET });
  expect(ack.status).toBe(200);
  await expect.poll(() => published(), POLL).toBe(before + 1);
  return sha;
}

describe('repository snapshot (npm start against a fake GitHub Enterprise)', () => {
  beforeAll(async () => {
    await buildOnce();
    tarball = await tarballOf(Object.fromEntries(loadFixture('ts-shop').map((f) => [f.path, f.source])), `acme-shop-${MERGE_BASE.slice(0, 7)}`);
    ({ github, app, webhookUrl } = await startAppWithFakeGitHub({ target: TARGET, appId: APP_ID, appSlug: APP_SLUG, credentials: CREDENTIALS }));
  }, 240_000);

  afterAll(async () => {
    console.info(`GitHub API requests per review: ${JSON.stringify(apiRequests)}`);
    await app?.stop();
    await github?.close();
  });

  beforeEach(() => github.reset());

  it('reads the base tarball once (following the 302 to codeload), and the summary maps the new direct edge', async () => {
    const reads = await metric('repository_snapshots_total', { outcome: 'read' });
    const sha = await review(TARGET.number, 'src/orders/refund-now.ts');
    // /metrics counts the read (by outcome, never by repository), its duration and the memory cache's miss.
    expect(await metric('repository_snapshots_total', { outcome: 'read' })).toBe(reads + 1);
    expect(await metric('repository_snapshot_duration_seconds_count', { outcome: 'read' })).toBe(reads + 1);
    expect(await metric('base_model_cache_lookups_total', { layer: 'memory', result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect((await fetchMetrics(app.url)).split('\n').filter((l) => l.startsWith('repository_snapshots_total{')).join('\n')).not.toContain('acme');
    // One tarball request per review, at the merge base, followed to codeload with its token.
    expect(github.calls('GET', TARBALL).map((r) => [r.route, r.status])).toEqual([[`/repos/acme/shop/tarball/${MERGE_BASE}`, 302]]);
    expect(github.calls('GET', CODELOAD).map((r) => [r.query.token, r.status])).toEqual([['codeload-token', 200]]);
    const [summary] = github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha);
    expect(summary!.body).toContain('adds a dependency on `Stripe` from `src/orders/refund-now`');
    // The direct call beside the repository's Stripe adapter (src/lib/payments) gets the bypass finding on its line.
    const bypass = summary!.comments.filter((c) => c.body.includes('rule `adapter-bypass`'));
    expect(bypass.map((c) => [c.path, c.line])).toEqual([['src/orders/refund-now.ts', 6]]);
    expect(bypass[0]!.body).toContain('`src/lib/payments`');
    // The map shows the new edge without a timeout.
    expect(summary!.body).toMatch(/\| `src\/orders\/refund-now` \| `Stripe` \| \*\*added\*\* \| [✗?] \|/);
    // The repository model was built from the snapshot: the fixture's source files minus one without integrations or imports.
    expect(app.output()).toMatch(/"kept":6[^\n]*"msg":"repository snapshot read"|"msg":"repository snapshot read"[^\n]*"kept":6/);
    expect(summary!.body).not.toContain('repository snapshot could not be read');
    countApiRequests('cold base (tarball read)');
  });

  it('a second pull request on the same base reads no tarball: the base model is cached', async () => {
    const hits = await metric('base_model_cache_lookups_total', { layer: 'memory', result: 'hit' });
    const reads = await metric('repository_snapshots_total', { outcome: 'read' });
    await review(TARGET.number + 1, 'src/notify/refund-later.ts');
    expect(await metric('base_model_cache_lookups_total', { layer: 'memory', result: 'hit' })).toBe(hits + 1);
    expect(await metric('repository_snapshots_total', { outcome: 'read' })).toBe(reads);
    expect(github.calls('GET', TARBALL)).toEqual([]);
    expect(github.calls('GET', CODELOAD)).toEqual([]);
    const [summary] = github.submittedReviews(TARGET.number + 1);
    expect(summary!.body).toContain('adds a dependency on `Stripe` from `src/notify/refund-later`');
    countApiRequests('same base again (cached)');
    // The merge base is still resolved (one compare, shared with differential analysis when it reads a base file): it keys the cache.
    expect(routes['same base again (cached)']!.filter((r) => r.includes('/compare/'))).toHaveLength(1);
  });

  it('with integration_map.snapshot.enabled: false, no tarball is read and no compare is needed for it', async () => {
    github.knobs.repoConfig = 'integration_map:\n  snapshot:\n    enabled: false\n';
    const disabled = await metric('repository_snapshots_total', { outcome: 'disabled' });
    await review(TARGET.number + 2, 'src/notify/refund-off.ts');
    expect(await metric('repository_snapshots_total', { outcome: 'disabled' })).toBe(disabled + 1);
    expect(github.calls('GET', TARBALL)).toEqual([]);
    // Without the repository, nothing knows the adapter: no bypass finding.
    expect(github.submittedReviews(TARGET.number + 2).flatMap((r) => r.comments).some((c) => c.body.includes('adapter-bypass'))).toBe(false);
    countApiRequests('snapshot off');
    // This change adds files only, so nothing else resolves the merge base: no compare either.
    expect(routes['snapshot off']!.filter((r) => r.includes('/compare/') || r.includes('/tarball/'))).toEqual([]);
  });

  describe('over the budget (a monorepo larger than `max_files`)', () => {
    /** 30 generated packages with integrations, before the shop's own files in the archive: the cut (at 20 files) falls among them. */
    const filler = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`packages/p${String(i).padStart(2, '0')}/client.ts`, `import axios from 'axios';\nexport const get = () => axios.get('https://p${i}.example.com');\n`]));
    const shop = () => Object.fromEntries(loadFixture('ts-shop').map((f) => [f.path, f.source]));
    const budgetConfig = 'integration_map:\n  snapshot:\n    max_files: 20\n';

    it('the adapter the touched package imports comes after the cut and after its importer: ONE tarball request, the adapter known, the bypass found', async () => {
      github.knobs.repoConfig = budgetConfig;
      const files = shop();
      // The touched package first, its import (the Stripe adapter `src/lib/payments`) after it.
      const ordered = { ...filler, 'src/orders/cancel-order.ts': files['src/orders/cancel-order.ts']!, 'src/orders/order-repository.ts': files['src/orders/order-repository.ts']!, ...files };
      const mergeBase = '1'.repeat(40);
      const base = { tarball: await tarballOf(ordered, `acme-shop-${mergeBase.slice(0, 7)}`), mergeBase };
      const truncated = await metric('repository_snapshots_total', { outcome: 'truncated' });
      const sha = await review(TARGET.number + 3, 'src/orders/refund-fast.ts', base);
      expect(github.calls('GET', TARBALL)).toHaveLength(1);
      expect(github.calls('GET', CODELOAD)).toHaveLength(1);
      const [summary] = github.submittedReviews(TARGET.number + 3).filter((r) => r.commitId === sha);
      expect(summary!.comments.filter((c) => c.body.includes('rule `adapter-bypass`')).map((c) => [c.path, c.line])).toEqual([['src/orders/refund-fast.ts', 6]]);
      expect(summary!.body).toContain('The repository snapshot was cut at 20 files: the repository model covers `src/orders` and 1 file they import.');
      expect(await metric('repository_snapshots_total', { outcome: 'truncated' })).toBe(truncated + 1);
      countApiRequests('over budget, import after its importer');
    });

    it('the adapter comes after the cut but before its importer (git tree order: `lib` < `orders`): a second, filtered tarball request reads it, and the bypass is found', async () => {
      github.knobs.repoConfig = budgetConfig;
      const mergeBase = '2'.repeat(40);
      const base = { tarball: await tarballOf({ ...filler, ...shop() }, `acme-shop-${mergeBase.slice(0, 7)}`), mergeBase };
      const sha = await review(TARGET.number + 4, 'src/orders/refund-slow.ts', base);
      expect(github.calls('GET', TARBALL)).toHaveLength(2);
      expect(github.calls('GET', CODELOAD).map((r) => r.status)).toEqual([200, 200]);
      const [summary] = github.submittedReviews(TARGET.number + 4).filter((r) => r.commitId === sha);
      const bypass = summary!.comments.filter((c) => c.body.includes('rule `adapter-bypass`'));
      expect(bypass.map((c) => [c.path, c.line])).toEqual([['src/orders/refund-slow.ts', 6]]);
      expect(bypass[0]!.body).toContain('`src/lib/payments`');
      expect(summary!.body).toContain('the repository model covers `src/orders` and 1 file they import.');
      countApiRequests('over budget, import before its importer');
    });
  });
});
