import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbotOctokit } from 'probot';
import { isNetworkFailure, rateLimitKind, retryAfterMsOf, SECONDARY_RATE_LIMIT_FALLBACK_MS } from './translate-error.js';

/** How arch-review retries GitHub calls. Every wait is bounded; past a bound the call fails and the queue waits instead. */
export interface GitHubRetryPolicy {
  /** Retries (after the first try) of a 5xx, a 429 or a request that got no answer (reset, timeout). */
  retries: number;
  /** First back-off; it doubles per retry, with jitter (each wait is between half and all of it). */
  baseDelayMs: number;
  /** Longest wait before one retry, back-off or `retry-after`; GitHub asking for longer fails the call (its `retryAfterMs` says how long). */
  maxDelayMs: number;
  /** Retries of a rate-limited call (secondary or primary), each after the wait GitHub asks for. */
  rateLimitRetries: number;
  /** Longest rate-limit wait worth holding a worker for; a longer one fails the call with `retryAfterMs`. */
  maxRateLimitWaitMs: number;
  /** How long one second of `retry-after` or `x-ratelimit-reset` lasts: 1000, tests shrink it. */
  secondMs: number;
  /** Jitter source, in [0, 1). */
  random: () => number;
}

export const DEFAULT_GITHUB_RETRY_POLICY: GitHubRetryPolicy = {
  retries: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 20_000,
  rateLimitRetries: 2,
  maxRateLimitWaitMs: 60_000,
  secondMs: 1_000,
  random: Math.random,
};

/**
 * Exponential back-off with "equal jitter": retry `attempt` (0 for the first) waits between half and all
 * of `baseDelayMs * 2^attempt`, capped at `maxDelayMs`, so concurrent workers do not retry in lockstep.
 *
 * @example backoffMs(2, { ...DEFAULT_GITHUB_RETRY_POLICY, random: () => 0 }) // 2000
 */
export function backoffMs(attempt: number, policy: Pick<GitHubRetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/** The slice of Octokit's request options the policy reads. */
interface RequestOptionsLike {
  method?: string;
  url?: string;
  request?: { retries?: number; signal?: AbortSignal | null };
}

type RequestFn = (options: RequestOptionsLike) => Promise<unknown>;

/** The slice of an Octokit instance the plugin uses. */
interface Wrappable {
  hook: { wrap(name: 'request', hook: (request: RequestFn, options: RequestOptionsLike) => Promise<unknown>): void };
  log: { warn(fields: object, message: string): void };
}

interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, unknown> };
  request?: unknown;
}

/**
 * True when @octokit/plugin-throttling already dealt with `err` (and its `onSecondaryRateLimit` /
 * `onRateLimit` chose not to wait longer): the same tests as the plugin's, so no call is retried twice.
 */
function handledByThrottling(err: ErrorLike): boolean {
  if (err.status !== 403 && err.status !== 429) return false;
  if (/\bsecondary rate\b/i.test(err.message ?? '')) return true;
  return err.response?.headers?.['x-ratelimit-remaining'] === '0';
}

/** Retries spent so far on one call. */
interface Spent {
  retries: number;
  rateLimitRetries: number;
}

/**
 * Whether and after how long (ms, not yet scaled by `secondMs`) to retry a failed call. `undefined`: do not
 * retry — a 4xx other than 429 (a 406 `too_large` included), a caller's abort, a budget spent, or a wait
 * longer than the policy allows (the caller's error then carries GitHub's `retryAfterMs`).
 */
function retryDecision(err: unknown, spent: Spent, maxRetries: number, policy: GitHubRetryPolicy): { waitMs: number; fromServer: boolean; rateLimited: boolean } | undefined {
  if (typeof err !== 'object' || err === null || (err as { name?: unknown }).name === 'AbortError') return undefined;
  const e = err as ErrorLike;
  if (e.request === undefined) return undefined;
  if (handledByThrottling(e)) return undefined;
  const asked = retryAfterMsOf(e.response?.headers);
  const limit = rateLimitKind(err);
  if (limit !== undefined) {
    // A rate limit the throttling plugin does not recognise (a 403 with `retry-after` but other wording, …).
    const waitMs = asked ?? (limit === 'secondary' ? SECONDARY_RATE_LIMIT_FALLBACK_MS : backoffMs(spent.rateLimitRetries, policy));
    if (spent.rateLimitRetries >= policy.rateLimitRetries || waitMs > policy.maxRateLimitWaitMs) return undefined;
    return { waitMs, fromServer: asked !== undefined || limit === 'secondary', rateLimited: true };
  }
  const transient = isNetworkFailure(err) || (typeof e.status === 'number' && (e.status >= 500 || e.status === 429));
  if (!transient || spent.retries >= maxRetries) return undefined;
  if (asked !== undefined) return asked > policy.maxDelayMs ? undefined : { waitMs: asked, fromServer: true, rateLimited: false };
  return { waitMs: backoffMs(spent.retries, policy), fromServer: false, rateLimited: false };
}

