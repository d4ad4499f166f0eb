/**
 * Conversation in threads, through the Probot app and the worker's processor: the handler queues a
 * reply job without any API call, and the worker decides (thread ours? write access?) and answers once.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Probot } from 'probot';
import { createArchReviewApp } from '../../src/app/arch-review-app.js';
import { createQueueJobProcessor } from '../../src/app/process-queue-job.js';
import { checkPayload } from '../../src/app/webhook-schemas.js';
import { replyMarker } from '../../src/github/command-reply.js';
import { createMetrics } from '../../src/metrics.js';
import type { ReplyJob } from '../../src/queue/review-job.js';
import { findingMarker } from '../../src/review/finding-marker.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, HEAD_SHA, PR_PATH, REPO_PATH, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';
import { RecordingQueue, testProbot } from './probot-harness.js';
import { INSTALLATION_ID, prCommentPayload, reviewCommentPayload } from './webhook-payloads.js';

const nock = useHttpMocks();
const ROOT = 426899381;
let probot: Probot;
let queue: RecordingQueue;
let delivery = 0;

beforeEach(async () => {
  queue = new RecordingQueue();
  probot = testProbot().probot;
  await probot.load(createArchReviewApp({ queue, now: () => 1_700_000_000_000 }));
});

const receive = (name: string, payload: object, id = `conv-${++delivery}`) => probot.receive({ id, name, payload } as never);

/** Runs the queued reply job as the worker would, and returns the metric it counted. */
async function work(job: ReplyJob): Promise<Record<string, number>> {
  const metrics = createMetrics({ processMetrics: false });
  const processor = createQueueJobProcessor({ auth: async () => testOctokit(), botLogin: async () => BOT_LOGIN, enqueue: async () => true, log: { child: () => silentLogger }, metrics, retryDelayMs: 0 });
  await processor(job, new AbortController().signal, { attempt: 1, maxAttempts: 3 });
  return Object.fromEntries((await metrics.repliesTotal.get()).values.map((v) => [`${v.labels.outcome}/${v.labels.mode}`, v.value]));
}

const botRoot = (login = BOT_LOGIN) => ({
  id: ROOT,
  user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
  body: `🟠 Medium · Resilience · rule \`retry-without-backoff\`\n\n**Retry without backoff**\n\n${findingMarker({ fingerprint: 'abcdef0123456789', category: 'resilience', ruleId: 'retry-without-backoff' })}`,
  path: 'README.md',
  line: 1,
  commit_id: HEAD_SHA,
  original_commit_id: HEAD_SHA,
  original_line: 1,
});

describe('replies in review threads', () => {
  // useHttpMocks disables the network: the handler makes no GitHub call.
  it('queues a reply to a comment as a reply job naming the thread, without any GitHub call', async () => {
    await receive('pull_request_review_comment', reviewCommentPayload('Why is this a problem? We retry only twice.', { inReplyTo: ROOT, id: 555 }), 'rc-1');
    expect(queue.jobs).toEqual([
      {
        type: 'reply',
        kind: 'thread',
        installationId: INSTALLATION_ID,
        owner: 'Codertocat',
        repo: 'Hello-World',
        number: 2,
        deliveryId: 'rc-1',
        enqueuedAt: 1_700_000_000_000,
        commentId: 555,
        threadRootId: ROOT,
        commenter: 'Codertocat',
        question: 'Why is this a problem? We retry only twice.',
        createdAt: '2019-05-15T15:20:37Z',
      },
    ]);
  });

  it("ignores the app's own replies (no loops), other bots, new threads, and a redelivery", async () => {
    await receive('pull_request_review_comment', reviewCommentPayload('It stands.', { inReplyTo: ROOT, sender: { login: 'arch-review[bot]', type: 'Bot' } }));
    await receive('pull_request_review_comment', reviewCommentPayload('bump', { inReplyTo: ROOT, sender: { login: 'renovate[bot]', type: 'Bot' } }));
    await receive('pull_request_review_comment', reviewCommentPayload('A new thread by a person'));
    expect(queue.jobs).toEqual([]);
    await receive('pull_request_review_comment', reviewCommentPayload('Why?', { inReplyTo: ROOT }), 'same');
    await receive('pull_request_review_comment', reviewCommentPayload('Why?', { inReplyTo: ROOT }), 'same');
    expect(queue.jobs).toHaveLength(1);
  });

  it("answers a writer's reply to arch-review's comment in that thread, once", async () => {
    await receive('pull_request_review_comment', reviewCommentPayload('Why is this a problem?', { inReplyTo: ROOT, id: 555 }));
    nock(API).get(`${REPO_PATH}/pulls/comments/${ROOT}`).reply(200, botRoot());
    nock(API).get(`${REPO_PATH}/collaborators/Codertocat/permission`).reply(200, { permission: 'write', role_name: 'write' });
    nock(API).get(`${PR_PATH}/comments`).query(true).reply(200, []);
    let posted = '';
    nock(API)
      .post(`${PR_PATH}/comments/${ROOT}/replies`, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, { id: 777, html_url: 'https://github.com/x#r777' });
    expect(await work(queue.jobs[0] as ReplyJob)).toEqual({ 'answered/docs': 1 });
    expect(posted).toContain('retry-without-backoff');
    expect(posted).toContain(replyMarker(555));
  });

  it("ignores a reply in someone else's thread: one read of the thread's first comment, nothing posted", async () => {
    await receive('pull_request_review_comment', reviewCommentPayload('Agreed', { inReplyTo: ROOT }));
    nock(API).get(`${REPO_PATH}/pulls/comments/${ROOT}`).reply(200, botRoot('octocat'));
    expect(await work(queue.jobs[0] as ReplyJob)).toEqual({ 'not-ours/docs': 1 });
  });

  it('ignores a reply from someone without write access: nothing posted', async () => {
    await receive('pull_request_review_comment', reviewCommentPayload('Why?', { inReplyTo: ROOT }));
    nock(API).get(`${REPO_PATH}/pulls/comments/${ROOT}`).reply(200, botRoot());
    nock(API).get(`${REPO_PATH}/collaborators/Codertocat/permission`).reply(200, { permission: 'read', role_name: 'read' });
    expect(await work(queue.jobs[0] as ReplyJob)).toEqual({ 'denied/docs': 1 });
  });
});

describe('/arch-review ask', () => {
  it('queues the question (without the command) as a reply job on the PR conversation', async () => {
    await receive('issue_comment', prCommentPayload('/arch-review ask Is the retry in the sync safe\nto run twice?'), 'ask-1');
    expect(queue.jobs).toMatchObject([{ type: 'reply', kind: 'ask', number: 1, commentId: 492700400, commenter: 'Codertocat', question: 'Is the retry in the sync safe\nto run twice?' }]);
    expect(queue.jobs[0]).not.toHaveProperty('threadRootId');
  });
});

describe('the webhook edge for pull_request_review_comment', () => {
  it("passes GitHub's own examples and refuses a payload the handler could not read, naming the field", () => {
    expect(checkPayload('pull_request_review_comment', reviewCommentPayload('Why?', { inReplyTo: ROOT }))).toEqual({ ok: true });
    expect(checkPayload('pull_request_review_comment', reviewCommentPayload('A new thread'))).toEqual({ ok: true });
    const bad = reviewCommentPayload('Why?', { inReplyTo: ROOT });
    (bad.comment as Record<string, unknown>).in_reply_to_id = 'EVIL';
    expect(checkPayload('pull_request_review_comment', bad)).toEqual({ ok: false, reason: 'comment.in_reply_to_id: expected number' });
  });
});
