import { beforeEach, describe, expect, it } from 'vitest';
import type { Probot } from 'probot';
import { createArchReviewApp } from '../../src/app/arch-review-app.js';
import { useHttpMocks } from '../helpers/http.js';
import { RecordingQueue, testProbot } from './probot-harness.js';
import { INSTALLATION_ID, installationPayload, issueCommentPayload, prCommentPayload, pullRequestPayload } from './webhook-payloads.js';

const nock = useHttpMocks();
const API = 'https://api.github.com';
const REPO = '/repos/Codertocat/Hello-World';
const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const PR_HEAD = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';

let probot: Probot;
let queue: RecordingQueue;
let delivery = 0;

beforeEach(async () => {
  queue = new RecordingQueue();
  probot = testProbot().probot;
  await probot.load(createArchReviewApp({ queue, now: () => 1_700_000_000_000 }));
});

const receive = (name: string, payload: object, id = `delivery-${++delivery}`) => probot.receive({ id, name, payload } as never);

function mockPermission(permission: string, role_name = permission) {
  return nock(API)
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: 'ghs_test', permissions: {} })
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission, role_name, user: { login: 'Codertocat' } });
}

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
    expect(queue.jobs.map((j) => j.trigger)).toEqual(['synchronize', 'reopened', 'ready_for_review']);
  });

  it('leaves the repository filters (drafts, bots, labels) to the worker, which has the config', async () => {
    await receive('pull_request', pullRequestPayload('opened', { draft: true, labels: [{ id: 1, name: 'no-arch-review' }] }));
    expect(queue.jobs.map((j) => j.headSha)).toEqual([HEAD]);
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
  it('reacts with eyes and queues a review at the PR head when a writer asks', async () => {
    const api = mockPermission('write')
      .post(`${REPO}/issues/comments/492700400/reactions`, { content: 'eyes' })
      .reply(201, {})
      .get(`${REPO}/pulls/1`)
      .reply(200, { number: 1, state: 'open', head: { sha: PR_HEAD } });
    await receive('issue_comment', prCommentPayload('/arch-review'));
    expect(api.isDone()).toBe(true);
    expect(queue.jobs).toMatchObject([{ number: 1, headSha: PR_HEAD, trigger: 'command', full: false, installationId: INSTALLATION_ID }]);
  });

  it('queues a full re-review for /arch-review full from a maintainer', async () => {
    mockPermission('write', 'maintain')
      .post(`${REPO}/issues/comments/492700400/reactions`)
      .reply(201, {})
      .get(`${REPO}/pulls/1`)
      .reply(200, { number: 1, state: 'open', head: { sha: PR_HEAD } });
    await receive('issue_comment', prCommentPayload('Please look again.\n/arch-review full'));
    expect(queue.jobs).toMatchObject([{ trigger: 'command-full', full: true }]);
  });

  it('does nothing for a read-only commenter: no reaction, no job', async () => {
    mockPermission('read');
    await receive('issue_comment', prCommentPayload('/arch-review'));
    expect(queue.jobs).toEqual([]);
  });

  it('answers /arch-review help with one comment and queues nothing', async () => {
    let posted = '';
    mockPermission('admin')
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => ((posted = body.body), true))
      .reply(201, {});
    await receive('issue_comment', prCommentPayload('/arch-review help'));
    expect(posted).toContain('/arch-review full');
    expect(queue.jobs).toEqual([]);
  });

  it("ignores the app's own comments and other bots without calling GitHub", async () => {
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
    mockPermission('write')
      .post(`${REPO}/issues/comments/492700400/reactions`)
      .reply(201, {})
      .get(`${REPO}/pulls/1`)
      .reply(200, { number: 1, state: 'open', head: { sha: PR_HEAD } });
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
