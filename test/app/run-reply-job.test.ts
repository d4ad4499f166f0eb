import { describe, expect, it } from 'vitest';
import { runReplyJob } from '../../src/app/run-reply-job.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { replyMarker } from '../../src/github/command-reply.js';
import type { ReplyJob } from '../../src/queue/review-job.js';
import { findingMarker } from '../../src/review/finding-marker.js';
import { silentLogger } from '../../src/review/ports.js';
import type { ThreadAnswerer, ThreadQuestion } from '../../src/review/reply-ports.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { API, BOT_LOGIN, HEAD_SHA, ISSUE_COMMENTS_PATH, PR_PATH, REF, REPO_PATH, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();
const RULE = ALL_RULES.find((r) => r.id === 'http-call-without-timeout') ?? ALL_RULES[0]!;
const FP = '0123456789abcdef';
const ROOT = 900;
const CREATED = '2026-12-03T10:00:00Z';
const PAY_TS = Array.from({ length: 20 }, (_, i) => (i === 9 ? 'await axios.post(url, body);' : `const line${i + 1} = ${i + 1};`)).join('\n');

const job = (over: Partial<ReplyJob> = {}): ReplyJob => ({
  type: 'reply',
  kind: 'thread',
  installationId: 1,
  owner: REF.owner,
  repo: REF.repo,
  number: REF.number,
  deliveryId: 'reply-1',
  enqueuedAt: 0,
  commentId: 901,
  threadRootId: ROOT,
  commenter: 'mona',
  question: 'We set a timeout on the client, so this is fine?',
  createdAt: CREATED,
  ...over,
});

const ourComment = (over: Record<string, unknown> = {}) => ({
  id: ROOT,
  user: { login: BOT_LOGIN, type: 'Bot' },
  body: `🔴 High · Resilience · rule \`${RULE.id}\`\n\n**${RULE.title}**\n\n${findingMarker({ fingerprint: FP, category: RULE.category, ruleId: RULE.id })}`,
  path: 'src/pay.ts',
  line: 10,
  original_line: 8,
  commit_id: HEAD_SHA,
  original_commit_id: 'a'.repeat(40),
  html_url: `https://github.com/x/pull/2#discussion_r${ROOT}`,
  ...over,
});

const root = (body: Record<string, unknown>) => nock(API).get(`${REPO_PATH}/pulls/comments/${ROOT}`).reply(200, body);
const permission = (role: string) => nock(API).get(`${REPO_PATH}/collaborators/mona/permission`).reply(200, { permission: role, role_name: role, user: { login: 'mona' } });
const threadComments = (comments: unknown[]) => nock(API).get(`${PR_PATH}/comments`).query({ per_page: 100, since: CREATED }).reply(200, comments);

function expectReply(): { body: () => string } {
  let posted = '';
  nock(API)
    .post(`${PR_PATH}/comments/${ROOT}/replies`, (b: { body: string }) => ((posted = b.body), true))
    .reply(201, { id: 1, html_url: 'https://github.com/x/pull/2#discussion_r1' });
  return { body: () => posted };
}

function fakeAnswerer(answer: Awaited<ReturnType<ThreadAnswerer['answer']>>): ThreadAnswerer & { asked: ThreadQuestion[] } {
  const asked: ThreadQuestion[] = [];
  return { name: 'fake', asked, answer: async (q) => (asked.push(q), answer) };
}

const DEFAULTS = loadConfig(undefined).config;
const run = (j: ReplyJob, extra: Partial<Parameters<typeof runReplyJob>[0]> = {}) =>
  runReplyJob({ octokit: testOctokit(), job: j, log: silentLogger, botLogin: BOT_LOGIN, retryDelayMs: 0, loadConfig: async () => ({ config: DEFAULTS }), ...extra });

describe('runReplyJob: which threads it answers', () => {
  it("leaves a thread someone else started alone: one read of its first comment, no permission check, nothing posted", async () => {
    root(ourComment({ user: { login: 'octocat', type: 'User' } }));
    expect(await run(job())).toEqual({ status: 'not-ours', mode: 'docs' });
  });

  it('leaves a thread whose first comment is gone (404) alone', async () => {
    nock(API).get(`${REPO_PATH}/pulls/comments/${ROOT}`).reply(404, { message: 'Not Found' });
    expect(await run(job())).toMatchObject({ status: 'not-ours' });
  });

  it('does nothing visible for a commenter without write access', async () => {
    root(ourComment());
    permission('read');
    expect(await run(job(), { answerer: fakeAnswerer({ answer: 'x', verdict: 'stands' }) })).toEqual({ status: 'denied', mode: 'agent' });
  });
});

