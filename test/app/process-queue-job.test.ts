import { describe, expect, it } from 'vitest';
import { createQueueJobProcessor, type QueueJobProcessorDeps } from '../../src/app/process-queue-job.js';
import { createSettledReviews, headKey } from '../../src/app/settled-reviews.js';
import { replyMarker } from '../../src/github/command-reply.js';
import { ExternalServiceError } from '../../src/errors.js';
import { createMetrics } from '../../src/metrics.js';
import type { CommandJob, QueueJob } from '../../src/queue/review-job.js';
import { renderMarker } from '../../src/review/marker.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, HEAD_SHA, ISSUE_COMMENTS_PATH, PR_PATH, REF, REPO_PATH, commitJson, pullRequestJson, reviewJson, reviewJob, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();

const NEWER = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const CONFIG = '/contents/.github%2Farch-review.yml';
const first = { attempt: 1, maxAttempts: 3 };
const last = { attempt: 3, maxAttempts: 3 };


function setup(over: Partial<QueueJobProcessorDeps> = {}) {
  const metrics = createMetrics({ processMetrics: false });
  const queued: QueueJob[] = [];
  const settled = createSettledReviews();
  const process = createQueueJobProcessor({
    auth: async () => testOctokit(),
    botLogin: async () => BOT_LOGIN,
    enqueue: async (j) => (queued.push(j), true),
    log: { child: () => silentLogger },
    metrics,
    settled,
    now: () => 7,
    retryDelayMs: 0,
    ...over,
  });
  const count = async (outcome: string) => {
    const values = (await metrics.reviewsTotal.get()).values;
    return values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  };
  return { process, queued, settled, metrics, count };
}

