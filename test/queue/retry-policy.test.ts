import { describe, expect, it } from 'vitest';
import { ConfigError, ExternalServiceError, InputError, ModelOutputError } from '../../src/errors.js';
import { DEFAULT_RETRY_POLICY, callHook, decideRetry, isPermanent, retryAfterOf, retryDelayMs, retryPolicy } from '../../src/queue/retry-policy.js';

const policy = { baseDelayMs: 5_000, maxDelayMs: 300_000 };
const low = () => 0;
const high = () => 0.999_999;

describe('retry policy', () => {
  it('defaults to 4 tries, 5 s base delay and a 5 min cap', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 4, baseDelayMs: 5_000, maxDelayMs: 300_000 });
    expect(retryPolicy({ maxAttempts: undefined, baseDelayMs: 100 })).toEqual({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300_000 });
    expect(retryPolicy({ maxAttempts: 0 }).maxAttempts).toBe(1);
  });

  it('treats config, input, model-output and non-retryable service errors as permanent', () => {
    expect(isPermanent(new ConfigError('bad yaml'))).toBe(true);
    expect(isPermanent(new InputError('bad diff'))).toBe(true);
    expect(isPermanent(new ModelOutputError('nonsense', []))).toBe(true);
    expect(isPermanent(new ExternalServiceError('github', '404', { status: 404 }))).toBe(true);
    expect(isPermanent(new ExternalServiceError('github', '502', { status: 502, retryable: true }))).toBe(false);
    expect(isPermanent(new Error('socket hang up'))).toBe(false);
    expect(isPermanent('a string')).toBe(false);
  });

  it('doubles the delay each try, with jitter between half and all of it, up to the cap', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n, new Error('x'), low))).toEqual([2_500, 5_000, 10_000]);
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n, new Error('x'), high))).toEqual([5_000, 10_000, 20_000]);
    expect(retryDelayMs(policy, 20, new Error('x'), high)).toBe(300_000);
    expect(retryDelayMs(policy, 20, new Error('x'), low)).toBe(150_000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy, 2, new Error('x'))));
    expect(spread.size).toBeGreaterThan(10);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...spread)).toBeLessThanOrEqual(10_000);
  });

  it('never waits less than the retry-after a service asked for, even past the cap', () => {
    const limited = new ExternalServiceError('github', 'secondary rate limit', { status: 403, retryable: true, retryAfterMs: 60_000 });
    expect(retryDelayMs(policy, 1, limited, low)).toBe(60_000);
    expect(retryDelayMs(policy, 1, limited, high)).toBeLessThanOrEqual(61_000);
    const long = new ExternalServiceError('github', 'rate limit', { status: 403, retryable: true, retryAfterMs: 900_000 });
    expect(retryDelayMs(policy, 1, long, low)).toBe(900_000);
    // A short retry-after does not shorten the backoff.
    const short = new ExternalServiceError('github', '429', { status: 429, retryable: true, retryAfterMs: 1_000 });
    expect(retryDelayMs(policy, 3, short, low)).toBe(10_000);
  });

  it('finds a retry-after on a wrapped cause', () => {
    const inner = new ExternalServiceError('github', '429', { status: 429, retryable: true, retryAfterMs: 42_000 });
    expect(retryAfterOf(new Error('review failed', { cause: inner }))).toBe(42_000);
    expect(retryAfterOf(new Error('plain'))).toBeUndefined();
  });

  it('retries until the last try, never a permanent error', () => {
    const transient = new ExternalServiceError('github', '503', { status: 503, retryable: true });
    expect(decideRetry(policy, { attempt: 1, maxAttempts: 4 }, transient, low)).toEqual({ retry: true, delayMs: 2_500 });
    expect(decideRetry(policy, { attempt: 3, maxAttempts: 4 }, transient, low)).toEqual({ retry: true, delayMs: 10_000 });
    expect(decideRetry(policy, { attempt: 4, maxAttempts: 4 }, transient)).toEqual({ retry: false, reason: 'exhausted' });
    expect(decideRetry(policy, { attempt: 1, maxAttempts: 4 }, new ConfigError('bad'))).toEqual({ retry: false, reason: 'permanent' });
  });

  it('ignores a hook that throws', () => {
    expect(() =>
      callHook(() => {
        throw new Error('metrics broke');
      }),
    ).not.toThrow();
  });
});
