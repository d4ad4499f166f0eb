import { describe, expect, it } from 'vitest';
import { alreadyReviewedReply, runCommandJob } from '../../src/app/run-command-job.js';
import { replyMarker } from '../../src/github/command-reply.js';
import type { CommandJob, ReviewJob } from '../../src/queue/review-job.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, HEAD_SHA, ISSUE_COMMENTS_PATH, PR_PATH, REF, REPO_PATH, pullRequestJson, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();

const command = (over: Partial<CommandJob> = {}): CommandJob => ({
  type: 'command',
  installationId: 1,
  owner: REF.owner,
  repo: REF.repo,
  number: REF.number,
  deliveryId: 'cmd-1',
  enqueuedAt: 0,
  commentId: 555,
  commenter: 'mona',
  command: 'review',
  ...over,
});

function run(job: CommandJob) {
  const queued: ReviewJob[] = [];
  const result = runCommandJob({ octokit: testOctokit(), job, log: silentLogger, botLogin: BOT_LOGIN, enqueue: async (j) => (queued.push(j), true), now: () => 42, retryDelayMs: 0 });
  return { result, queued };
}

const permission = (role: string) =>
  nock(API)
    .get(`${REPO_PATH}/collaborators/mona/permission`)
    .reply(200, { permission: role === 'maintain' ? 'write' : role, role_name: role, user: { login: 'mona' } });

describe('runCommandJob', () => {
  it('checks the permission, reacts with eyes and queues a review of the PR head that names the comment', async () => {
    permission('write');
    nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`, { content: 'eyes' }).reply(201, {});
    nock(API).get(PR_PATH).reply(200, pullRequestJson());
    const { result, queued } = run(command());
    expect(await result).toEqual({ status: 'enqueued', headSha: HEAD_SHA });
    expect(queued).toEqual([
      { type: 'review', installationId: 1, owner: REF.owner, repo: REF.repo, number: REF.number, headSha: HEAD_SHA, trigger: 'command', deliveryId: 'cmd-1', full: false, commentId: 555, enqueuedAt: 42 },
    ]);
  });

  it('queues a full re-review for a maintainer’s /arch-review full', async () => {
    permission('maintain');
    nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`).reply(201, {});
    nock(API).get(PR_PATH).reply(200, pullRequestJson());
    const { result, queued } = run(command({ command: 'full' }));
    await result;
    expect(queued).toMatchObject([{ trigger: 'command-full', full: true }]);
  });

  it('does nothing visible for a read-only commenter: no reaction, no job', async () => {
    permission('read');
    const { result, queued } = run(command());
    expect(await result).toEqual({ status: 'denied' });
    expect(queued).toEqual([]);
  });

  it('answers help once per comment: a retried job finds its earlier reply and posts nothing', async () => {
    permission('admin');
    nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`).reply(201, {});
    nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).reply(200, []);
    let posted = '';
    nock(API)
      .post(ISSUE_COMMENTS_PATH, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, { id: 1, html_url: 'https://github.com/x#issuecomment-1' });
    expect(await run(command({ command: 'help' })).result).toEqual({ status: 'help' });
    expect(posted).toContain('/arch-review full');
    expect(posted).toContain(replyMarker(555));

    // The retry: the reply is there (by the bot), so no second POST (nock would fail on an unmocked one).
    permission('admin');
    nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`).reply(200, {});
    nock(API)
      .get(ISSUE_COMMENTS_PATH)
      .query({ per_page: 100 })
      .reply(200, [{ id: 1, user: { login: BOT_LOGIN, type: 'Bot' }, body: posted, html_url: 'https://github.com/x#issuecomment-1' }]);
    expect(await run(command({ command: 'help' })).result).toEqual({ status: 'help' });
  });

  it('does not post a reply twice when GitHub created it but the answer was lost', async () => {
    permission('admin');
    nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`).reply(201, {});
    nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).reply(200, []);
    nock(API).post(ISSUE_COMMENTS_PATH).once().reply(502, { message: 'Bad Gateway' });
    nock(API)
      .get(ISSUE_COMMENTS_PATH)
      .query({ per_page: 100 })
      .reply(200, [{ id: 1, user: { login: BOT_LOGIN, type: 'Bot' }, body: `help\n\n${replyMarker(555)}`, html_url: 'u' }]);
    expect(await run(command({ command: 'help' })).result).toEqual({ status: 'help' });
  });

  it('a marker in someone else’s comment does not count as the reply', async () => {
    permission('admin');
    nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`).reply(201, {});
    nock(API)
      .get(ISSUE_COMMENTS_PATH)
      .query({ per_page: 100 })
      .reply(200, [{ id: 1, user: { login: 'mallory', type: 'User' }, body: replyMarker(555), html_url: 'u' }]);
    nock(API).post(ISSUE_COMMENTS_PATH).reply(201, { id: 2, html_url: 'v' });
    expect(await run(command({ command: 'help' })).result).toEqual({ status: 'help' });
  });
});

describe('alreadyReviewedReply', () => {
  it('names the short SHA, links the review and says how to review again', () => {
    expect(alreadyReviewedReply('abc1234def567', 'https://github.com/o/r/pull/1#pullrequestreview-9')).toBe(
      'arch-review already reviewed `abc1234` — [the review](https://github.com/o/r/pull/1#pullrequestreview-9). Nothing new to review; comment `/arch-review full` to review it again from scratch.',
    );
  });
});
