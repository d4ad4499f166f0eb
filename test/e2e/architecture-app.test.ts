/**
 * End to end (issue 9, item 5): the built app (`npm start`) against the fake GitHub. The default branch's
 * `.github/arch-review.yml` declares a boundary; a pull request adds a Stripe import to the domain and, in the
 * same change, deletes the rule from its own copy of the configuration. The review judges it by the default
 * branch's rule: one inline comment naming it, on the added import.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from './build-once.js';
import { deliverWebhook } from './deliver-webhook.js';
import type { FakeGitHub } from './fake-github.js';
import { fetchMetrics, readMetric } from './read-metric.js';
import { startAppWithFakeGitHub, type AppProcess } from './start-app-process.js';
import { throwawayCredentials } from './throwaway-credentials.js';
import { pullRequestOpenedPayload } from './webhook-payloads.js';

const TARGET = { owner: 'acme', repo: 'orders', number: 19, installationId: 4545 };
const APP_ID = 31339;
const CREDENTIALS = throwawayCredentials();
const WEBHOOK_SECRET = CREDENTIALS.webhookSecret;
const POLL = { timeout: 20_000, interval: 50 };
const PATH = 'src/domain/order.ts';
const CONFIG_PATH = '.github/arch-review.yml';

const DEFAULT_BRANCH_CONFIG = `architecture:
  modules:
    domain: src/domain/**
    adapters: src/adapters/**
  forbid:
    - name: vendor-sdks-only-in-adapters
      to: vendor:*
      except: adapters
      reason: Vendor SDKs belong in src/adapters.
`;
const HEAD = "import Stripe from 'stripe';\nimport { Money } from './money';\n\nexport function place(total: Money) {\n  return new Stripe('k').charges.create({ amount: total.cents });\n}\n";
const DIFF = [
  `diff --git a/${PATH} b/${PATH}`,
  'index 1111111..2222222 100644',
  `--- a/${PATH}`,
  `+++ b/${PATH}`,
  '@@ -1,5 +1,6 @@',
  "+import Stripe from 'stripe';",
  " import { Money } from './money';",
  ' ',
  ' export function place(total: Money) {',
  "-  return total;",
  "+  return new Stripe('k').charges.create({ amount: total.cents });",
  ' }',
  `diff --git a/${CONFIG_PATH} b/${CONFIG_PATH}`,
  'deleted file mode 100644',
  'index 3333333..0000000',
  `--- a/${CONFIG_PATH}`,
  '+++ /dev/null',
  `@@ -1,${DEFAULT_BRANCH_CONFIG.split('\n').length - 1} +0,0 @@`,
  ...DEFAULT_BRANCH_CONFIG.split('\n').slice(0, -1).map((l) => `-${l}`),
  '',
].join('\n');

let github: FakeGitHub;
let app: AppProcess;
let webhookUrl: string;

const metric = async (name: string, labels: Record<string, string> = {}) => readMetric(await fetchMetrics(app.url), name, labels);
const shaFor = (s: string) => createHash('sha1').update(`${s}-${randomBytes(8).toString('hex')}`).digest('hex');

describe('declared architecture boundaries, in the GitHub App (npm start, fake GitHub)', () => {
  beforeAll(async () => {
    await buildOnce();
    ({ github, app, webhookUrl } = await startAppWithFakeGitHub({ target: TARGET, appId: APP_ID, appSlug: 'arch-review-boundaries', credentials: CREDENTIALS }));
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await github?.close();
  });

  beforeEach(() => github.reset());

  it('comments on the added import with the rule the default branch declares, even when the PR deletes it', async () => {
    github.knobs.repoConfig = DEFAULT_BRANCH_CONFIG;
    const sha = shaFor('boundary');
    github.addPullRequest({ number: TARGET.number, headSha: sha, baseSha: 'b'.repeat(40), title: 'Charge orders', diff: DIFF, headFiles: new Map([[PATH, HEAD]]) });
    const published = await metric('reviews_total', { outcome: 'published' });
    const ack = await deliverWebhook(webhookUrl, { event: 'pull_request', payload: pullRequestOpenedPayload(TARGET, sha), id: `boundary-${randomBytes(4).toString('hex')}`, secret: WEBHOOK_SECRET });
    expect(ack.status).toBe(200);
    await expect.poll(() => metric('reviews_total', { outcome: 'published' }), POLL).toBe(published + 1);
    const [review] = github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha);
    const boundary = review!.comments.filter((c) => c.body.includes('rule `architecture-boundary`'));
    expect(boundary.map((c) => [c.path, c.line])).toEqual([[PATH, 1]]);
    expect(boundary[0]!.body).toContain('breaks `vendor-sdks-only-in-adapters` (Vendor SDKs belong in src/adapters)');
    // The configuration was read from the default branch (no ref), never at the pull request's head.
    const configReads = github.requests.filter((r) => r.route.includes('/contents/') && decodeURIComponent(r.route).endsWith(CONFIG_PATH));
    expect(configReads.length).toBeGreaterThan(0);
    expect(configReads.every((r) => r.query.ref === undefined)).toBe(true);
  });
});
