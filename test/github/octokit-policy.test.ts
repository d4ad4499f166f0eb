import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { ExternalServiceError } from '../../src/errors.js';
import { fetchWithTimeout } from '../../src/github/fetch-with-timeout.js';
import { createGitHubSource } from '../../src/github/github-source.js';
import { backoffMs, DEFAULT_GITHUB_RETRY_POLICY, withGitHubRetryPolicy, type GitHubRetryPolicy } from '../../src/github/octokit-policy.js';
import { translateGitHubError } from '../../src/github/translate-error.js';
import type { GitHubClient } from '../../src/github/types.js';
import { LogCapture, TEST_PRIVATE_KEY } from '../app/probot-harness.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, HEAD_SHA, PR_PATH, REF, pullRequestJson } from './fixtures.js';

const nock = useHttpMocks();

const INSTALLATION = 4242;
/** A second of `retry-after` lasts 10 ms here; back-off starts at 2 ms. */
const FAST: Partial<GitHubRetryPolicy> = { secondMs: 10, baseDelayMs: 2, random: () => 0.5 };
const SECONDARY = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' };
const TOO_LARGE = { message: 'Sorry, the diff exceeded the maximum number of lines (20000).', errors: [{ resource: 'PullRequest', field: 'diff', code: 'too_large' }], status: '406' };
const DIFF = 'diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-a\n+b\n';

/**
 * An installation client exactly as the worker gets one: a real Probot (app JWT, installation token,
 * Probot's own throttle defaults merged in) built on `Octokit`, authenticated for `INSTALLATION`.
 */
async function installationClient(Octokit: typeof ProbotOctokit, opts: { timeoutMs?: number } = {}): Promise<{ octokit: GitHubClient; logs: LogCapture }> {
  const logs = new LogCapture();
  const probot = new Probot({
    appId: 1,
    privateKey: TEST_PRIVATE_KEY,
    log: pino({ level: 'warn' }, logs),
    Octokit,
    ...(opts.timeoutMs ? { request: { fetch: fetchWithTimeout(opts.timeoutMs) } } : {}),
  });
  nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(201, { token: 'ghs_test', expires_at: new Date(Date.now() + 3_600_000).toISOString() });
  return { octokit: (await probot.auth(INSTALLATION)) as GitHubClient, logs };
}

const policyClient = (over: Partial<GitHubRetryPolicy> = {}, opts: { timeoutMs?: number } = {}) =>
  installationClient(withGitHubRetryPolicy(ProbotOctokit, { ...FAST, ...over }), opts);

const getPull = (octokit: GitHubClient, request: { retries?: number; signal?: AbortSignal } = {}) =>
  octokit.rest.pulls.get({ owner: REF.owner, repo: REF.repo, pull_number: REF.number, request });

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

