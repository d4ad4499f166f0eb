import { describe, expect, it } from 'vitest';
import { decideThreadFeedback } from '../../src/app/decide-thread-feedback.js';
import { parseCommand } from '../../src/app/parse-command.js';
import { runCommandJob } from '../../src/app/run-command-job.js';
import { createMemoryFeedbackStore } from '../../src/feedback/feedback-store.js';
import { createFeedbackSink } from '../../src/feedback/feedback-sink.js';
import { emptyControl, foldControl, forgetMarker, pauseMarker } from '../../src/github/control-markers.js';
import { replyMarker } from '../../src/github/command-reply.js';
import { readPullRequestFeedback } from '../../src/github/read-pull-request-feedback.js';
import { createMetrics } from '../../src/metrics.js';
import type { CommandJob } from '../../src/queue/review-job.js';
import { dismissedCommentMarker, findingCommentMarker, parseDismissedCommentMarkers } from '../../src/review/finding-marker.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, ISSUE_COMMENTS_PATH, PR_PATH, REF, REPO_PATH, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();
const bot = { login: BOT_LOGIN, type: 'Bot' };
const FP = '0123456789abcdef';
const ownComment = (id: number, over: Record<string, unknown> = {}) => ({
  id,
  user: bot,
  body: `**HTTP call without a timeout**\n\n${findingCommentMarker({ fingerprint: FP, ruleId: 'http-call-without-timeout' })}`,
  path: 'src/pay.ts',
  line: 12,
  created_at: '2026-01-01T00:00:00Z',
  reactions: { total_count: 0, '+1': 0, '-1': 0 },
  ...over,
});

const command = (over: Partial<CommandJob>): CommandJob => ({
  type: 'command',
  installationId: 1,
  owner: REF.owner,
  repo: REF.repo,
  number: REF.number,
  deliveryId: 'cmd-1',
  enqueuedAt: 0,
  commentId: 555,
  commenter: 'mona',
  command: 'pause',
  ...over,
});

describe('parseCommand: learning and pause commands', () => {
  it('reads pause, resume, learnings and forget <rule-id>', () => {
    expect(parseCommand('/arch-review pause')).toEqual({ kind: 'pause' });
    expect(parseCommand('/arch-review resume')).toEqual({ kind: 'resume' });
    expect(parseCommand('/ARCH-REVIEW learnings')).toEqual({ kind: 'learnings' });
    expect(parseCommand('please\n/arch-review forget http-call-without-timeout\n')).toEqual({ kind: 'forget', ruleId: 'http-call-without-timeout' });
    // Without a rule id it is not understood; a quoted command is not one.
    expect(parseCommand('/arch-review forget')).toEqual({ kind: 'help', unknown: 'forget' });
    expect(parseCommand('> /arch-review pause')).toBeUndefined();
  });
});

describe('control markers in the bot’s replies', () => {
  it('takes the last pause marker and the newest forget time per rule', () => {
    const state = emptyControl();
    foldControl(state, `Paused.\n${pauseMarker('paused')}`);
    foldControl(state, forgetMarker('http-call-without-timeout', '2026-01-01T00:00:00.000Z'));
    foldControl(state, forgetMarker('http-call-without-timeout', '2026-02-01T00:00:00.000Z'));
    expect(state.paused).toBe(true);
    foldControl(state, pauseMarker('resumed'));
    expect(state).toEqual({ paused: false, forgotten: new Map([['http-call-without-timeout', '2026-02-01T00:00:00.000Z']]) });
  });
});

