import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runReviewJob, type RunReviewJobDeps } from '../../src/app/run-review-job.js';
import { ExternalServiceError } from '../../src/errors.js';
import { createMetrics } from '../../src/metrics.js';
import type { ReviewJob } from '../../src/queue/review-job.js';
import type { Finding } from '../../src/review/finding.js';
import { parseMarker, renderMarker } from '../../src/review/marker.js';
import { silentLogger, type Reviewer, type ReviewerInput } from '../../src/review/ports.js';
import { API, BOT_LOGIN, HEAD_SHA, ISSUE_COMMENTS_PATH, PR_PATH, REF, REPO_PATH, checkRunJson, commitJson, createdReviewJson, pullRequestJson, reviewJson, reviewJob, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';
import { DIFF, HEAD_TEXT, PATH } from './invoice-change.js';

const nock = useHttpMocks();
/** What `pathHash` in src/review/marker.ts computes, spelled out so this test does not depend on it. */
const pathHash = (path: string) => createHash('sha256').update(path).digest('hex').slice(0, 6);

const OLD_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const CONFIG = '/contents/.github%2Farch-review.yml';
const notFound = { message: 'Not Found', status: '404' };

const agentFinding = (line: number, fp: string, severity: Finding['severity'] = 'medium'): Finding => ({
  path: PATH,
  line,
  side: 'RIGHT',
  category: 'performance',
  severity,
  title: `Rounding issue ${fp}`,
  body: 'Floating-point rounding of money loses cents; use integer minor units.',
  source: 'agent',
  fingerprint: fp,
});

/** The agent reviewer, faked: two findings on added lines. */
function fakeReviewer(findings = [agentFinding(2, 'fp-a'), agentFinding(3, 'fp-b')], onReview?: (i: ReviewerInput) => void): Reviewer & { calls: ReviewerInput[] } {
  const calls: ReviewerInput[] = [];
  return {
    name: 'fake',
    calls,
    async review(input) {
      calls.push(input);
      onReview?.(input);
      return { findings, questions: [], notes: [] };
    },
  };
}


const deps = (over: Partial<RunReviewJobDeps> = {}): RunReviewJobDeps => ({
  octokit: testOctokit(),
  job: reviewJob(),
  log: silentLogger,
  reviewer: fakeReviewer(),
  botLogin: BOT_LOGIN,
  version: '0.1.0',
  checkRunRetryDelayMs: 0,
  ...over,
});

const botReview = (id: number, sha: string, fps: string[]) =>
  reviewJson(id, { login: BOT_LOGIN, type: 'Bot' }, `Summary\n\n${renderMarker({ headSha: sha, fingerprints: fps, version: '0.1.0' })}`, sha);

/** Mocks GitHub up to and including the prior-state read. */
function mockStart(opts: { headSha?: string; config?: string; reviews?: object[]; pr?: object; skipped?: boolean; staleRunsMocked?: boolean } = {}) {
  nock(API)
    .get(PR_PATH)
    .matchHeader('accept', 'application/vnd.github.v3+json')
    .reply(200, { ...pullRequestJson({ headSha: opts.headSha ?? HEAD_SHA }), ...opts.pr });
  nock(API).get(`${PR_PATH}/commits`).query({ per_page: 50 }).reply(200, [commitJson(HEAD_SHA, 'Round invoice totals')]);
  if (opts.headSha && opts.headSha !== HEAD_SHA) {
    // A stale job looks for a run of ours an earlier try left in progress on its commit.
    if (!opts.staleRunsMocked) mockCheckRunList();
    return;
  }
  if (opts.config === undefined) {
    nock(API).get(REPO_PATH + CONFIG).reply(404, notFound);
    nock(API).get(`/repos/${REF.owner}/.github${CONFIG}`).reply(404, notFound);
  } else {
    nock(API).get(REPO_PATH + CONFIG).reply(200, opts.config, { 'content-type': 'text/plain; charset=utf-8' });
  }
  if (opts.skipped) return;
  nock(API).get(`${PR_PATH}/reviews`).query({ per_page: 100 }).reply(200, opts.reviews ?? []);
  nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).reply(200, []);
}

