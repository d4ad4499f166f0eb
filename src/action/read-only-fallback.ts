import { ExternalServiceError } from '../errors.js';
import type { GitHubPublisher, PublishOutcome } from '../github/github-publisher.js';
import type { Logger, ReviewResult } from '../review/ports.js';

/**
 * True when GitHub refused a write because the token may not write: 403 "Resource not accessible by
 * integration" (a `pull_request` workflow from a fork gets a read-only token) or any other permanent 403.
 * Rate-limit 403s are retryable and are not this.
 *
 * @example isReadOnlyRefusal(new ExternalServiceError('github', 'POST … -> 403', { status: 403 })) // true
 */
export function isReadOnlyRefusal(err: unknown): boolean {
  return err instanceof ExternalServiceError && err.status === 403 && !err.retryable;
}

/** A publisher that remembers what it published, and whether it had to fall back. */
export interface FallbackPublisher extends GitHubPublisher {
  /** The review as the inner publisher saw it (set once `publish` ran). */
  result(): ReviewResult | undefined;
  /** True when the token could not write the review, and `fallback` got the result instead. */
  readOnly(): boolean;
}

/**
 * Wraps the GitHub publisher: when posting the review is refused with a read-only 403, the result goes
 * to `fallback` (workflow annotations and a job summary) instead, and the outcome reads `nothing-new`
 * (nothing was posted on the pull request). Other errors propagate unchanged.
 *
 * @example
 * let wrapped: FallbackPublisher | undefined;
 * await runReviewJob({ ...deps, wrapPublisher: (p) => (wrapped = withReadOnlyFallback(p, report, log)) });
 * wrapped?.readOnly(); // true on a fork's pull request
 */
export function withReadOnlyFallback(inner: GitHubPublisher, fallback: (result: ReviewResult) => void | Promise<void>, log: Logger): FallbackPublisher {
  let seen: ReviewResult | undefined;
  let degraded: PublishOutcome | undefined;
  return {
    async publish(result) {
      seen = result;
      try {
        await inner.publish(result);
      } catch (err) {
        if (!isReadOnlyRefusal(err)) throw err;
        log.warn({ err: (err as Error).message }, 'the token cannot post a review (read-only, e.g. a pull request from a fork): reporting with workflow annotations and the job summary instead');
        await fallback(result);
        degraded = { kind: 'nothing-new', result, rejected: [] };
      }
    },
    outcome: () => degraded ?? inner.outcome(),
    result: () => inner.outcome()?.result ?? seen,
    readOnly: () => degraded !== undefined,
  };
}
