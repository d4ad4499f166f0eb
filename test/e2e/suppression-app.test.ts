/**
 * End to end (issue 11, item 2): the built app (`npm start`) against the fake GitHub reviews a pull request
 * whose code silences findings with `arch-review-ignore` comments. A suppression with a reason silences its
 * finding; one without a reason silences too, and its comment line gets an inline comment asking for the
 * reason; the summary counts them and `suppressions_total{rule}` goes up. Config overrides from
 * `.github/arch-review.yml` apply as well.
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

const TARGET = { owner: 'acme', repo: 'crm', number: 11, installationId: 4343 };
const APP_ID = 31338;
const CREDENTIALS = throwawayCredentials();
const WEBHOOK_SECRET = CREDENTIALS.webhookSecret;
const POLL = { timeout: 20_000, interval: 50 };
const PATH = 'src/integrations/crm-client.ts';

const CLIENT = [
  "import { logger } from '../log.js';",
  '',
  'export async function syncCustomer(id: string) {',
  '  // arch-review-ignore http-call-without-timeout: the CRM gateway enforces a 3 s deadline on every call',
  '  const res = await fetch(`https://crm.example.com/customers/${id}`);',
  '  if (!res.ok) throw new Error(`CRM answered ${res.status}`);',
  '  return res.json();',
  '}',
  '',
  'export async function loadInvoices(customerId: string) {',
  '  const res = await fetch(`https://billing.example.com/invoices?customer=${customerId}`); // arch-review-ignore http-call-without-timeout',
  '  if (!res.ok) throw new Error(`billing answered ${res.status}`);',
  '  return res.json();',
  '}',
  '',
  'export async function loadRefunds(customerId: string) {',
  '  logger.info("// arch-review-ignore http-call-without-timeout: a string, not a comment");',
  '  const res = await fetch(`https://billing.example.com/refunds?customer=${customerId}`);',
  '  if (!res.ok) throw new Error(`billing answered ${res.status}`);',
  '  return res.json();',
  '}',
  '',
];

/** The whole file as added by the pull request. */
const DIFF = [
  `diff --git a/${PATH} b/${PATH}`,
  'new file mode 100644',
  'index 0000000..1111111',
  '--- /dev/null',
  `+++ b/${PATH}`,
  `@@ -0,0 +1,${CLIENT.length - 1} @@`,
  ...CLIENT.slice(0, -1).map((l) => `+${l}`),
  '',
].join('\n');

let github: FakeGitHub;
let app: AppProcess;
let webhookUrl: string;

const metric = async (name: string, labels: Record<string, string> = {}) => readMetric(await fetchMetrics(app.url), name, labels);
const shaFor = (s: string) => createHash('sha1').update(`${s}-${randomBytes(8).toString('hex')}`).digest('hex');

async function review(sha: string) {
  github.addPullRequest({ number: TARGET.number, headSha: sha, baseSha: 'b'.repeat(40), title: 'CRM and billing clients', diff: DIFF, headFiles: new Map([[PATH, CLIENT.join('\n')]]) });
  const published = await metric('reviews_total', { outcome: 'published' });
  const payload = pullRequestOpenedPayload(TARGET, sha);
  const ack = await deliverWebhook(webhookUrl, { event: 'pull_request', payload, id: `suppress-${randomBytes(4).toString('hex')}`, secret: WEBHOOK_SECRET });
  expect(ack.status).toBe(200);
  await expect.poll(() => metric('reviews_total', { outcome: 'published' }), POLL).toBe(published + 1);
  const reviews = github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha);
  expect(reviews).toHaveLength(1);
  return reviews[0]!;
}

describe('suppression in code, in the GitHub App (npm start, fake GitHub)', () => {
  beforeAll(async () => {
    await buildOnce();
    ({ github, app, webhookUrl } = await startAppWithFakeGitHub({ target: TARGET, appId: APP_ID, appSlug: 'arch-review-suppress', credentials: CREDENTIALS }));
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await github?.close();
  });

  beforeEach(() => github.reset());

  it('posts no comment for silenced findings, flags the suppression without a reason on its line, and counts them', async () => {
    const before = await metric('suppressions_total', { rule: 'http-call-without-timeout' });
    const posted = await review(shaFor('suppressed'));
    const comments = posted.comments.map((c) => ({ line: c.line, rule: /rule `([^`]+)`/.exec(c.body)?.[1] }));
    // Line 18: the "directive" in a string literal silences nothing.
    expect(comments.filter((c) => c.rule === 'http-call-without-timeout').map((c) => c.line)).toEqual([18]);
    // Line 11: the suppression without a reason, flagged on its own line (it still silences the call there).
    const flagged = posted.comments.filter((c) => c.body.includes('rule `suppression-without-reason`'));
    expect(flagged.map((c) => [c.path, c.line])).toEqual([[PATH, 11]]);
    expect(flagged[0]!.body).toContain('gives no reason (write it after a colon)');
    expect(posted.body).toContain('2 findings suppressed in code (`arch-review-ignore` comments).');
    expect(await metric('suppressions_total', { rule: 'http-call-without-timeout' })).toBe(before + 2);
  });

  it('applies per-rule overrides from the repository config', async () => {
    github.knobs.repoConfig = ['rules:', '  suppression-without-reason: false', '  http-call-without-timeout:', '    severity: low', ''].join('\n');
    const posted = await review(shaFor('overrides'));
    expect(posted.comments.some((c) => c.body.includes('rule `suppression-without-reason`'))).toBe(false);
    const timeout = posted.comments.filter((c) => c.body.includes('rule `http-call-without-timeout`'));
    expect(timeout.map((c) => c.line)).toEqual([18]);
    expect(timeout[0]!.body).toMatch(/^\S+ Low/);
  });
});