describe('decideThreadFeedback', () => {
  const payload = (over: Record<string, unknown> = {}) => ({
    action: 'resolved',
    sender: { login: 'mona', type: 'User' },
    thread: { comments: [ownComment(42), { id: 43, in_reply_to_id: 42, body: 'fixed elsewhere', user: { login: 'mona', type: 'User' } }] },
    ...over,
  });
  it('records a resolved thread that arch-review started, from the payload alone', () => {
    expect(decideThreadFeedback(payload())).toEqual({ record: true, command: 'thread-resolved', commentId: 42, fingerprint: FP, ruleId: 'http-call-without-timeout' });
    expect(decideThreadFeedback(payload({ action: 'unresolved' }))).toMatchObject({ record: true, command: 'thread-unresolved' });
  });
  it('ignores threads of people, threads without the marker, and bots resolving', () => {
    expect(decideThreadFeedback(payload({ sender: { login: 'renovate[bot]', type: 'Bot' } }))).toMatchObject({ record: false });
    expect(decideThreadFeedback(payload({ thread: { comments: [{ ...ownComment(42), user: { login: 'mona', type: 'User' } }] } }))).toMatchObject({ record: false });
    expect(decideThreadFeedback(payload({ thread: { comments: [{ ...ownComment(42), body: 'no marker' }] } }))).toMatchObject({ record: false });
  });
});

describe('readPullRequestFeedback', () => {
  it('reads 👎 (people only, dated by the reaction), 👍 and dismissals recorded in bodies, asking for reactions only where the summary has a 👎', async () => {
    nock(API)
      .get(`${PR_PATH}/comments`)
      .query(true)
      .reply(200, [
        ownComment(1, { reactions: { total_count: 2, '+1': 0, '-1': 2 } }),
        ownComment(2, { body: ownComment(2).body.replace(FP, 'fedcba9876543210') + `\n${dismissedCommentMarker({ reason: 'resolved', at: '2026-01-05T00:00:00.000Z' })}` }),
        ownComment(3, { body: ownComment(3).body.replace(FP, 'aaaaaaaaaaaaaaaa'), reactions: { total_count: 1, '+1': 1, '-1': 0 } }),
        ownComment(4, { body: ownComment(4).body.replace(FP, 'bbbbbbbbbbbbbbbb'), reactions: { total_count: 1, '+1': 0, '-1': 1 } }),
        // Someone else's comment with our marker, and a reply: not ours to read.
        ownComment(5, { user: { login: 'mona', type: 'User' }, reactions: { total_count: 1, '+1': 0, '-1': 1 } }),
        ownComment(6, { in_reply_to_id: 1, reactions: { total_count: 1, '+1': 0, '-1': 1 } }),
      ]);
    nock(API)
      .get(`${REPO_PATH}/pulls/comments/1/reactions`)
      .query({ content: '-1', per_page: '100' })
      .reply(200, [
        { id: 1, content: '-1', user: { login: 'mona', type: 'User' }, created_at: '2026-01-03T00:00:00Z' },
        { id: 2, content: '-1', user: { login: 'hubot', type: 'User' }, created_at: '2026-01-04T00:00:00Z' },
      ]);
    nock(API)
      .get(`${REPO_PATH}/pulls/comments/4/reactions`)
      .query(true)
      .reply(200, [{ id: 3, content: '-1', user: { login: 'ci[bot]', type: 'Bot' }, created_at: '2026-01-03T00:00:00Z' }]);
    const { events, requests } = await readPullRequestFeedback(testOctokit(), REF, BOT_LOGIN);
    expect(requests).toBe(3);
    expect(events).toEqual([
      { kind: 'dismissed', fingerprint: FP, ruleId: 'http-call-without-timeout', prNumber: REF.number, reason: 'thumbs-down', at: '2026-01-04T00:00:00Z' },
      { kind: 'dismissed', fingerprint: 'fedcba9876543210', ruleId: 'http-call-without-timeout', prNumber: REF.number, reason: 'resolved', at: '2026-01-05T00:00:00.000Z' },
      { kind: 'approved', fingerprint: 'aaaaaaaaaaaaaaaa', ruleId: 'http-call-without-timeout', prNumber: REF.number, at: '2026-01-01T00:00:00Z' },
    ]);
  });
});