describe('withGitHubRetryPolicy through a real Probot', () => {
  it('waits out a secondary rate limit (403, retry-after: 1) and retries, where Probot’s own defaults give up', async () => {
    const { octokit, logs } = await policyClient();
    nock(API).get(PR_PATH).reply(403, SECONDARY, { 'retry-after': '1' }).get(PR_PATH).reply(200, pullRequestJson());
    const { value, ms } = await timed(() => getPull(octokit));
    expect(value.data.number).toBe(REF.number);
    expect(ms).toBeGreaterThanOrEqual(9); // one second of retry-after, at 10 ms a second
    expect(logs.text).toContain('secondary rate limit; waiting before retrying');

    // The same answer through Probot's defaults (only "Secondary quota detected" is logged) is final.
    const plain = await installationClient(ProbotOctokit);
    nock(API).get(PR_PATH).reply(403, SECONDARY, { 'retry-after': '1' });
    await expect(getPull(plain.octokit)).rejects.toMatchObject({ status: 403 });
    expect(plain.logs.text).toContain('Secondary quota detected');
  });

  it('retries a secondary rate limit a bounded number of times, then fails with retryAfterMs for the queue', async () => {
    const { octokit } = await policyClient({ rateLimitRetries: 2 });
    const scope = nock(API).get(PR_PATH).times(3).reply(403, SECONDARY, { 'retry-after': '1' });
    const err = translateGitHubError(await getPull(octokit).catch((e: unknown) => e));
    expect(scope.isDone()).toBe(true); // 1 try + 2 retries, no more
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect(err).toMatchObject({ status: 403, retryable: true, retryAfterMs: 1000 });
  });

  it('does not hold a worker for a rate-limit wait over the bound: one request, then retryAfterMs', async () => {
    const { octokit } = await policyClient({ maxRateLimitWaitMs: 60_000 });
    nock(API).get(PR_PATH).reply(403, SECONDARY, { 'retry-after': '120' });
    const { value: raw, ms } = await timed(() => getPull(octokit).catch((e: unknown) => e));
    expect(ms).toBeLessThan(1000);
    expect(translateGitHubError(raw)).toMatchObject({ retryable: true, retryAfterMs: 120_000 });
  });

  it('waits for x-ratelimit-reset when the primary quota is spent', async () => {
    const { octokit } = await policyClient();
    const reset = Math.ceil(Date.now() / 1000) + 1;
    nock(API)
      .get(PR_PATH)
      .reply(403, { message: 'API rate limit exceeded for installation ID 4242.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) })
      .get(PR_PATH)
      .reply(200, pullRequestJson());
    const { value, ms } = await timed(() => getPull(octokit));
    expect(value.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(9);
  });

  it('retries a 502 on the diff and reviews it', async () => {
    const { octokit } = await policyClient();
    nock(API).get(PR_PATH).reply(502, { message: 'Server Error' }).get(PR_PATH).reply(200, DIFF, { 'content-type': 'text/plain' });
    const raw = await createGitHubSource(octokit, { ...REF, headSha: HEAD_SHA }).loadDiff();
    expect(raw).toEqual({ kind: 'unified', text: DIFF });
  });

  it('retries a 429 on the diff after its retry-after, and a connection reset', async () => {
    const { octokit } = await policyClient();
    nock(API)
      .get(PR_PATH)
      .reply(429, { message: 'Too many requests' }, { 'retry-after': '3' })
      .get(PR_PATH)
      .replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
      .get(PR_PATH)
      .reply(200, DIFF, { 'content-type': 'text/plain' });
    const { value, ms } = await timed(() => createGitHubSource(octokit, { ...REF, headSha: HEAD_SHA }).loadDiff());
    expect(value).toEqual({ kind: 'unified', text: DIFF });
    expect(ms).toBeGreaterThanOrEqual(29); // retry-after: 3 at 10 ms a second
  });

  it('retries a request our own per-request timeout aborted', async () => {
    const { octokit } = await policyClient({}, { timeoutMs: 100 });
    nock(API).get(PR_PATH).delay(1_000).reply(200, pullRequestJson()).get(PR_PATH).reply(200, pullRequestJson({ title: 'second try' }));
    const { data } = await getPull(octokit);
    expect(data.title).toBe('second try');
  });

  it('asks for the diff once on 406 too_large, then falls back to the file list', async () => {
    const { octokit } = await policyClient();
    const diff = nock(API).get(PR_PATH).reply(406, TOO_LARGE);
    nock(API).get(`${PR_PATH}/files`).query(true).reply(200, [{ filename: 'a.ts', status: 'modified', additions: 1, deletions: 1, changes: 2, patch: '@@ -1 +1 @@\n-a\n+b' }]);
    const raw = await createGitHubSource(octokit, { ...REF, headSha: HEAD_SHA }).loadDiff();
    expect(diff.isDone()).toBe(true);
    expect(raw).toMatchObject({ kind: 'files', files: [{ filename: 'a.ts' }] });
  });

  it('gives up after its retries, and not at all with request.retries: 0', async () => {
    const { octokit } = await policyClient({ retries: 2 });
    const three = nock(API).get(PR_PATH).times(3).reply(503, { message: 'Unavailable' });
    await expect(getPull(octokit)).rejects.toMatchObject({ status: 503 });
    expect(three.isDone()).toBe(true);
    nock(API).get(PR_PATH).reply(502, { message: 'Server Error' });
    await expect(getPull(octokit, { retries: 0 })).rejects.toMatchObject({ status: 502 });
  });

  it('does not retry other 4xx', async () => {
    const { octokit } = await policyClient();
    nock(API).get(PR_PATH).reply(404, { message: 'Not Found' });
    await expect(getPull(octokit)).rejects.toMatchObject({ status: 404 });
  });

  it('stops waiting as soon as the caller aborts', async () => {
    const { octokit } = await policyClient({ baseDelayMs: 60_000, maxDelayMs: 60_000 });
    const controller = new AbortController();
    // Abort while the policy waits to retry (after the 500 arrived), not while the request is in flight:
    // on a loaded machine a fixed 50 ms could fire before the request was even answered.
    nock(API)
      .get(PR_PATH)
      .reply(() => {
        setTimeout(() => controller.abort(), 50);
        return [500, { message: 'Server Error' }];
      });
    const { value: err, ms } = await timed(() => getPull(octokit, { signal: controller.signal }).catch((e: unknown) => e));
    expect((err as Error).name).toBe('AbortError');
    expect(ms).toBeLessThan(5_000);
  });
});

describe('backoffMs', () => {
  it('doubles per retry, with jitter between half and all of the step, capped', () => {
    const at = (attempt: number, r: number) => backoffMs(attempt, { ...DEFAULT_GITHUB_RETRY_POLICY, random: () => r });
    expect([0, 1, 2, 3].map((n) => at(n, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((n) => at(n, 0.5))).toEqual([750, 1500, 3000, 6000]);
    expect([at(10, 0), at(10, 0.999)]).toEqual([10_000, 19_990]);
  });
});
