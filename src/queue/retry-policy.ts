import { ConfigError, ExternalServiceError, InputError, ModelOutputError } from '../errors.js';
import type { JobAttempt, QueueJob } from './review-job.js';

/** How both queues retry a job whose processor threw. */
export interface RetryPolicy {
  /** Tries in all, the first included (JOB_ATTEMPTS). Default 4. */
  maxAttempts: number;
  /** Delay before the first retry; doubles each retry (JOB_BACKOFF_MS). Default 5 s. */
  baseDelayMs: number;
  /** No backoff grows beyond this, unless the service itself asked for a longer wait. Default 5 min. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 4, baseDelayMs: 5_000, maxDelayMs: 300_000 });

/**
 * Optional callbacks a queue calls on retries and final failures (the composition root counts
 * `job_retries_total` with them). A hook that throws is ignored.
 */
export interface RetryHooks {
  /** A try failed and the job runs again after `delayMs`; `attempt` is the try that failed. */
  onRetry?: (job: QueueJob, attempt: JobAttempt, delayMs: number, err: unknown) => void;
  /** The job failed for good: a permanent error, or its last try. */
  onFinalFailure?: (job: QueueJob, err: unknown) => void;
}

/**
 * Failures a retry cannot fix: a broken config, bad input, a model that keeps answering nonsense, or a
 * service error marked not retryable (a 404, a 422, a `too_large` diff).
 *
 * @example
 * isPermanent(new ConfigError('bad .github/arch-review.yml')); // true
 * isPermanent(new ExternalServiceError('github', '502', { status: 502, retryable: true })); // false
 * isPermanent(new Error('socket hang up')); // false: unknown errors are retried
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof ConfigError || err instanceof InputError || err instanceof ModelOutputError) return true;
  if (err instanceof ExternalServiceError) return !err.retryable;
  return false;
}

/**
 * The longest wait a service asked for (`retryAfterMs` of an `ExternalServiceError`), looking through
 * a few levels of `cause` (a wrapped rate-limit error still counts).
 *
 * @example
 * retryAfterOf(new ExternalServiceError('github', 'secondary rate limit', { retryable: true, retryAfterMs: 60_000 })); // 60000
 * retryAfterOf(new Error('boom')); // undefined
 */
export function retryAfterOf(err: unknown): number | undefined {
  let longest: number | undefined;
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth += 1) {
    if (e instanceof ExternalServiceError && e.retryAfterMs !== undefined && Number.isFinite(e.retryAfterMs) && e.retryAfterMs > 0) {
      longest = Math.max(longest ?? 0, e.retryAfterMs);
    }
    e = e.cause;
  }
  return longest;
}

/**
 * Delay before the retry that follows failed try number `failedAttempt` (1 for the first try):
 * exponential backoff with "equal jitter" (between half and all of `base * 2^(n-1)`, capped at
 * `maxDelayMs`), and never shorter than the wait the service asked for (`retryAfterMs`), plus a
 * little spread so jobs waiting on one rate-limit reset do not all retry in the same millisecond.
 *
 * @example
 * retryDelayMs({ maxAttempts: 4, baseDelayMs: 5_000, maxDelayMs: 300_000 }, 2, new Error('502')); // 10,000 to 20,000
 */
export function retryDelayMs(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, failedAttempt: number, err: unknown, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(30, failedAttempt - 1));
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const backoff = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  const wait = retryAfterOf(err);
  if (wait === undefined) return backoff;
  return Math.max(backoff, Math.ceil(wait) + Math.round(random() * Math.min(policy.baseDelayMs, wait) * 0.2));
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'permanent' | 'exhausted' };

/**
 * What to do after try `attempt` threw `err`: retry after a delay, or give up (a permanent error, or
 * that was the last try).
 *
 * @example
 * decideRetry(DEFAULT_RETRY_POLICY, { attempt: 1, maxAttempts: 4 }, new Error('reset')); // { retry: true, delayMs: 2500..5000 }
 * decideRetry(DEFAULT_RETRY_POLICY, { attempt: 4, maxAttempts: 4 }, new Error('reset')); // { retry: false, reason: 'exhausted' }
 */
export function decideRetry(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, attempt: JobAttempt, err: unknown, random?: () => number): RetryDecision {
  if (isPermanent(err)) return { retry: false, reason: 'permanent' };
  if (attempt.attempt >= attempt.maxAttempts) return { retry: false, reason: 'exhausted' };
  return { retry: true, delayMs: retryDelayMs(policy, attempt.attempt, err, random) };
}

/** The policy from partial settings, with defaults and sane bounds (at least one try, no negative delay). */
export function retryPolicy(settings: Partial<RetryPolicy> = {}): RetryPolicy {
  const maxAttempts = Math.max(1, Math.floor(settings.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts));
  const baseDelayMs = Math.max(0, settings.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs);
  const maxDelayMs = Math.max(baseDelayMs, settings.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs);
  return { maxAttempts, baseDelayMs, maxDelayMs };
}

/** Calls a hook, never letting it break the queue. */
export function callHook<A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    hook?.(...args);
  } catch {
    // A metrics callback must not change what the queue does.
  }
}
