import { beforeEach, describe, expect, it } from 'vitest';
import type { Probot } from 'probot';
import { createArchReviewApp } from '../../src/app/arch-review-app.js';
import { useHttpMocks } from '../helpers/http.js';
import { RecordingQueue, testProbot } from './probot-harness.js';
import { INSTALLATION_ID, installationPayload, issueCommentPayload, prCommentPayload, pullRequestPayload } from './webhook-payloads.js';

useHttpMocks();
const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

let probot: Probot;
let queue: RecordingQueue;
let delivery = 0;

beforeEach(async () => {
  queue = new RecordingQueue();
  probot = testProbot().probot;
  await probot.load(createArchReviewApp({ queue, now: () => 1_700_000_000_000 }));
});

const receive = (name: string, payload: object, id = `delivery-${++delivery}`) => probot.receive({ id, name, payload } as never);

describe('pull_request events', () => {
  // useHttpMocks disables the network: any GitHub call from these handlers would fail the test.
  it('queues one review job at the head SHA when a pull request is opened, without any GitHub call', async () => {
    await receive('pull_request', pullRequestPayload('opened'));
    expect(queue.jobs).toEqual([
      {
        installationId: INSTALLATION_ID,
        owner: 'Codertocat',
        repo: 'Hello-World',
        number: 2,
        headSha: HEAD,
        trigger: 'opened',
        deliveryId: 'delivery-1',
        full: false,
        enqueuedAt: 1_700_000_000_000,
      },
    ]);
  });

  it('queues synchronize, reopened and ready_for_review too', async () => {
    for (const action of ['synchronize', 'reopened', 'ready_for_review']) await receive('pull_request', pullRequestPayload(action));
    expect(queue.jobs.map((j) => ('trigger' in j ? j.trigger : undefined))).toEqual(['synchronize', 'reopened', 'ready_for_review']);
  });

  it('leaves the repository filters (drafts, bots, labels) to the worker, which has the config', async () => {
    await receive('pull_request', pullRequestPayload('opened', { draft: true, labels: [{ id: 1, name: 'no-arch-review' }] }));
    expect(queue.jobs.map((j) => ('headSha' in j ? j.headSha : undefined))).toEqual([HEAD]);
  });

  it('ignores a pull request that is not open', async () => {
    await receive('pull_request', pullRequestPayload('synchronize', { state: 'closed' }));
    expect(queue.jobs).toEqual([]);
  });

  it('queues one job for a redelivered webhook (same delivery id)', async () => {
    await receive('pull_request', pullRequestPayload('opened'), 'same-id');
    await receive('pull_request', pullRequestPayload('opened'), 'same-id');
    expect(queue.jobs).toHaveLength(1);
  });

  it('lets a redelivery retry when the first delivery failed', async () => {
    let fail = true;
    const flaky = new RecordingQueue();
    const record = flaky.enqueue.bind(flaky);
    flaky.enqueue = async (job) => {
      if (fail) throw new Error('redis down');
      return record(job);
    };
    const { probot: p } = testProbot();
    await p.load(createArchReviewApp({ queue: flaky }));
    const deliver = () => p.receive({ id: 'retry-id', name: 'pull_request', payload: pullRequestPayload('opened') } as never);
    await expect(deliver()).rejects.toThrow();
    fail = false;
    await deliver();
    expect(flaky.jobs.map((j) => j.deliveryId)).toEqual(['retry-id']);
  });
});

describe('/arch-review comments', () => {
  // useHttpMocks disables the network: the handler makes no GitHub call; the worker does (run-command-job).
  it('queues a command job naming the comment and the commenter, without any GitHub call', async () => {
    await receive('issue_comment', prCommentPayload('/arch-review'), 'cmd-a');
    expect(queue.jobs).toEqual([
      {
        type: 'command',
        installationId: INSTALLATION_ID,
        owner: 'Codertocat',
        repo: 'Hello-World',
        number: 1,
        deliveryId: 'cmd-a',
        enqueuedAt: 1_700_000_000_000,
        commentId: 492700400,
        commenter: 'Codertocat',
        command: 'review',
      },
    ]);
  });

  it('tells full, help and an unknown word apart', async () => {
    await receive('issue_comment', prCommentPayload('Please look again.\n/arch-review full'));
    await receive('issue_comment', prCommentPayload('/arch-review help'));
    await receive('issue_comment', prCommentPayload('/arch-review frobnicate'));
    expect(queue.jobs).toMatchObject([{ command: 'full' }, { command: 'help' }, { command: 'help', unknown: 'frobnicate' }]);
  });

  it("ignores the app's own comments and other bots", async () => {
    await receive('issue_comment', prCommentPayload('/arch-review', { login: 'arch-review[bot]', type: 'Bot' }));
    await receive('issue_comment', prCommentPayload('/arch-review', { login: 'renovate[bot]', type: 'Bot' }));
    expect(queue.jobs).toEqual([]);
  });

  it('ignores comments on plain issues and comments without a command', async () => {
    await receive('issue_comment', issueCommentPayload('/arch-review'));
    await receive('issue_comment', prCommentPayload('Looks good to me'));
    expect(queue.jobs).toEqual([]);
  });

  it('handles a redelivered command once', async () => {
    await receive('issue_comment', prCommentPayload('/arch-review'), 'cmd-1');
    await receive('issue_comment', prCommentPayload('/arch-review'), 'cmd-1');
    expect(queue.jobs).toHaveLength(1);
  });
});

describe('installation events', () => {
  it('logs installation changes and queues nothing', async () => {
    const { probot: p, logs } = testProbot(undefined, 'info');
    await p.load(createArchReviewApp({ queue }));
    await p.receive({ id: 'i1', name: 'installation', payload: installationPayload('installation', 'created') } as never);
    await p.receive({ id: 'i2', name: 'installation_repositories', payload: installationPayload('installation_repositories', 'added') } as never);
    expect(logs.text).toContain('installation changed');
    expect(logs.text).toContain('"event":"installation_repositories"');
    expect(queue.jobs).toEqual([]);
  });
});