function mockPull(headSha: string, state = 'open') {
  nock(API).get(PR_PATH).reply(200, pullRequestJson({ headSha, state }));
  nock(API).get(`${PR_PATH}/commits`).query({ per_page: 50 }).reply(200, [commitJson(headSha, 'm')]);
  // A stale job looks for a run of ours an earlier try left in progress on its commit: none here.
  if (headSha !== HEAD_SHA) nock(API).get(`${REPO_PATH}/commits/${HEAD_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
}

describe('the queue job processor', () => {
  it('hands a stale job over to the pull request’s current head (newest head wins, whatever the delivery order)', async () => {
    const { process, queued, count } = setup();
    mockPull(NEWER);
    await process(reviewJob({ trigger: 'opened', deliveryId: 'd-9' }), new AbortController().signal, first);
    expect(queued).toEqual([
      { type: 'review', installationId: 1, owner: REF.owner, repo: REF.repo, number: REF.number, headSha: NEWER, trigger: 'synchronize', deliveryId: `d-9+${NEWER.slice(0, 12)}`, full: false, enqueuedAt: 7 },
    ]);
    expect(await count('skipped')).toBe(1);
  });

  it('a stale command keeps its trigger and comment; a stale job of a closed PR hands over nothing', async () => {
    const { process, queued } = setup();
    mockPull(NEWER);
    await process(reviewJob({ trigger: 'command-full', full: true, commentId: 5, deliveryId: 'c-1' }), new AbortController().signal, first);
    expect(queued).toMatchObject([{ headSha: NEWER, trigger: 'command-full', full: true, commentId: 5 }]);

    mockPull(NEWER, 'closed');
    await process(reviewJob(), new AbortController().signal, first);
    expect(queued).toHaveLength(1);
  });

  it('fails the job (to be retried) when the hand-over cannot be queued, so the newer head is not lost', async () => {
    const { process, count, settled } = setup({ enqueue: async () => Promise.reject(new ExternalServiceError('redis', 'enqueue timed out', { retryable: true })) });
    mockPull(NEWER);
    await expect(process(reviewJob(), new AbortController().signal, first)).rejects.toThrow('enqueue timed out');
    expect(await count('retried')).toBe(1);
    expect(await count('skipped')).toBe(0);
    expect(settled.has(headKey(reviewJob()))).toBe(false);
  });

  it('counts a job that fails before the review starts: failed on the last try, retried before it', async () => {
    const down = new ExternalServiceError('github', 'POST /app/installations/1/access_tokens -> 502: Bad Gateway', { retryable: true });
    const { process, count } = setup({ auth: async () => Promise.reject(down) });
    await expect(process(reviewJob(), new AbortController().signal, first)).rejects.toBe(down);
    expect(await count('retried')).toBe(1);
    expect(await count('failed')).toBe(0);
    await expect(process(reviewJob(), new AbortController().signal, last)).rejects.toBe(down);
    expect(await count('failed')).toBe(1);

    const { process: p2, count: c2 } = setup({ botLogin: async () => Promise.reject(new ExternalServiceError('github', 'GET /app -> 401: Bad credentials')) });
    await expect(p2(reviewJob(), new AbortController().signal, first)).rejects.toThrow('401');
    expect(await c2('failed')).toBe(1); // permanent: no retry comes
  });

  it('answers a command on an already-reviewed head with one short reply, and not again when retried', async () => {
    const { process, settled } = setup();
    const reviewed = reviewJson(1, { login: BOT_LOGIN, type: 'Bot' }, `Summary\n\n${renderMarker({ headSha: HEAD_SHA, fingerprints: [], version: '0.1.0' })}`);
    const mockReviewed = (comments: object[]) => {
      mockPull(HEAD_SHA);
      nock(API).get(REPO_PATH + CONFIG).reply(404, { message: 'Not Found' });
      nock(API).get(`/repos/${REF.owner}/.github${CONFIG}`).reply(404, { message: 'Not Found' });
      nock(API).get(`${PR_PATH}/reviews`).query({ per_page: 100 }).reply(200, [reviewed]);
      nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).times(2).reply(200, comments);
      nock(API)
        .get(`${REPO_PATH}/commits/${HEAD_SHA}/check-runs`)
        .query(true)
        .reply(200, { total_count: 1, check_runs: [{ id: 3, name: 'arch-review', status: 'completed', conclusion: 'neutral', app: { slug: 'arch-review' } }] });
    };
    mockReviewed([]);
    let reply = '';
    nock(API)
      .post(ISSUE_COMMENTS_PATH, (b: { body: string }) => ((reply = b.body), true))
      .reply(201, { id: 77, html_url: 'u' });
    const command = reviewJob({ trigger: 'command', commentId: 555 });
    await process(command, new AbortController().signal, first);
    expect(reply).toContain(`arch-review already reviewed \`${HEAD_SHA.slice(0, 7)}\` — [the review](${String(reviewed.html_url)})`);
    expect(reply).toContain(replyMarker(555));
    expect(settled.has(headKey(command))).toBe(true);

    mockReviewed([{ id: 77, user: { login: BOT_LOGIN, type: 'Bot' }, body: reply, html_url: 'u' }]);
    await process(command, new AbortController().signal, first);
  });

  it('a command job from a read-only commenter is counted as denied and reacts with nothing', async () => {
    const { process, metrics } = setup();
    nock(API).get(`${REPO_PATH}/collaborators/eve/permission`).reply(200, { permission: 'read', role_name: 'read' });
    const cmd: CommandJob = { type: 'command', installationId: 1, owner: REF.owner, repo: REF.repo, number: REF.number, deliveryId: 'c', enqueuedAt: 0, commentId: 1, commenter: 'eve', command: 'review' };
    await process(cmd, new AbortController().signal, first);
    expect(await metrics.registry.getSingleMetricAsString('commands_total')).toContain('commands_total{outcome="denied"} 1');
  });

  it('throws when a shutdown interrupted the review, so the queue keeps the job', async () => {
    const { process, count, settled } = setup();
    mockPull(HEAD_SHA);
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(process(reviewJob(), controller.signal, first)).rejects.toThrow(/shutting down/);
    expect(await count('interrupted')).toBe(1);
    expect(settled.has(headKey(reviewJob()))).toBe(false);
  });
});
