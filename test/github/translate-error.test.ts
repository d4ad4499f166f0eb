import { describe, expect, it } from 'vitest';
import { ConfigError, ExternalServiceError } from '../../src/errors.js';
import { translateGitHubError } from '../../src/github/translate-error.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, PR_PATH, REF, testOctokit } from './fixtures.js';

const nock = useHttpMocks();

/** The error a real Octokit raises for `reply`. */
async function failWith(status: number, body: object, headers: Record<string, string> = {}): Promise<unknown> {
  nock(API).get(PR_PATH).reply(status, body, headers);
  const err = await testOctokit().rest.pulls.get({ owner: REF.owner, repo: REF.repo, pull_number: REF.number, request: { retries: 0 } }).catch((e: unknown) => e);
  return err;
}

describe('translateGitHubError', () => {
  it('keeps method, path, status and GitHub’s message, never the token', async () => {
    const err = translateGitHubError(await failWith(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }));
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect(err.message).toBe(`github: GET ${PR_PATH} -> 404: Not Found`);
    expect(err.message).not.toContain('test-token');
    expect((err as ExternalServiceError).retryable).toBe(false);
  });

  it('adds the operator hint on 401', async () => {
    const err = translateGitHubError(await failWith(401, { message: 'Bad credentials', status: '401' }));
    expect(err.message).toContain('check APP_ID / PRIVATE_KEY');
    expect((err as ExternalServiceError).status).toBe(401);
  });

  it('marks 5xx, 429 and rate-limit 403s retryable, other 4xx not', async () => {
    const retryable = async (status: number, body: object, headers: Record<string, string> = {}) =>
      (translateGitHubError(await failWith(status, body, headers)) as ExternalServiceError).retryable;
    expect(await retryable(502, { message: 'Server Error' })).toBe(true);
    expect(await retryable(429, { message: 'Too many requests' })).toBe(true);
    expect(await retryable(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' })).toBe(true);
    expect(await retryable(403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0' })).toBe(true);
    expect(await retryable(403, { message: 'Resource not accessible by integration' })).toBe(false);
    expect(await retryable(422, { message: 'Validation Failed' })).toBe(false);
  });

  it('treats a network failure as retryable, without pretending it was a 500', async () => {
    nock(API).get(PR_PATH).replyWithError('socket hang up');
    const raw = await testOctokit().rest.pulls.get({ owner: REF.owner, repo: REF.repo, pull_number: REF.number, request: { retries: 0 } }).catch((e: unknown) => e);
    expect(raw).toMatchObject({ status: 500 }); // what Octokit says
    const err = translateGitHubError(raw) as ExternalServiceError;
    expect(err.retryable).toBe(true);
    expect(err.status).toBeUndefined();
    expect(err.message).toBe(`github: GET ${PR_PATH} -> network error: socket hang up`);
  });

  it('fills retryAfterMs from retry-after, in seconds or as an HTTP date', async () => {
    const after = async (status: number, headers: Record<string, string>) => (translateGitHubError(await failWith(status, { message: 'Slow down' }, headers)) as ExternalServiceError).retryAfterMs;
    expect(await after(429, { 'retry-after': '30' })).toBe(30_000);
    expect(await after(503, { 'retry-after': '2' })).toBe(2_000);
    const inTwoMinutes = await after(429, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() });
    expect(inTwoMinutes).toBeGreaterThan(118_000);
    expect(inTwoMinutes).toBeLessThanOrEqual(120_000);
    expect(await after(502, {})).toBeUndefined();
    // A 4xx that is not a rate limit says nothing about waiting.
    expect(await after(404, { 'retry-after': '30' })).toBeUndefined();
  });

  it('fills retryAfterMs from x-ratelimit-reset when the quota is spent, and waits a minute for a bare secondary limit', async () => {
    const reset = Math.floor(Date.now() / 1000) + 300;
    const primary = translateGitHubError(
      await failWith(403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }),
    ) as ExternalServiceError;
    expect(primary.retryAfterMs).toBeGreaterThan(295_000);
    expect(primary.retryAfterMs).toBeLessThanOrEqual(301_000);
    // The reset time is not a wait while the quota lasts.
    const spare = translateGitHubError(await failWith(502, { message: 'Bad gateway' }, { 'x-ratelimit-remaining': '4000', 'x-ratelimit-reset': String(reset) })) as ExternalServiceError;
    expect(spare.retryAfterMs).toBeUndefined();
    const secondary = translateGitHubError(await failWith(403, { message: 'You have exceeded a secondary rate limit.' })) as ExternalServiceError;
    expect(secondary).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
    // A 403 with retry-after is a secondary rate limit whatever its wording (so the policy retried it twice first).
    nock(API).get(PR_PATH).twice().reply(403, { message: 'Forbidden' }, { 'retry-after': '5' });
    const worded = translateGitHubError(await failWith(403, { message: 'Forbidden' }, { 'retry-after': '5' })) as ExternalServiceError;
    expect(worded).toMatchObject({ retryable: true, retryAfterMs: 5_000 });
  });

  it('passes project errors through unchanged', () => {
    const own = new ConfigError('bad', '.github/arch-review.yml:1:1');
    expect(translateGitHubError(own)).toBe(own);
  });
});
