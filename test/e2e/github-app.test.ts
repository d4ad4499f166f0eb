/**
 * End to end: the built app, started with `npm start` as an operator would, against a fake GitHub
 * Enterprise on 127.0.0.1, fed signed deliveries built from GitHub's own example payloads. Every
 * assertion is on what the fake GitHub saw.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from './build-once.js';
import { deliverWebhook } from './deliver-webhook.js';
import type { DeliveryAnswer } from './deliver-webhook.js';
import { DEMO_MERGE_BASE, demoPullRequest } from './demo-pull-request.js';
import type { FakeGitHub } from './fake-github.js';
import { fetchMetrics, readMetric } from './read-metric.js';
import { startAppWithFakeGitHub } from './start-app-process.js';
import { throwawayCredentials } from './throwaway-credentials.js';
import type { AppProcess } from './start-app-process.js';
import { pullRequestCommentPayload, pullRequestOpenedPayload } from './webhook-payloads.js';

const TARGET = { owner: 'acme', repo: 'payments', number: 7, installationId: 4242 };
const APP_ID = 31337;
const APP_SLUG = 'arch-review-e2e';
const CREDENTIALS = throwawayCredentials();
const { webhookSecret: WEBHOOK_SECRET, installationToken: INSTALLATION_TOKEN, keys: KEYS } = CREDENTIALS;

const POLL = { timeout: 20_000, interval: 50 };
const REVIEWS = /^\/repos\/acme\/payments\/pulls\/7\/reviews$/;
const CHECK_RUNS = /^\/repos\/acme\/payments\/check-runs/;

let github: FakeGitHub;
let app: AppProcess;
let webhookUrl: string;
let deliveries = 0;
const acks: number[] = [];

/** A new head SHA per scenario, so no scenario sees another's reviews or queue entries. */
const shaFor = (scenario: string) => createHash('sha1').update(`${scenario}-${randomBytes(8).toString('hex')}`).digest('hex');

function deliver(event: string, payload: object, opts: { id?: string; signature?: string } = {}): Promise<DeliveryAnswer> {
  return deliverWebhook(webhookUrl, { event, payload, id: opts.id ?? `e2e-${++deliveries}-${randomBytes(4).toString('hex')}`, secret: WEBHOOK_SECRET, ...(opts.signature ? { signature: opts.signature } : {}) });
}

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  return readMetric(await fetchMetrics(app.url), name, labels);
}

/**
 * Serves the demo PR at `sha`, delivers `pull_request.opened` for it and waits until the job has
 * ended (its last request may follow the check run's completion, e.g. further annotation batches).
 */
async function reviewDemoPullRequest(sha: string, id?: string): Promise<DeliveryAnswer> {
  github.addPullRequest(demoPullRequest(TARGET.number, sha));
  const published = await metric('reviews_total', { outcome: 'published' });
  const ack = await deliver('pull_request', pullRequestOpenedPayload(TARGET, sha), id ? { id } : {});
  expect(ack.status).toBe(200);
  acks.push(ack.ms);
  await expect.poll(() => metric('reviews_total', { outcome: 'published' }), POLL).toBe(published + 1);
  expect(github.checkRuns.find((c) => c.headSha === sha)?.statuses.at(-1)).toBe('completed');
  return ack;
}

/** Every inline comment of the submitted reviews is on a commentable line of the served diff (the fake's own reading). */
function expectAnchoredOnDiff(sha: string): number {
  const files = github.diffFiles(TARGET.number);
  let count = 0;
  for (const review of github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha)) {
    for (const c of review.comments) {
      const file = files.get(c.path);
      expect(file, `${c.path} is in the diff`).toBeDefined();
      const lines = (c.side ?? 'RIGHT') === 'RIGHT' ? file!.right : file!.left;
      expect(lines.has(c.line!), `${c.path}:${c.line} (${c.side}) is a line of the diff`).toBe(true);
      if (c.start_line !== undefined) expect(lines.get(c.start_line)).toBe(lines.get(c.line!));
      count++;
    }
  }
  return count;
}