describe('runReplyJob: the documentation answer (no model)', () => {
  it("answers in the thread with the rule's documentation, once: a retry finds its answer and posts nothing", async () => {
    root(ourComment());
    permission('write');
    threadComments([]);
    const reply = expectReply();
    expect(await run(job())).toMatchObject({ status: 'answered', mode: 'docs' });
    expect(reply.body()).toContain(RULE.why);
    expect(reply.body()).toContain(`arch-review-ignore ${RULE.id}:`);
    expect(reply.body()).toContain(replyMarker(901));

    root(ourComment());
    permission('write');
    threadComments([{ id: 1, user: { login: BOT_LOGIN, type: 'Bot' }, body: reply.body(), html_url: 'https://github.com/x#r1' }]);
    expect(await run(job())).toMatchObject({ status: 'already-answered', url: 'https://github.com/x#r1' });
  });

  it("answers about an agent finding with its category's checklist", async () => {
    root(ourComment({ body: `🟠 Medium · Coupling · reviewer\n\n**Vendor SDK in the domain**\n\n${findingMarker({ fingerprint: FP, category: 'coupling' })}` }));
    permission('admin');
    threadComments([]);
    const reply = expectReply();
    await run(job(), { categoryGuidance: (c) => (c === 'coupling' ? '- Business logic bound to one vendor.' : undefined) });
    expect(reply.body()).toContain('- Business logic bound to one vendor.');
  });

  it('answers /arch-review ask with a PR comment naming the rule asked about', async () => {
    permission('write');
    nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).reply(200, []);
    let posted = '';
    nock(API)
      .post(ISSUE_COMMENTS_PATH, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, { id: 5, html_url: 'https://github.com/x#issuecomment-5' });
    const result = await run(job({ kind: 'ask', threadRootId: undefined, question: `why does ${RULE.id} fire here?` }));
    expect(result).toMatchObject({ status: 'answered', mode: 'docs' });
    expect(posted).toContain(RULE.fix);
    expect(posted).toContain(replyMarker(901));
  });
});

describe('runReplyJob: the model', () => {
  it('asks with the finding, the rule docs and the file around the line at the comment commit; records a not-a-problem verdict', async () => {
    root(ourComment());
    permission('maintain');
    threadComments([]);
    nock(API).get(`${REPO_PATH}/contents/src%2Fpay.ts`).query({ ref: HEAD_SHA }).reply(200, PAY_TS);
    const reply = expectReply();
    const answerer = fakeAnswerer({ answer: 'You are right: @mona the client sets a timeout.', verdict: 'not-a-problem', usage: { inputTokens: 900, outputTokens: 80, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1 } });
    const dismissals: unknown[] = [];
    const result = await run(job(), { answerer, feedback: { recordDismissal: async (d) => (dismissals.push(d), true) } });

    expect(result).toMatchObject({ status: 'answered', mode: 'agent', verdict: 'not-a-problem', usage: { inputTokens: 900 } });
    const asked = answerer.asked[0]!;
    expect(asked.question).toBe('We set a timeout on the client, so this is fine?');
    expect(asked.model).toBe(DEFAULTS.agent.model);
    expect(asked.finding).toMatchObject({ fingerprint: FP, ruleId: RULE.id, path: 'src/pay.ts', line: 10 });
    expect(asked.documentation).toContain(RULE.why);
    expect(asked.excerpt).toMatchObject({ path: 'src/pay.ts', startLine: 1, focusLine: 10 });
    expect(asked.excerpt!.text).toContain('await axios.post(url, body);');
    expect(reply.body()).toContain('`@mona`');
    expect(reply.body()).toContain('not a problem here. Recorded as feedback');
    expect(dismissals).toEqual([{ repo: `${REF.owner}/${REF.repo}`, prNumber: REF.number, fingerprint: FP, ruleId: RULE.id, reason: 'reply', commentId: ROOT }]);
  });

  it('reads an outdated comment’s file where it was made, and answers without the file when it cannot be read', async () => {
    root(ourComment({ line: null }));
    permission('write');
    threadComments([]);
    nock(API).get(`${REPO_PATH}/contents/src%2Fpay.ts`).query({ ref: 'a'.repeat(40) }).reply(404, { message: 'Not Found' });
    const reply = expectReply();
    const answerer = fakeAnswerer({ answer: 'It stands: the call has no timeout.', verdict: 'stands' });
    await run(job(), { answerer, feedback: { recordDismissal: async () => expect.fail('nothing to record') } });
    expect(answerer.asked[0]!.finding?.line).toBe(8);
    expect(answerer.asked[0]!.excerpt).toBeUndefined();
    expect(reply.body()).toContain('the finding stands');
  });

  it('keeps the code away from the model where the repository turned the agent off, or its config is broken', async () => {
    for (const loadConfig of [async () => ({ config: { ...DEFAULTS, agent: { ...DEFAULTS.agent, enabled: false } } }), async () => Promise.reject(new ConfigError('bad', '.github/arch-review.yml'))]) {
      root(ourComment());
      permission('write');
      threadComments([]);
      const reply = expectReply();
      const answerer = fakeAnswerer({ answer: 'x', verdict: 'stands' });
      expect(await run(job(), { answerer, loadConfig })).toMatchObject({ status: 'answered', mode: 'docs' });
      expect(answerer.asked).toEqual([]);
      expect(reply.body()).toContain(RULE.fix);
    }
  });

  it("falls back to the rule's documentation when the model fails", async () => {
    root(ourComment());
    permission('write');
    threadComments([]);
    nock(API).get(`${REPO_PATH}/contents/src%2Fpay.ts`).query({ ref: HEAD_SHA }).reply(200, PAY_TS);
    const reply = expectReply();
    const result = await run(job(), { answerer: fakeAnswerer({ failed: 'Anthropic rejected the API key (401)' }) });
    expect(result).toMatchObject({ status: 'answered', mode: 'docs' });
    expect(reply.body()).toContain('The model could not answer this time');
    expect(reply.body()).toContain(RULE.fix);
  });
});