describe('runCommandJob: pause, resume, forget, resolved threads', () => {
  const writer = () => nock(API).get(`${REPO_PATH}/collaborators/mona/permission`).reply(200, { permission: 'write', role_name: 'write', user: { login: 'mona' } });
  const eyes = () => nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`, { content: 'eyes' }).reply(201, {});

  it('answers /arch-review pause once, with the hidden state line, and counts it', async () => {
    writer();
    eyes();
    nock(API).get(ISSUE_COMMENTS_PATH).query(true).reply(200, []);
    let posted = '';
    nock(API)
      .post(ISSUE_COMMENTS_PATH, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, { id: 9, html_url: 'https://github.com/x' });
    const metrics = createMetrics({ processMetrics: false });
    const result = await runCommandJob({ octokit: testOctokit(), job: command({ command: 'pause' }), log: silentLogger, botLogin: BOT_LOGIN, enqueue: async () => true, retryDelayMs: 0, metrics });
    expect(result).toEqual({ status: 'paused' });
    expect(posted).toContain('arch-review is **paused** on this pull request');
    expect(posted).toContain(pauseMarker('paused'));
    expect(posted).toContain(replyMarker(555));
    expect((await metrics.pauseChanges.get()).values).toEqual([{ labels: { state: 'paused' }, value: 1 }]);
  });

  it('forgets a rule in the store and records the time on the pull request', async () => {
    writer();
    eyes();
    const store = createMemoryFeedbackStore();
    const repo = { owner: REF.owner, repo: REF.repo };
    await store.record(repo, [{ kind: 'dismissed', fingerprint: FP, ruleId: 'http-call-without-timeout', reason: 'thumbs-down', prNumber: 1, at: '2026-01-01T00:00:00.000Z' }]);
    nock(API).get(ISSUE_COMMENTS_PATH).query(true).reply(200, []);
    let posted = '';
    nock(API)
      .post(ISSUE_COMMENTS_PATH, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, { id: 9 });
    const job = command({ command: 'forget', ruleId: 'http-call-without-timeout' });
    expect(await runCommandJob({ octokit: testOctokit(), job, log: silentLogger, botLogin: BOT_LOGIN, enqueue: async () => true, retryDelayMs: 0, feedbackStore: store, now: () => Date.parse('2026-02-01T00:00:00.000Z') })).toEqual({ status: 'forgotten' });
    expect(posted).toContain('in this repository (1 dismissed finding(s) forgotten)');
    expect(posted).toContain(forgetMarker('http-call-without-timeout', '2026-02-01T00:00:00.000Z'));
    expect((await store.load(repo)).events).toEqual([]);
  });

  it('records a thread resolved on unchanged lines in the comment and the store, without a permission check or 👀', async () => {
    nock(API).get(`${REPO_PATH}/pulls/comments/42`).reply(200, ownComment(42));
    let patched = '';
    nock(API)
      .patch(`${REPO_PATH}/pulls/comments/42`, (b: { body: string }) => ((patched = b.body), true))
      .reply(200, {});
    const store = createMemoryFeedbackStore();
    const job = command({ command: 'thread-resolved', commentId: 42, fingerprint: FP, ruleId: 'http-call-without-timeout', at: '2026-01-02T00:00:00.000Z' });
    expect(await runCommandJob({ octokit: testOctokit(), job, log: silentLogger, botLogin: BOT_LOGIN, enqueue: async () => true, feedbackStore: store })).toEqual({ status: 'feedback-recorded' });
    expect(parseDismissedCommentMarkers(patched)).toEqual([{ reason: 'resolved', at: '2026-01-02T00:00:00.000Z' }]);
    expect((await store.load({ owner: REF.owner, repo: REF.repo })).events).toMatchObject([{ fingerprint: FP, reason: 'resolved', prNumber: REF.number }]);
  });

  it('does not count a thread resolved after its lines changed (the comment is outdated): that is a fix', async () => {
    nock(API).get(`${REPO_PATH}/pulls/comments/42`).reply(200, ownComment(42, { line: null }));
    const job = command({ command: 'thread-resolved', commentId: 42, fingerprint: FP });
    expect(await runCommandJob({ octokit: testOctokit(), job, log: silentLogger, botLogin: BOT_LOGIN, enqueue: async () => true })).toEqual({ status: 'ignored' });
  });
});

describe('/arch-review learnings without a store', () => {
  it('answers with this pull request’s learnings: the table by rule, summary-only at the repository’s threshold, forgotten rules', async () => {
    nock(API).get(`${REPO_PATH}/collaborators/mona/permission`).reply(200, { permission: 'write', role_name: 'write', user: { login: 'mona' } });
    nock(API).post(`${REPO_PATH}/issues/comments/555/reactions`).reply(201, {});
    nock(API)
      .get(`${REPO_PATH}/contents/.github%2Farch-review.yml`)
      .reply(200, 'learning:\n  dismissals_to_summary: 2\n', { 'content-type': 'text/plain; charset=utf-8' });
    nock(API).get(`${PR_PATH}/reviews`).query(true).reply(200, []);
    const forgetReply = { id: 3, user: bot, body: `Forgot.\n${forgetMarker('secret-in-log', '2026-01-10T00:00:00.000Z')}`, created_at: '2026-01-10T00:00:00Z' };
    nock(API).get(ISSUE_COMMENTS_PATH).query(true).times(2).reply(200, [forgetReply]);
    const two = (id: number, fp: string, rule: string) => ownComment(id, { body: findingCommentMarker({ fingerprint: fp, ruleId: rule }) + `\n${dismissedCommentMarker({ reason: 'resolved', at: '2026-01-05T00:00:00.000Z' })}` });
    nock(API)
      .get(`${PR_PATH}/comments`)
      .query(true)
      .reply(200, [two(1, 'a'.repeat(16), 'http-call-without-timeout'), two(2, 'b'.repeat(16), 'http-call-without-timeout'), two(3, 'c'.repeat(16), 'secret-in-log')]);
    let posted = '';
    nock(API)
      .post(ISSUE_COMMENTS_PATH, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, { id: 9 });
    const job = command({ command: 'learnings' });
    expect(await runCommandJob({ octokit: testOctokit(), job, log: silentLogger, botLogin: BOT_LOGIN, enqueue: async () => true, retryDelayMs: 0 })).toEqual({ status: 'learnings' });
    expect(posted).toContain('on this pull request (learning is per pull request');
    expect(posted).toContain('| `http-call-without-timeout` | 2 | 0 | summary only (undo: `/arch-review forget http-call-without-timeout`) |');
    // Dismissed before it was forgotten: not counted.
    expect(posted).not.toContain('| `secret-in-log` |');
    expect(posted).toContain('A rule with 2 or more dismissed findings goes summary-only');
    expect(posted).toContain('Forgotten (feedback before these times is ignored): `secret-in-log` at 2026-01-10 00:00 UTC.');
  });
});

describe('createFeedbackSink (the conversation hook)', () => {
  it('records a reply’s dismissal in arch-review’s comment (found by fingerprint) and in the store, once', async () => {
    nock(API).get(`${PR_PATH}/comments`).query(true).reply(200, [ownComment(7)]);
    nock(API).patch(`${REPO_PATH}/pulls/comments/7`).reply(200, {});
    const store = createMemoryFeedbackStore();
    const metrics = createMetrics({ processMetrics: false });
    const sink = createFeedbackSink({ octokit: testOctokit(), botLogin: BOT_LOGIN, store, metrics, log: silentLogger, now: () => 0 });
    const dismissal = { repo: `${REF.owner}/${REF.repo}`, prNumber: REF.number, fingerprint: FP, ruleId: 'http-call-without-timeout', reason: 'reply' as const };
    expect(await sink.recordDismissal(dismissal)).toBe(true);
    expect((await store.load({ owner: REF.owner, repo: REF.repo })).events).toMatchObject([{ reason: 'reply', fingerprint: FP }]);
    expect((await metrics.feedbackTotal.get()).values).toEqual([{ labels: { rule: 'http-call-without-timeout', kind: 'dismissed' }, value: 1 }]);
  });
});