describe('the GitHub App process (npm start) against a fake GitHub Enterprise', () => {
  beforeAll(async () => {
    await buildOnce();
    ({ github, app, webhookUrl } = await startAppWithFakeGitHub({ target: TARGET, appId: APP_ID, appSlug: APP_SLUG, credentials: CREDENTIALS }));
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await github?.close();
    if (acks.length > 0) console.info(`webhook acknowledgement of pull_request.opened: ${acks.map((ms) => `${ms.toFixed(1)} ms`).join(', ')}`);
  });

  beforeEach(() => github.reset());

  it('reviews an opened pull request once: a COMMENT review anchored on the diff, and a check run in progress then completed', async () => {
    const sha = shaFor('opened');
    const ack = await reviewDemoPullRequest(sha);
    // GitHub gives an app 10 s to answer; the handler only decides and enqueues.
    expect(ack.ms).toBeLessThan(10_000);

    await expect.poll(() => github.submittedReviews(TARGET.number).length, POLL).toBe(1);
    const [review] = github.submittedReviews(TARGET.number);
    expect(review).toMatchObject({ event: 'COMMENT', state: 'COMMENTED', commitId: sha });
    expect(review!.body).toContain(`<!-- arch-review:v2 sha=${sha}`);
    expect(expectAnchoredOnDiff(sha)).toBeGreaterThan(0);
    expect(github.rejections).toEqual([]);
    expect(github.reviews.filter((r) => r.state === 'PENDING' && !r.deleted)).toEqual([]);

    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ name: 'arch-review', headSha: sha, statuses: ['in_progress', 'completed'] });
    expect(github.checkRuns[0]!.conclusion).toMatch(/^(neutral|failure|success)$/);
    // In progress before the review is posted, completed after it.
    const order = github.requests.map((r) => `${r.method} ${r.route}`);
    const created = order.findIndex((r) => r.startsWith('POST') && CHECK_RUNS.test(r.slice(5)));
    const posted = order.findIndex((r) => r === 'POST /repos/acme/payments/pulls/7/reviews');
    const completed = order.findIndex((r) => r.startsWith('PATCH') && CHECK_RUNS.test(r.slice(6)));
    expect(created).toBeGreaterThanOrEqual(0);
    expect(created).toBeLessThan(posted);
    expect(posted).toBeLessThan(completed);

    // GHE_HOST routes every call through /api/v3, each one authenticated as the app or the installation.
    for (const r of github.requests) {
      expect(r.path.startsWith('/api/v3/'), r.path).toBe(true);
      expect(r.authorization === `token ${INSTALLATION_TOKEN}` || r.authorization.startsWith('bearer '), `${r.method} ${r.route}`).toBe(true);
    }
  });

  it('reads the base versions at the merge base and lists a problem the PR only re-touched as pre-existing, not inline', async () => {
    const sha = shaFor('differential');
    await reviewDemoPullRequest(sha);
    // One compare request finds the merge base (the base branch has moved on: base.sha is not it) ...
    const compares = github.calls('GET', /^\/repos\/acme\/payments\/compare\//);
    expect(compares.map((c) => decodeURIComponent(c.route.split('/compare/')[1]!))).toEqual([`${'b'.repeat(40)}...${sha}`]);
    // ... and the base files are read there, as the head ones are at the head.
    const contents = github.calls('GET', /^\/repos\/acme\/payments\/contents\//);
    const baseReads = contents.filter((c) => c.query.ref === DEMO_MERGE_BASE).map((c) => decodeURIComponent(c.route.split('/contents/')[1]!));
    expect(baseReads).toContain('worker/sync_orders.py');
    expect(contents.filter((c) => c.query.ref === DEMO_MERGE_BASE).every((c) => c.status === 200)).toBe(true);

    // `sync()` already pushed one order per call in its loop at base; the PR only changed the call's arguments.
    const [review] = github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha);
    expect(review!.comments.filter((c) => c.path === 'worker/sync_orders.py' && c.line === 50)).toEqual([]);
    expect(review!.comments.some((c) => c.path === 'worker/sync_orders.py')).toBe(true);
    expect(review!.body).toContain('**Already in the base branch** (1)');
    expect(review!.body).toMatch(/`worker\/sync_orders\.py:50`.*sequential-await-in-loop.*already in the base version of this file/);
    expectAnchoredOnDiff(sha);
  });

  it('does not review the same head SHA twice, and ignores a redelivered delivery id', async () => {
    const sha = shaFor('again');
    await reviewDemoPullRequest(sha, 'first-delivery');
    expect(github.submittedReviews(TARGET.number)).toHaveLength(1);

    // A new delivery for the same commit (e.g. reopened, or GitHub sending opened twice).
    const skipped = await metric('reviews_total', { outcome: 'skipped' });
    const mark = github.requests.length;
    expect((await deliver('pull_request', pullRequestOpenedPayload(TARGET, sha))).status).toBe(200);
    await expect.poll(() => metric('reviews_total', { outcome: 'skipped' }), POLL).toBe(skipped + 1);
    const after = github.requests.slice(mark);
    expect(after.some((r) => REVIEWS.test(r.route) && r.method === 'GET'), 'the job read the earlier review markers').toBe(true);
    expect(after.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(github.submittedReviews(TARGET.number)).toHaveLength(1);

    // GitHub's "Redeliver": the same X-GitHub-Delivery again. The handler stops before any API call.
    const duplicates = await metric('webhook_deliveries_total', { event: 'pull_request', outcome: 'duplicate' });
    const mark2 = github.requests.length;
    expect((await deliver('pull_request', pullRequestOpenedPayload(TARGET, sha), { id: 'first-delivery' })).status).toBe(200);
    expect(await metric('webhook_deliveries_total', { event: 'pull_request', outcome: 'duplicate' })).toBe(duplicates + 1);
    expect(github.requests.slice(mark2)).toEqual([]);
  });

  it('checks /arch-review in the worker after the ack: a read-only user gets nothing, a writer 👀 and a short reply on a reviewed head', async () => {
    const sha = shaFor('command');
    await reviewDemoPullRequest(sha);
    const first = github.submittedReviews(TARGET.number);
    expect(first).toHaveLength(1);
    github.knobs.permissions = { 'read-only-reader': 'read', 'maintainer-mona': 'write' };
    const denied = await metric('commands_total', { outcome: 'denied' });

    const reader = await deliver('issue_comment', pullRequestCommentPayload(TARGET, '/arch-review', 'read-only-reader', 501));
    expect(reader.status).toBe(200);
    // The handler only queued the command; the worker checks the permission.
    await expect.poll(() => metric('commands_total', { outcome: 'denied' }), POLL).toBe(denied + 1);
    expect(github.calls('GET', /\/collaborators\/read-only-reader\/permission$/)).toHaveLength(1);
    expect(github.reactions).toEqual([]);
    expect(github.issueComments).toEqual([]);

    const skipped = await metric('reviews_total', { outcome: 'skipped' });
    const writer = await deliver('issue_comment', pullRequestCommentPayload(TARGET, '/arch-review', 'maintainer-mona', 502));
    expect(writer.status).toBe(200);
    await expect.poll(() => github.reactions, POLL).toEqual([{ commentId: 502, content: 'eyes' }]);
    // The job finds this SHA already reviewed: no new review, but a reply saying so (never silence).
    await expect.poll(() => metric('reviews_total', { outcome: 'skipped' }), POLL).toBe(skipped + 1);
    await expect.poll(() => github.issueComments.length, POLL).toBe(1);
    expect(github.issueComments[0]!.body).toContain(`arch-review already reviewed \`${sha.slice(0, 7)}\``);
    expect(github.issueComments[0]!.body).toContain('<!-- arch-review:reply 502 -->');
    expect(github.submittedReviews(TARGET.number)).toEqual(first);
    expect(github.calls('POST', REVIEWS)).toHaveLength(1);

    // The same command redelivered under a new delivery id (e.g. a retried job): still one reply.
    await deliver('issue_comment', pullRequestCommentPayload(TARGET, '/arch-review', 'maintainer-mona', 502));
    await expect.poll(() => metric('reviews_total', { outcome: 'skipped' }), POLL).toBe(skipped + 2);
    expect(github.issueComments).toHaveLength(1);
  });

  it('reviews the newest head exactly once when synchronize deliveries arrive out of order', async () => {
    const older = shaFor('push-1');
    const newer = shaFor('push-2');
    github.addPullRequest(demoPullRequest(TARGET.number, newer));
    const published = await metric('reviews_total', { outcome: 'published' });
    const synchronize = (sha: string) => ({ ...pullRequestOpenedPayload(TARGET, sha), action: 'synchronize' });
    // GitHub does not promise order: the newer push's delivery comes first.
    expect((await deliver('pull_request', synchronize(newer))).status).toBe(200);
    expect((await deliver('pull_request', synchronize(older))).status).toBe(200);

    await expect.poll(() => metric('reviews_total', { outcome: 'published' }), POLL).toBe(published + 1);
    await expect.poll(async () => (await (await fetch(`${app.url}/healthz`)).json()) as unknown, POLL).toMatchObject({ queue: { waiting: 0, active: 0 } });
    expect(github.submittedReviews(TARGET.number).map((r) => r.commitId)).toEqual([newer]);
    expect(github.checkRuns.filter((c) => c.headSha === older)).toEqual([]);
    const runs = github.checkRuns.filter((c) => c.headSha === newer);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.statuses.at(-1)).toBe('completed');
  });

  it('rejects a delivery with a bad signature before any GitHub call', async () => {
    const payload = pullRequestOpenedPayload(TARGET, shaFor('forged'));
    const forged = await deliver('pull_request', payload, { signature: `sha256=${'0'.repeat(64)}` });
    // The webhook edge (src/app/webhook-edge.ts) answers a signature mismatch with 400, as Probot did.
    expect(forged.status).toBe(400);
    expect(forged.body).toMatch(/signature does not match/i);
    const unsigned = await deliver('pull_request', payload, { signature: 'sha1=deadbeef' });
    expect(unsigned.status).toBe(400);
    expect(github.requests).toEqual([]);
  });

  it("recovers from GitHub's 500 on the first createReview: the publisher checks GitHub, then sends it again; one review, one job", async () => {
    github.knobs.failCreateReview = 1;
    const failedBefore = await metric('reviews_total', { outcome: 'failed' });
    const sha = shaFor('server-error');
    await reviewDemoPullRequest(sha);

    const attempts = github.calls('POST', REVIEWS);
    expect(attempts.map((r) => r.status)).toEqual([500, 200]);
    // A 500 may hide an applied write: the publisher listed the reviews before sending again.
    const between = github.requests.filter((r) => r.at > attempts[0]!.at && r.at < attempts[1]!.at);
    expect(between.some((r) => r.method === 'GET' && REVIEWS.test(r.route))).toBe(true);
    expect(github.submittedReviews(TARGET.number)).toHaveLength(1);
    expect(github.submittedReviews(TARGET.number)[0]).toMatchObject({ event: 'COMMENT', commitId: sha });
    // The retry happened inside the one job, not as a second job: a second job would have created a second check run.
    expect(github.calls('POST', CHECK_RUNS)).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ statuses: ['in_progress', 'completed'] });
    expect(await metric('reviews_total', { outcome: 'failed' })).toBe(failedBefore);
  });

  it('posts one review when the connection drops after GitHub created it: found on GitHub, never sent twice', async () => {
    github.knobs.resetAfterCreateReview = 1;
    const failedBefore = await metric('reviews_total', { outcome: 'failed' });
    const sha = shaFor('reset-after-create');
    await reviewDemoPullRequest(sha);

    // One POST, answered by a dropped connection (status 0), after which GitHub had the review.
    expect(github.calls('POST', REVIEWS).map((r) => r.status)).toEqual([0]);
    const reviews = github.submittedReviews(TARGET.number);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ event: 'COMMENT', commitId: sha });
    expect(reviews[0]!.body).toContain(`<!-- arch-review:v2 sha=${sha}`);
    expect(github.calls('POST', CHECK_RUNS)).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ statuses: ['in_progress', 'completed'] });
    expect(await metric('reviews_total', { outcome: 'failed' })).toBe(failedBefore);
  });

  it('falls back to the file list when GitHub answers 406 too_large for the diff, and still reviews', async () => {
    github.knobs.diffTooLarge = true;
    const sha = shaFor('too-large');
    await reviewDemoPullRequest(sha);

    const diffCalls = github.calls('GET', /^\/repos\/acme\/payments\/pulls\/7$/).filter((r) => r.accept.includes('diff'));
    expect(diffCalls.map((r) => r.status)).toEqual([406]);
    const listed = github.calls('GET', /^\/repos\/acme\/payments\/pulls\/7\/files$/);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((r) => r.status === 200)).toBe(true);
    expect(github.submittedReviews(TARGET.number)).toHaveLength(1);
    expect(expectAnchoredOnDiff(sha)).toBeGreaterThan(0);
    expect(github.rejections).toEqual([]);
  });

  it('never writes the private key, the installation token or the webhook secret to its logs', async () => {
    const logs = app.output();
    // The logs are not empty: they tell the story of the reviews above.
    expect(logs).toContain('review queued');
    const pemLines = KEYS.privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(pemLines.length).toBeGreaterThan(20);
    for (const line of pemLines) expect(logs.includes(line), 'a line of the private key reached the logs').toBe(false);
    expect(logs.includes(INSTALLATION_TOKEN), 'the installation token reached the logs').toBe(false);
    expect(logs.includes(WEBHOOK_SECRET), 'the webhook secret reached the logs').toBe(false);
    expect(logs).not.toContain('PRIVATE KEY');
  });
});

describe('the reconciler of the real process (npm start)', () => {
  beforeAll(() => buildOnce(), 240_000);

  it('reviews an open pull request no webhook announced (a lost delivery), once, on its periodic pass', async () => {
    const started = await startAppWithFakeGitHub({ target: TARGET, appId: APP_ID, appSlug: APP_SLUG, credentials: CREDENTIALS, env: { RECONCILE_INTERVAL_MS: '500' } });
    const fake = started.github;
    try {
      const sha = shaFor('lost');
      fake.addPullRequest(demoPullRequest(TARGET.number, sha));
      await expect.poll(() => fake.checkRuns.find((c) => c.headSha === sha)?.statuses.at(-1), POLL).toBe('completed');
      expect(fake.submittedReviews(TARGET.number).map((r) => r.commitId)).toEqual([sha]);
      // Later passes find the completed check run and queue nothing more.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(fake.submittedReviews(TARGET.number)).toHaveLength(1);
      expect(fake.checkRuns).toHaveLength(1);
      expect(started.app.output()).toContain('reconciler: head has no completed check run; review queued');
    } finally {
      await started.app.stop();
      await fake.close();
    }
  }, 60_000);
});
