/**
 * End to end: learning from feedback and pause/resume, with the built app (`npm start`) against the fake
 * GitHub Enterprise. Without Redis, learning is per pull request (state on GitHub); with Redis (a real
 * redis-server), a 👎 on one pull request keeps that finding out of another pull request of the repository.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFindingCommentMarker } from '../../src/review/finding-marker.js';
import { redisUnavailableReason, startRedis, type TestRedis } from '../queue/redis-server.js';
import { buildOnce } from './build-once.js';
import { deliverWebhook } from './deliver-webhook.js';
import { demoPullRequest } from './demo-pull-request.js';
import type { FakeGitHub } from './fake-github.js';
import { fetchMetrics, readMetric } from './read-metric.js';
import { startAppWithFakeGitHub, type AppProcess } from './start-app-process.js';
import { throwawayCredentials } from './throwaway-credentials.js';
import { pullRequestCommentPayload, pullRequestOpenedPayload, pullRequestReviewThreadPayload } from './webhook-payloads.js';

const REPO = { owner: 'acme', repo: 'payments', installationId: 4242 };
const APP_ID = 31337;
const APP_SLUG = 'arch-review-e2e';
const BOT = { login: `${APP_SLUG}[bot]`, type: 'Bot' };
const CREDENTIALS = throwawayCredentials();
const WEBHOOK_SECRET = CREDENTIALS.webhookSecret;
const POLL = { timeout: 30_000, interval: 50 };
const TIMEOUT = 'http-call-without-timeout';

const shaFor = (scenario: string) => createHash('sha1').update(`${scenario}-${randomBytes(8).toString('hex')}`).digest('hex');

/** One app process against one fake GitHub, with helpers to drive it. */
class Harness {
  deliveries = 0;
  constructor(
    readonly github: FakeGitHub,
    readonly app: AppProcess,
    readonly webhookUrl: string,
  ) {}

  deliver(event: string, payload: object) {
    return deliverWebhook(this.webhookUrl, { event, payload, id: `learn-${++this.deliveries}-${randomBytes(4).toString('hex')}`, secret: WEBHOOK_SECRET });
  }

  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return readMetric(await fetchMetrics(this.app.url), name, labels);
  }

  /** Delivers `pull_request` (`opened` or `synchronize`) for the demo PR `number` at `sha`; waits for the job's outcome to be counted. */
  async push(number: number, sha: string, action: 'opened' | 'synchronize', outcome: 'published' | 'skipped' = 'published') {
    this.github.addPullRequest(demoPullRequest(number, sha));
    const before = await this.metric('reviews_total', { outcome });
    const ack = await this.deliver('pull_request', { ...pullRequestOpenedPayload({ ...REPO, number }, sha), action });
    expect(ack.status).toBe(200);
    await expect.poll(() => this.metric('reviews_total', { outcome }), POLL).toBe(before + 1);
  }

  /** A `/arch-review …` comment by a writer; waits until the command job has ended with `outcome`. */
  async command(number: number, text: string, commentId: number, outcome: string) {
    this.github.knobs.permissions = { mona: 'write' };
    const before = await this.metric('commands_total', { outcome });
    expect((await this.deliver('issue_comment', pullRequestCommentPayload({ ...REPO, number }, text, 'mona', commentId))).status).toBe(200);
    await expect.poll(() => this.metric('commands_total', { outcome }), POLL).toBe(before + 1);
  }

  /** The inline comments of pull request `number`'s reviews at `sha`, with the finding each one names. */
  comments(number: number, sha: string) {
    const reviews = new Set(this.github.submittedReviews(number).filter((r) => r.commitId === sha).map((r) => r.id));
    return this.github
      .reviewComments(number)
      .filter((c) => reviews.has(c.reviewId))
      .map((c) => ({ ...c, finding: parseFindingCommentMarker(c.body)! }));
  }

  lastReview(number: number) {
    return this.github.submittedReviews(number).at(-1)!;
  }
}

async function start(env: Record<string, string> = {}): Promise<Harness> {
  const { github, app, webhookUrl } = await startAppWithFakeGitHub({ target: REPO, appId: APP_ID, appSlug: APP_SLUG, credentials: CREDENTIALS, env: { RECONCILE_INTERVAL_MS: '0', ...env } });
  return new Harness(github, app, webhookUrl);
}