const CHECK_RUNS_OF_HEAD = `${REPO_PATH}/commits/${HEAD_SHA}/check-runs`;

/** Mocks the lookup of this app's check runs on the head SHA. */
function mockCheckRunList(runs: Array<{ id: number; status: string }> = []) {
  nock(API)
    .get(CHECK_RUNS_OF_HEAD)
    .query({ check_name: 'arch-review', filter: 'all', per_page: 100 })
    .reply(200, { total_count: runs.length, check_runs: runs.map((r) => ({ ...checkRunJson(r.id, r.status), app: { id: 1, slug: 'arch-review' } })) });
}

/** Mocks the check run: none of ours yet, created in progress, then updated; records the bodies. */
function mockCheckRun() {
  mockCheckRunList();
  const created: Array<Record<string, unknown>> = [];
  const updates: Array<{ conclusion?: string; output: { title: string; summary: string; annotations: Array<{ start_line: number; annotation_level: string }> } }> = [];
  nock(API)
    .post(`${REPO_PATH}/check-runs`, (b: Record<string, unknown>) => (created.push(b), true))
    .reply(201, checkRunJson(900));
  nock(API)
    .patch(`${REPO_PATH}/check-runs/900`, (b: (typeof updates)[number]) => (updates.push(b), true))
    .reply(200, checkRunJson(900, 'completed'));
  return { created, updates };
}

/** Mocks loading the diff and the head file. */
function mockDiffAndContent() {
  nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').reply(200, DIFF, { 'content-type': 'application/vnd.github.v3.diff; charset=utf-8' });
  nock(API)
    .get(`${REPO_PATH}/contents/${encodeURIComponent(PATH)}`)
    .query({ ref: HEAD_SHA })
    .reply(200, { type: 'file', encoding: 'base64', size: HEAD_TEXT.length, path: PATH, content: Buffer.from(HEAD_TEXT).toString('base64') });
}

function mockReview() {
  const posted: Array<{ event: string; body: string; comments: Array<{ line: number; body: string }> }> = [];
  nock(API)
    .post(`${PR_PATH}/reviews`, (b: (typeof posted)[number]) => (posted.push(b), true))
    .reply(200, createdReviewJson(4242));
  return posted;
}