/** Path of a route template for logs (`/repos/{owner}/{repo}/pulls/{pull_number}`): no values, no query. */
const routeOf = (options: RequestOptionsLike): string => (options.url ?? '?').split('?')[0] ?? '?';

/**
 * The Octokit plugin that retries 5xx, 429 and network failures (no answer: reset, refused, our own
 * per-request timeout) with exponential back-off and jitter, honouring `retry-after` and
 * `x-ratelimit-reset`, and rate-limit 403s the throttling plugin does not recognise. A call opts out with
 * `request: { retries: 0 }` (a write whose lost answer must not be re-sent blindly: the caller checks
 * GitHub first). A caller's abort signal ends the wait at once.
 *
 * @example const Octokit = ProbotOctokit.plugin(gitHubRetryPlugin(DEFAULT_GITHUB_RETRY_POLICY));
 */
export function gitHubRetryPlugin(policy: GitHubRetryPolicy): (octokit: Wrappable) => void {
  return (octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      const signal = options.request?.signal ?? undefined;
      const maxRetries = typeof options.request?.retries === 'number' ? options.request.retries : policy.retries;
      const spent: Spent = { retries: 0, rateLimitRetries: 0 };
      for (;;) {
        try {
          return await request(options);
        } catch (err) {
          if (signal?.aborted) throw err;
          const decision = retryDecision(err, spent, maxRetries, policy);
          if (!decision) throw err;
          if (decision.rateLimited) spent.rateLimitRetries++;
          else spent.retries++;
          const waitMs = decision.fromServer ? Math.round((decision.waitMs / 1000) * policy.secondMs) : decision.waitMs;
          const status = (err as ErrorLike).status;
          octokit.log.warn(
            { method: options.method, route: routeOf(options), status: isNetworkFailure(err) ? 'network' : status, retry: spent.retries + spent.rateLimitRetries, waitMs },
            'GitHub request failed; retrying',
          );
          await sleep(waitMs, undefined, signal ? { signal } : {});
        }
      }
    });
  };
}

/** The throttling plugin's handlers: wait out a rate limit a bounded number of times, for a bounded time. */
function throttleOptions(policy: GitHubRetryPolicy) {
  const decide = (kind: 'secondary' | 'primary') => (retryAfterS: number, options: RequestOptionsLike, octokit: Pick<Wrappable, 'log'>, retryCount = 0): boolean => {
    const retry = retryCount < policy.rateLimitRetries && retryAfterS * 1000 <= policy.maxRateLimitWaitMs;
    octokit.log.warn(
      { method: options.method, route: routeOf(options), retryAfterS, retryCount, retry },
      retry ? `GitHub ${kind} rate limit; waiting before retrying` : `GitHub ${kind} rate limit; not waiting that long, failing the call`,
    );
    return retry;
  };
  // `retryAfterBaseValue`: how many ms the plugin waits per second GitHub asks for.
  return { retryAfterBaseValue: policy.secondMs, onSecondaryRateLimit: decide('secondary'), onRateLimit: decide('primary') };
}

/**
 * Probot's Octokit class with arch-review's one retry policy: @octokit/plugin-retry off (it ignores
 * `retry-after`, has no jitter and retries a 406), {@link gitHubRetryPlugin} in its place, and throttling
 * handlers that wait out secondary and primary rate limits within bounds (Probot's own defaults only log
 * a secondary limit and never retry it). The options are forced in `defaults`, after Probot's own, so
 * they hold for the app and for every installation client Probot creates. Plugins applied to `Base`
 * before this one run inside it, so they see every try.
 *
 * @example
 * const Octokit = withGitHubRetryPolicy(ProbotOctokit.plugin(countGitHubErrors(metrics)));
 * const probot = new Probot({ appId, privateKey, Octokit });
 */
export function withGitHubRetryPolicy<C extends typeof ProbotOctokit>(Base: C, over: Partial<GitHubRetryPolicy> = {}): C {
  const policy: GitHubRetryPolicy = { ...DEFAULT_GITHUB_RETRY_POLICY, ...over };
  const throttle = throttleOptions(policy);
  type Options = { retry?: object; throttle?: { enabled?: boolean } & Record<string, unknown> } & Record<string, unknown>;
  const WithRetry = Base.plugin(gitHubRetryPlugin(policy) as never) as unknown as { defaults(fn: (o: Options) => Options): unknown };
  return WithRetry.defaults((options) => ({
    ...options,
    retry: { ...options.retry, enabled: false },
    throttle: options.throttle?.enabled === false ? options.throttle : { ...options.throttle, ...throttle },
  })) as C;
}
