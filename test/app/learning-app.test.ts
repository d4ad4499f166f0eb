import { beforeEach, describe, expect, it } from 'vitest';
import type { Probot } from 'probot';
import { createArchReviewApp } from '../../src/app/arch-review-app.js';
import { findingCommentMarker } from '../../src/review/finding-marker.js';
import { pullRequestReviewThreadPayload } from '../e2e/webhook-payloads.js';
import { useHttpMocks } from '../helpers/http.js';
import { RecordingQueue, testProbot } from './probot-harness.js';
import { INSTALLATION_ID, prCommentPayload } from './webhook-payloads.js';

useHttpMocks();

let probot: Probot;
let queue: RecordingQueue;
let delivery = 0;
const NOW = 1_700_000_000_000;

beforeEach(async () => {
  queue = new RecordingQueue();
  probot = testProbot().probot;
  await probot.load(createArchReviewApp({ queue, now: () => NOW }));
});

const receive = (name: string, payload: object, id = `learn-delivery-${++delivery}`) => probot.receive({ id, name, payload } as never);
const TARGET = { owner: 'Codertocat', repo: 'Hello-World', number: 2, installationId: INSTALLATION_ID };
const BOT = { login: 'arch-review[bot]', type: 'Bot' };
const ours = { id: 42, body: `**Finding**\n\n${findingCommentMarker({ fingerprint: '0123456789abcdef', ruleId: 'secret-in-log' })}`, line: 12, user: BOT };

describe('pull_request_review_thread (feedback), in the Probot harness', () => {
  // useHttpMocks disables the network: any GitHub call from the handler would fail the test.
  it('queues a resolved thread arch-review started as feedback for the worker, without a GitHub call', async () => {
    await receive('pull_request_review_thread', pullRequestReviewThreadPayload(TARGET, 'resolved', [ours, { id: 43, body: 'done', user: { login: 'mona', type: 'User' } }], 'mona'));
    expect(queue.jobs).toEqual([
      {
        type: 'command',
        installationId: INSTALLATION_ID,
        owner: 'Codertocat',
        repo: 'Hello-World',
        number: 2,
        deliveryId: `learn-delivery-${delivery}`,
        enqueuedAt: NOW,
        commentId: 42,
        commenter: 'mona',
        command: 'thread-resolved',
        fingerprint: '0123456789abcdef',
        ruleId: 'secret-in-log',
        at: new Date(NOW).toISOString(),
      },
    ]);
  });

  it('ignores threads people started, and threads a bot resolved', async () => {
    await receive('pull_request_review_thread', pullRequestReviewThreadPayload(TARGET, 'resolved', [{ ...ours, user: { login: 'mona', type: 'User' } }], 'hubot'));
    const byBot = pullRequestReviewThreadPayload(TARGET, 'resolved', [ours], 'renovate[bot]');
    (byBot.sender as { type: string }).type = 'Bot';
    await receive('pull_request_review_thread', byBot);
    expect(queue.jobs).toEqual([]);
  });

  it('queues unresolved too (it takes a resolved dismissal back)', async () => {
    await receive('pull_request_review_thread', pullRequestReviewThreadPayload(TARGET, 'unresolved', [ours], 'mona'));
    expect(queue.jobs).toMatchObject([{ type: 'command', command: 'thread-unresolved', commentId: 42 }]);
  });
});

describe('learning and pause commands, in the Probot harness', () => {
  it('queues pause, resume, learnings and forget <rule-id> as command jobs; bots are ignored', async () => {
    for (const text of ['/arch-review pause', '/arch-review resume', '/arch-review learnings', '/arch-review forget secret-in-log']) await receive('issue_comment', prCommentPayload(text));
    await receive('issue_comment', prCommentPayload('/arch-review pause', { login: 'renovate[bot]', type: 'Bot' }));
    expect(queue.jobs.map((j) => ('command' in j ? [j.command, j.ruleId] : undefined))).toEqual([
      ['pause', undefined],
      ['resume', undefined],
      ['learnings', undefined],
      ['forget', 'secret-in-log'],
    ]);
  });
});