describe('runReviewJob', () => {
  it('reviews a new pull request: one review, and a check run from in progress to completed', async () => {
    mockStart();
    const check = mockCheckRun();
    mockDiffAndContent();
    const posted = mockReview();
    const metrics = createMetrics({ processMetrics: false });
    const result = await runReviewJob(deps({ metrics }));

    expect(result).toMatchObject({ status: 'published', via: 'review', inline: 2, summaryOnly: 0, rejected: 0 });
    expect(posted).toHaveLength(1);
    expect(posted[0]!.event).toBe('COMMENT');
    expect(posted[0]!.comments.map((c) => c.line)).toEqual([2, 3]);
    expect(parseMarker(posted[0]!.body)).toMatchObject({ headSha: HEAD_SHA, fingerprints: ['fp-a', 'fp-b'], version: '0.1.0' });
    expect(parseMarker(posted[0]!.body)?.open?.map((f) => f.severity)).toEqual(['medium', 'medium']);
    expect(check.created[0]).toMatchObject({ name: 'arch-review', head_sha: HEAD_SHA, status: 'in_progress' });
    expect(check.updates[0]).toMatchObject({ conclusion: 'neutral', output: { title: '2 findings: 2 medium' } });
    expect(check.updates[0]!.output.annotations.map((a) => a.start_line)).toEqual([2, 3]);
    expect(await metrics.registry.getSingleMetricAsString('findings_total')).toContain('findings_total{category="performance",source="agent"} 2');
  });

  it('skips a stale job whose head SHA is no longer the pull request’s', async () => {
    mockStart({ headSha: 'fffffffffffffffffffffffffffffffffffffff1' });
    const reviewer = fakeReviewer();
    const result = await runReviewJob(deps({ reviewer }));
    expect(result).toEqual({ status: 'stale', currentHeadSha: 'fffffffffffffffffffffffffffffffffffffff1', open: true });
    expect(reviewer.calls).toHaveLength(0);
  });

  it('completes the check run an earlier, killed try left in progress on a stale commit (nothing else ever would)', async () => {
    mockStart({ headSha: 'fffffffffffffffffffffffffffffffffffffff1', staleRunsMocked: true });
    mockCheckRunList([{ id: 900, status: 'in_progress' }, { id: 899, status: 'completed' }]);
    const updates: Array<{ status?: string; conclusion?: string; output: { title: string; summary: string } }> = [];
    nock(API)
      .patch(`${REPO_PATH}/check-runs/900`, (b: (typeof updates)[number]) => (updates.push(b), true))
      .reply(200, checkRunJson(900, 'completed'));
    const result = await runReviewJob(deps({ reviewer: fakeReviewer() }));
    expect(result).toMatchObject({ status: 'stale' });
    expect(updates).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'neutral', output: expect.objectContaining({ title: 'Superseded by a newer commit' }) })]);
    expect(updates[0]!.output.summary).toContain('`fffffff`');
  });

  it('applies the repository filters to automatic triggers: drafts, bot authors, skip labels, triggers', async () => {
    const cases: Array<{ pr?: object; config?: string; trigger?: ReviewJob['trigger']; reason: RegExp }> = [
      { pr: { draft: true }, reason: /draft/ },
      { pr: { user: { login: 'dependabot[bot]', type: 'Bot', id: 49699333 } }, reason: /bot/ },
      { pr: { labels: [{ id: 1, name: 'No-Arch-Review' }] }, reason: /skip_labels/ },
      { config: 'triggers: [opened]\n', trigger: 'synchronize', reason: /not in triggers/ },
    ];
    for (const c of cases) {
      mockStart({ ...(c.pr ? { pr: c.pr } : {}), ...(c.config ? { config: c.config } : {}), skipped: true });
      const reviewer = fakeReviewer();
      const result = await runReviewJob(deps({ reviewer, job: reviewJob({ trigger: c.trigger ?? 'opened' }) }));
      expect(result).toEqual({ status: 'skipped', reason: expect.stringMatching(c.reason) });
      expect(reviewer.calls).toHaveLength(0);
    }
  });

  it('reviews a draft when the repository sets review_drafts, and on request whatever the filters say', async () => {
    mockStart({ pr: { draft: true }, config: 'review_drafts: true\n' });
    mockCheckRun();
    mockDiffAndContent();
    mockReview();
    expect(await runReviewJob(deps())).toMatchObject({ status: 'published' });

    mockStart({ pr: { labels: [{ id: 1, name: 'no-arch-review' }] } });
    mockCheckRun();
    mockDiffAndContent();
    mockReview();
    expect(await runReviewJob(deps({ job: reviewJob({ trigger: 'command' }) }))).toMatchObject({ status: 'published' });
  });

  it('does nothing for a head SHA this bot already reviewed', async () => {
    mockStart({ reviews: [botReview(1, HEAD_SHA, ['fp-a', 'fp-b'])] });
    mockCheckRunList([{ id: 900, status: 'completed' }]);
    const reviewer = fakeReviewer();
    expect(await runReviewJob(deps({ reviewer }))).toEqual({ status: 'already-reviewed', reviewUrl: 'https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-1' });
    expect(reviewer.calls).toHaveLength(0);
  });

  it('reviews the same SHA again when full, but never repeats a posted fingerprint', async () => {
    mockStart({ reviews: [botReview(1, HEAD_SHA, ['fp-a'])] });
    mockCheckRun();
    mockDiffAndContent();
    const posted = mockReview();
    const result = await runReviewJob(deps({ job: reviewJob({ trigger: 'command-full', full: true }) }));
    expect(result).toMatchObject({ status: 'published', inline: 1 });
    expect(posted[0]!.comments.map((c) => c.line)).toEqual([3]);
    // The marker carries earlier fingerprints forward, so the newest marker alone prevents every repeat.
    expect([...(parseMarker(posted[0]!.body)?.fingerprints ?? [])].sort()).toEqual(['fp-a', 'fp-b']);
  });

  it('trusts only the bot’s markers: a human’s marker does not hide findings', async () => {
    mockStart({ reviews: [reviewJson(1, { login: 'mallory', type: 'User' }, renderMarker({ headSha: HEAD_SHA, fingerprints: ['fp-a', 'fp-b'], version: '0.1.0' }))] });
    mockCheckRun();
    mockDiffAndContent();
    const posted = mockReview();
    await runReviewJob(deps());
    expect(posted[0]!.comments.map((c) => c.line)).toEqual([2, 3]);
  });

  it('on a push, reviews the paths changed since the last review and posts only new findings', async () => {
    mockStart({ reviews: [botReview(1, OLD_SHA, ['fp-a'])] });
    mockCheckRun();
    nock(API)
      .get(`${REPO_PATH}/compare/${OLD_SHA}...${HEAD_SHA}`)
      .query({ per_page: 1 })
      .reply(200, { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, commits: [], files: [{ sha: 's', filename: PATH, status: 'modified' }] });
    mockDiffAndContent();
    const posted = mockReview();
    const reviewer = fakeReviewer();
    const result = await runReviewJob(deps({ reviewer, job: reviewJob({ trigger: 'synchronize' }) }));
    expect(result).toMatchObject({ status: 'published', via: 'review', inline: 1 });
    expect(reviewer.calls[0]!.files.map((f) => f.diff.path)).toEqual([PATH]);
    expect(posted[0]!.comments.map((c) => c.line)).toEqual([3]);
  });

  it('on a push that changed none of the reviewed files, posts no review and says so on the check run', async () => {
    mockStart({ reviews: [botReview(1, OLD_SHA, [])] });
    const check = mockCheckRun();
    nock(API)
      .get(`${REPO_PATH}/compare/${OLD_SHA}...${HEAD_SHA}`)
      .query({ per_page: 1 })
      .reply(200, { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, commits: [], files: [{ sha: 's', filename: 'docs/README.md', status: 'modified' }] });
    mockDiffAndContent();
    const reviewer = fakeReviewer();
    const result = await runReviewJob(deps({ reviewer, job: reviewJob({ trigger: 'synchronize' }) }));
    expect(result).toMatchObject({ status: 'published', via: 'nothing-new', inline: 0 });
    expect(reviewer.calls[0]?.files ?? []).toEqual([]);
    expect(check.updates[0]!.output.summary).toContain('no review was posted');
  });

  it('reports a broken configuration as a failed check run quoting the line, and posts no review', async () => {
    const text = 'max_inline_comments: 10\nmin_severity: critical\n';
    nock(API).get(PR_PATH).reply(200, pullRequestJson());
    nock(API).get(`${PR_PATH}/commits`).query({ per_page: 50 }).reply(200, []);
    nock(API).get(REPO_PATH + CONFIG).times(2).reply(200, text, { 'content-type': 'text/plain; charset=utf-8' });
    const check = mockCheckRun();
    const created = check.updates as unknown as Array<{ status: string; conclusion: string; output: { summary: string; annotations: Array<{ path: string; start_line: number }> } }>;
    const reviewer = fakeReviewer();
    const result = await runReviewJob(deps({ reviewer }));
    expect(result.status).toBe('config-error');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(created[0]!.output.summary).toMatch(/\.github\/arch-review\.yml:2:\d+: min_severity/);
    expect(created[0]!.output.annotations[0]).toMatchObject({ path: '.github/arch-review.yml', start_line: 2 });
    expect(reviewer.calls).toHaveLength(0);
  });

  it('creates no check run when check_run.enabled is false', async () => {
    mockStart({ config: 'check_run:\n  enabled: false\n' });
    mockDiffAndContent();
    const posted = mockReview();
    expect((await runReviewJob(deps())).status).toBe('published');
    expect(posted).toHaveLength(1);
  });

  it('fails the check run when the policy says so and a finding reaches fail_on', async () => {
    mockStart({ config: 'check_run:\n  conclusion: failure\n  fail_on: high\n' });
    const check = mockCheckRun();
    mockDiffAndContent();
    mockReview();
    await runReviewJob(deps({ reviewer: fakeReviewer([agentFinding(2, 'fp-a', 'high'), agentFinding(3, 'fp-b', 'low')]) }));
    expect(check.updates[0]!.conclusion).toBe('failure');
    expect(check.updates[0]!.output.annotations.map((a) => a.annotation_level)).toEqual(['failure', 'notice']);
  });

  it('completes the check run neutral with the reason when the job fails, then rethrows for a retry', async () => {
    mockStart();
    const check = mockCheckRun();
    // The retry policy tries the diff 4 times (1 + 3 retries); then the queue's retry is the next layer.
    nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').times(4).reply(502, { message: 'Server Error' });
    const err = await runReviewJob(deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).retryable).toBe(true);
    expect(check.updates[0]).toMatchObject({ conclusion: 'neutral' });
    expect(check.updates[0]!.output.title).toContain('The review failed: github: GET /repos/Codertocat/Hello-World/pulls/2 -> 502');
  });

  it('posts nothing when its signal aborts during the review (a newer commit arrived)', async () => {
    mockStart();
    const check = mockCheckRun();
    mockDiffAndContent();
    const controller = new AbortController();
    const reviewer = fakeReviewer(undefined, () => controller.abort(new Error(`superseded by ${'b'.repeat(40)}`)));
    nock(API).get(PR_PATH).reply(200, pullRequestJson({ headSha: 'b'.repeat(40) }));
    const result = await runReviewJob(deps({ reviewer }), controller.signal);
    expect(result).toEqual({ status: 'aborted' });
    expect(check.updates[0]).toMatchObject({ conclusion: 'neutral', output: { title: 'Review stopped before publishing' } });
  });

  it('superseded by a job for an older head (out-of-order deliveries), leaves its check run in progress for its next run', async () => {
    mockStart();
    const check = mockCheckRun();
    mockDiffAndContent();
    const controller = new AbortController();
    const reviewer = fakeReviewer(undefined, () => controller.abort(new Error(`superseded by ${OLD_SHA}`)));
    nock(API).get(PR_PATH).reply(200, pullRequestJson());
    expect(await runReviewJob(deps({ reviewer }), controller.signal)).toEqual({ status: 'aborted' });
    expect(check.updates).toEqual([]);
    nock.cleanAll(); // the completion PATCH mocked by mockCheckRun is, rightly, never sent
  });

  it('on a failure the queue will retry, leaves the check run in progress saying which attempt failed', async () => {
    mockStart();
    const check = mockCheckRun();
    nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').reply(502, { message: 'Server Error' });
    const err = await runReviewJob(deps({ attempt: { attempt: 1, maxAttempts: 4 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect(check.updates).toHaveLength(1);
    expect(check.updates[0]!.conclusion).toBeUndefined();
    expect(check.updates[0]).not.toHaveProperty('status');
    expect(check.updates[0]!.output.title).toBe('Attempt 1 of 4 failed; retrying');
  });

  it('on the last attempt, completes the check run neutral saying how to retry', async () => {
    mockStart();
    const check = mockCheckRun();
    nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').reply(502, { message: 'Server Error' });
    await expect(runReviewJob(deps({ attempt: { attempt: 4, maxAttempts: 4 } }))).rejects.toBeInstanceOf(ExternalServiceError);
    expect(check.updates[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(check.updates[0]!.output.summary).toContain('Comment `/arch-review`');
    expect(check.updates[0]!.output.summary).not.toContain('will be retried');
  });

  it('a retried job continues on the check run its failed attempt left in progress: no second run', async () => {
    mockStart();
    mockCheckRunList([{ id: 900, status: 'in_progress' }]);
    const updates: Array<{ conclusion?: string }> = [];
    nock(API)
      .patch(`${REPO_PATH}/check-runs/900`, (b: (typeof updates)[number]) => (updates.push(b), true))
      .reply(200, checkRunJson(900, 'completed'));
    mockDiffAndContent();
    mockReview();
    expect(await runReviewJob(deps({ attempt: { attempt: 2, maxAttempts: 4 } }))).toMatchObject({ status: 'published' });
    expect(updates).toEqual([expect.objectContaining({ conclusion: 'neutral' })]);
  });

  it('throws (so the job is retried) when the check run cannot be completed, instead of leaving it in progress silently', async () => {
    mockStart();
    mockCheckRunList();
    nock(API).post(`${REPO_PATH}/check-runs`).reply(201, checkRunJson(900));
    // Octokit retries a 5xx three times; completeCheckRun tries the PATCH three times: 12 answers.
    nock(API).patch(`${REPO_PATH}/check-runs/900`).times(13).reply(502, { message: 'Bad Gateway' });
    mockDiffAndContent();
    mockReview();
    await expect(runReviewJob(deps({ attempt: { attempt: 1, maxAttempts: 4 } }))).rejects.toMatchObject({ retryable: true });
  });

  it('finishes the check run of a reviewed head a dead job left in progress, posting no second review', async () => {
    mockStart({ reviews: [botReview(1, HEAD_SHA, ['fp-a', 'fp-b'])] });
    mockCheckRunList([{ id: 900, status: 'in_progress' }]);
    mockCheckRunList([{ id: 900, status: 'in_progress' }]);
    const updates: Array<{ conclusion?: string; output: { summary: string } }> = [];
    nock(API)
      .patch(`${REPO_PATH}/check-runs/900`, (b: (typeof updates)[number]) => (updates.push(b), true))
      .reply(200, checkRunJson(900, 'completed'));
    mockDiffAndContent();
    // Even a finding the first run did not have (the model is not deterministic) posts no second review of this SHA.
    const result = await runReviewJob(deps({ reviewer: fakeReviewer([agentFinding(2, 'fp-a'), agentFinding(3, 'fp-new')]) }));
    expect(result).toMatchObject({ status: 'published', via: 'nothing-new' });
    expect(updates).toEqual([expect.objectContaining({ status: 'completed' })]);
  });

  it('on shutdown, completes the check run cancelled (never left in progress), and says the job was interrupted', async () => {
    mockStart();
    const check = mockCheckRun();
    mockDiffAndContent();
    const controller = new AbortController();
    const reviewer = fakeReviewer(undefined, () => controller.abort(new Error('shutting down')));
    expect(await runReviewJob(deps({ reviewer }), controller.signal)).toEqual({ status: 'interrupted' });
    expect(check.updates).toHaveLength(1);
    expect(check.updates[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled', output: { title: 'Interrupted by a restart' } });
  });
});

describe('runReviewJob: the check judges every finding open at head (issue 7, item 10)', () => {
  const FAIL_ON_HIGH = 'check_run:\n  conclusion: failure\n';
  /** The last review, at OLD_SHA: one high finding on PATH, kept in a v2 marker with its severity. */
  const lastReview = () =>
    reviewJson(1, { login: BOT_LOGIN, type: 'Bot' }, `Summary\n\n${renderMarker({ headSha: OLD_SHA, fingerprints: ['fp-h'], open: [{ fingerprint: 'fp-h', severity: 'high', pathHash: pathHash(PATH) }], version: '0.1.0' })}`, OLD_SHA);
  const pushChanging = (filename: string) =>
    nock(API)
      .get(`${REPO_PATH}/compare/${OLD_SHA}...${HEAD_SHA}`)
      .query({ per_page: 1 })
      .reply(200, { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, commits: [], files: [{ sha: 's', filename, status: 'modified' }] });

  it('keeps failing on a push that does not touch the file of an open high finding', async () => {
    mockStart({ config: FAIL_ON_HIGH, reviews: [lastReview()] });
    const check = mockCheckRun();
    pushChanging('docs/README.md');
    mockDiffAndContent();
    const result = await runReviewJob(deps({ reviewer: fakeReviewer([]), job: reviewJob({ trigger: 'synchronize' }) }));
    expect(result).toMatchObject({ status: 'published', via: 'nothing-new' });
    expect(check.updates[0]).toMatchObject({ conclusion: 'failure', output: { title: '1 high finding still open (posted earlier)' } });
    expect(check.updates[0]!.output.summary).toContain('Still open from earlier reviews: 1 high');
  });

  it('keeps failing when the re-reviewed file still has the finding, and carries it into the next marker', async () => {
    mockStart({ config: FAIL_ON_HIGH, reviews: [lastReview()] });
    const check = mockCheckRun();
    pushChanging(PATH);
    mockDiffAndContent();
    const posted = mockReview();
    const result = await runReviewJob(deps({ reviewer: fakeReviewer([agentFinding(2, 'fp-h', 'high'), agentFinding(3, 'fp-new', 'low')]), job: reviewJob({ trigger: 'synchronize' }) }));
    expect(result).toMatchObject({ status: 'published', via: 'review', inline: 1 });
    expect(posted[0]!.comments.map((c) => c.line)).toEqual([3]);
    expect(check.updates[0]).toMatchObject({ conclusion: 'failure', output: { title: '1 new finding: 1 low; 1 high finding still open (posted earlier)' } });
    expect(check.updates[0]!.output.annotations.map((a) => [a.start_line, a.annotation_level])).toEqual([[3, 'notice'], [2, 'failure']]);
    expect(parseMarker(posted[0]!.body)?.open).toEqual([
      { fingerprint: 'fp-h', severity: 'high', pathHash: pathHash(PATH) },
      { fingerprint: 'fp-new', severity: 'low', pathHash: pathHash(PATH) },
    ]);
  });

  it('passes once a push fixes the finding (its file re-reviewed, the finding gone)', async () => {
    mockStart({ config: FAIL_ON_HIGH, reviews: [lastReview()] });
    const check = mockCheckRun();
    pushChanging(PATH);
    mockDiffAndContent();
    const result = await runReviewJob(deps({ reviewer: fakeReviewer([]), job: reviewJob({ trigger: 'synchronize' }) }));
    expect(result).toMatchObject({ status: 'published', via: 'nothing-new' });
    expect(check.updates[0]).toMatchObject({ conclusion: 'neutral', output: { title: 'No findings' } });
  });

  it('keeps the old behaviour for a v1 marker, whose severities are unknown', async () => {
    const v1 = reviewJson(1, { login: BOT_LOGIN, type: 'Bot' }, `Summary\n\n<!-- arch-review:v1 sha=${OLD_SHA} fp=fp-h ver=0.1.0 -->`, OLD_SHA);
    mockStart({ config: FAIL_ON_HIGH, reviews: [v1] });
    const check = mockCheckRun();
    pushChanging('docs/README.md');
    mockDiffAndContent();
    await runReviewJob(deps({ reviewer: fakeReviewer([]), job: reviewJob({ trigger: 'synchronize' }) }));
    expect(check.updates[0]).toMatchObject({ conclusion: 'neutral', output: { title: 'No findings' } });
  });
});