describe('learning from feedback and pause, without Redis (state on the pull request)', () => {
  let h: Harness;
  beforeAll(async () => {
    await buildOnce();
    h = await start();
  }, 240_000);
  afterAll(async () => {
    await h?.app.stop();
    await h?.github.close();
  });
  beforeEach(() => h.github.reset());

  it('a 👎 on an inline comment keeps its fingerprint out of the same pull request’s next review, for 2 extra GitHub requests', async () => {
    const sha = shaFor('thumbs-down');
    await h.push(7, sha, 'opened');
    const posted = h.comments(7, sha);
    expect(posted.length).toBeGreaterThan(3);
    // Every inline comment names its finding in a hidden line.
    expect(posted.every((c) => c.finding?.fingerprint)).toBe(true);
    const target = posted.find((c) => c.finding.ruleId === 'secret-in-log')!;
    h.github.reactToReviewComment(target.id, '-1', 'mona');
    h.github.reactToReviewComment(target.id, '+1', 'hubot');

    const mark = h.github.requests.length;
    await h.command(7, '/arch-review full', 701, 'enqueued');
    await expect.poll(() => h.github.submittedReviews(7).length, POLL).toBe(2);
    const second = h.lastReview(7);
    expect(second.comments.map((c) => parseFindingCommentMarker(c.body)?.fingerprint)).not.toContain(target.finding.fingerprint);
    expect(second.body).toContain('**Dismissed earlier (👎, resolved unchanged, or a reply)** (1)');
    expect(second.body).toContain(`\`${target.path}:${target.line}\` · \`secret-in-log\``);
    expect(second.body).toContain('dismissed on #7 with a 👎.');

    // What reading feedback cost the review: the inline comments (one page) and the reactions of the one comment with a 👎.
    const during = h.github.requests.slice(mark);
    expect(during.filter((r) => r.method === 'GET' && r.route === '/repos/acme/payments/pulls/7/comments')).toHaveLength(1);
    expect(during.filter((r) => r.method === 'GET' && /\/pulls\/comments\/\d+\/reactions$/.test(r.route)).map((r) => r.route)).toEqual([`/repos/acme/payments/pulls/comments/${target.id}/reactions`]);
    expect(await h.metric('feedback_total', { rule: 'secret-in-log', kind: 'dismissed' })).toBe(1);
    expect(await h.metric('feedback_total', { rule: 'secret-in-log', kind: 'approved' })).toBe(1);
    expect(await h.metric('findings_suppressed_by_feedback_total', { rule: 'secret-in-log' })).toBe(1);
  });

  it('pause stops automatic reviews of the pull request; /arch-review still reviews once; resume brings them back', async () => {
    await h.push(7, shaFor('before-pause'), 'opened');
    await h.command(7, '/arch-review pause', 801, 'paused');
    expect(h.github.issueComments.at(-1)!.body).toContain('<!-- arch-review:pause state=paused -->');
    expect(await h.metric('pause_changes_total', { state: 'paused' })).toBeGreaterThanOrEqual(1);

    const paused = shaFor('paused-push');
    const reviews = h.github.submittedReviews(7).length;
    await h.push(7, paused, 'synchronize', 'skipped');
    expect(h.github.submittedReviews(7)).toHaveLength(reviews);
    expect(h.github.checkRuns.filter((c) => c.headSha === paused)).toEqual([]);
    expect(h.app.output()).toContain('automatic reviews are paused on this pull request');

    // An explicit command reviews the paused pull request (once), and it stays paused.
    const published = await h.metric('reviews_total', { outcome: 'published' });
    await h.command(7, '/arch-review', 802, 'enqueued');
    await expect.poll(() => h.metric('reviews_total', { outcome: 'published' }), POLL).toBe(published + 1);
    expect(h.lastReview(7).commitId).toBe(paused);
    await h.push(7, shaFor('still-paused'), 'synchronize', 'skipped');

    await h.command(7, '/arch-review resume', 803, 'resumed');
    expect(h.github.issueComments.at(-1)!.body).toContain('<!-- arch-review:pause state=resumed -->');
    const resumed = shaFor('resumed-push');
    await h.push(7, resumed, 'synchronize');
    expect(h.github.checkRuns.find((c) => c.headSha === resumed)?.statuses.at(-1)).toBe('completed');
  });
});

describe.skipIf(redisUnavailableReason() !== undefined)('learning across pull requests with Redis (a real redis-server)', () => {
  let h: Harness;
  let redis: TestRedis;
  beforeAll(async () => {
    await buildOnce();
    redis = await startRedis();
    h = await start({ REDIS_URL: redis.url });
  }, 240_000);
  afterAll(async () => {
    await h?.app.stop();
    await h?.github.close();
    await redis?.stop();
  });

  it('a 👎 on #7 keeps that finding out of #8; a rule dismissed 3 times goes summary-only there; learnings lists it; forget undoes it', async () => {
    const shaA = shaFor('redis-7');
    await h.push(7, shaA, 'opened');
    const posted = h.comments(7, shaA);
    const timeouts = posted.filter((c) => c.finding.ruleId === TIMEOUT);
    expect(timeouts.length).toBeGreaterThanOrEqual(5);
    const [down, resolved1, resolved2] = timeouts;
    const outdated = posted.find((c) => c.finding.ruleId === 'secret-in-log')!;

    // 👎 on one; two threads resolved with their lines unchanged; one resolved after its lines changed (outdated).
    h.github.reactToReviewComment(down!.id, '-1', 'mona');
    h.github.outdatedComments.add(outdated.id);
    const resolve = (c: typeof down) => h.deliver('pull_request_review_thread', pullRequestReviewThreadPayload({ ...REPO, number: 7 }, 'resolved', [{ id: c!.id, body: c!.body, line: c!.line ?? null, user: BOT }], 'mona'));
    const recorded = await h.metric('commands_total', { outcome: 'feedback-recorded' });
    const ignored = await h.metric('commands_total', { outcome: 'ignored' });
    for (const c of [resolved1, resolved2, outdated]) expect((await resolve(c)).status).toBe(200);
    await expect.poll(() => h.metric('commands_total', { outcome: 'feedback-recorded' }), POLL).toBe(recorded + 2);
    await expect.poll(() => h.metric('commands_total', { outcome: 'ignored' }), POLL).toBe(ignored + 1);
    // The dismissal is written on the comment too (state on the pull request).
    expect(h.github.reviewComments(7).find((c) => c.id === resolved1!.id)!.body).toContain('<!-- arch-review:dismissed reason=resolved');

    // Another pull request of the repository with the same code: reviewed after learning.
    const shaB = shaFor('redis-8');
    await h.push(8, shaB, 'opened');
    const review8 = h.lastReview(8);
    const inline8 = review8.comments.map((c) => parseFindingCommentMarker(c.body)!);
    for (const c of [down, resolved1, resolved2]) expect(inline8.map((f) => f.fingerprint)).not.toContain(c!.finding.fingerprint);
    // Three dismissals: the rule's other findings are in the summary, with how to undo it.
    expect(inline8.filter((f) => f.ruleId === TIMEOUT)).toEqual([]);
    expect(review8.body).toContain('**Dismissed earlier (👎, resolved unchanged, or a reply)** (3)');
    expect(review8.body).toContain(`Rule \`${TIMEOUT}\` was dismissed 3 times in this repository`);
    expect(review8.body).toContain(`/arch-review forget ${TIMEOUT}`);
    expect(review8.body).toContain('_(its rule was dismissed often here: summary only)_');
    // The finding whose thread was resolved after a change is still posted.
    expect(inline8.map((f) => f.fingerprint)).toContain(outdated.finding.fingerprint);
    expect(await h.metric('findings_suppressed_by_feedback_total', { rule: TIMEOUT })).toBe(3);

    await h.command(8, '/arch-review learnings', 901, 'learnings');
    const learnings = h.github.issueComments.at(-1)!.body;
    expect(learnings).toContain('in `acme/payments` (all pull requests)');
    expect(learnings).toMatch(new RegExp(`\\| \`${TIMEOUT}\` \\| 3 \\| 0 \\| summary only`));

    await h.command(8, `/arch-review forget ${TIMEOUT}`, 902, 'forgotten');
    expect(h.github.issueComments.at(-1)!.body).toContain('(3 dismissed finding(s) forgotten)');
    const shaC = shaFor('redis-9');
    await h.push(9, shaC, 'opened');
    const inline9 = h.lastReview(9).comments.map((c) => parseFindingCommentMarker(c.body)!);
    expect(inline9.filter((f) => f.ruleId === TIMEOUT).length).toBe(timeouts.length);
  });
});
