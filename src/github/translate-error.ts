import { ArchReviewError, ExternalServiceError } from '../errors.js';

/** The parts of Octokit's `RequestError` this module reads (duck-typed: the class lives in a transitive package). */
interface RequestErrorLike {
  status: number;
  message: string;
  request: { method?: string; url?: string };
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

function isRequestError(err: unknown): err is RequestErrorLike {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Partial<RequestErrorLike>;
  return typeof e.status === 'number' && typeof e.request === 'object' && e.request !== null;
}

/** GitHub's own `message` from an error body, without Octokit's appended `errors` JSON or docs URL. */
export function gitHubMessage(err: unknown): string | undefined {
  if (!isRequestError(err)) return undefined;
  const data = err.response?.data;
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    return (data as { message: string }).message;
  }
  return undefined;
}

/** The `errors[].code` values of a GitHub error body (e.g. `too_large`). */
export function gitHubErrorCodes(err: unknown): string[] {
  if (!isRequestError(err)) return [];
  const errors = (err.response?.data as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e) => (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? [(e as { code: string }).code] : []));
}

/** The path of a request URL, without the query string (which may carry a token in some flows). */
function pathOf(url: string | undefined): string {
  if (!url) return '?';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? '?';
  }
}

/** A header value as a string (Octokit keeps headers as strings; a test may hand numbers). */
function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : undefined;
}

/** GitHub's message for a secondary rate limit (the throttling plugin matches the same words). */
const SECONDARY = /\bsecondary rate\b|abuse detection/i;

/**
 * Which rate limit a failure is: `secondary` (403/429 saying so, or a 403 with `retry-after`), `primary`
 * (403/429 with `x-ratelimit-remaining: 0`), or `undefined` for anything else (a plain 429 included).
 *
 * @example rateLimitKind(err) === 'secondary' // wait `retry-after` (or a minute) before trying again
 */
export function rateLimitKind(err: unknown): 'secondary' | 'primary' | undefined {
  if (!isRequestError(err) || (err.status !== 403 && err.status !== 429)) return undefined;
  const headers = err.response?.headers;
  const message = `${gitHubMessage(err) ?? ''} ${err.message}`;
  if (SECONDARY.test(message)) return 'secondary';
  if (header(headers, 'x-ratelimit-remaining') === '0') return 'primary';
  if (/rate limit exceeded/i.test(message)) return 'primary';
  if (err.status === 403 && header(headers, 'retry-after') !== undefined) return 'secondary';
  return undefined;
}

/**
 * True for a request that got no HTTP answer at all: connection refused or reset, DNS failure, or our
 * own per-request timeout (Octokit reports all of these as status 500 without a `response`). A caller's
 * abort (`AbortError`: the job was superseded) is not one.
 *
 * @example if (isNetworkFailure(err)) { ...GitHub may or may not have applied a write... }
 */
export function isNetworkFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { name?: unknown }).name === 'AbortError') return false;
  return isRequestError(err) && err.response === undefined;
}

/**
 * How long GitHub asked us to wait, in ms: `retry-after` (seconds or an HTTP date), else the time until
 * `x-ratelimit-reset` (plus a second, as GitHub advises) when `x-ratelimit-remaining` is 0.
 *
 * @example retryAfterMsOf({ 'retry-after': '30' }) // 30000
 */
export function retryAfterMsOf(headers: Record<string, unknown> | undefined, now = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = header(headers, 'x-ratelimit-reset');
  if (header(headers, 'x-ratelimit-remaining') === '0' && reset !== undefined && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) * 1000 - now) + 1000;
  }
  return undefined;
}

/** GitHub's advice for a secondary rate limit without `retry-after`: wait at least a minute. */
export const SECONDARY_RATE_LIMIT_FALLBACK_MS = 60_000;

/** How long to wait before retrying `err` (raw Octokit error), when GitHub said or a rate limit implies it. */
function waitFor(err: RequestErrorLike): number | undefined {
  const asked = retryAfterMsOf(err.response?.headers);
  if (asked !== undefined) return asked;
  return rateLimitKind(err) === 'secondary' ? SECONDARY_RATE_LIMIT_FALLBACK_MS : undefined;
}

function operatorHint(status: number, message: string): string | undefined {
  if (status === 401) return 'GitHub rejected the app credentials: check APP_ID / PRIVATE_KEY (and that the key belongs to this app).';
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return 'the app lacks a permission: it needs pull_requests: write, checks: write, contents: read and metadata: read.';
  }
  return undefined;
}

/**
 * The one place a GitHub failure becomes a project error. An Octokit `RequestError` becomes an
 * `ExternalServiceError('github', …)` whose message keeps only the method, the URL path, the status
 * and GitHub's own message (never headers or query strings, so never a token), plus an operator hint
 * for credential and permission failures. `retryable` is true for 5xx, 429, rate-limit 403s and network
 * failures (no answer: Octokit reports them as 500 without a response; here they have no `status`).
 * `retryAfterMs` is what GitHub asked for (`retry-after`, or the `x-ratelimit-reset` time when the quota
 * is spent; a minute for a secondary rate limit that names no time), so a queue can wait that long.
 * Project errors and aborts pass through.
 *
 * @example
 * try { await octokit.rest.pulls.get(params); } catch (err) { throw translateGitHubError(err); }
 */
export function translateGitHubError(err: unknown): Error {
  if (err instanceof ArchReviewError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  if (!isRequestError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new ExternalServiceError('github', `unexpected failure: ${message}`, { retryable: false, cause: err });
  }
  const method = (err.request.method ?? 'GET').toUpperCase();
  if (isNetworkFailure(err)) {
    // No answer: the connection failed, was reset or timed out. A write may or may not have been applied.
    return new ExternalServiceError('github', `${method} ${pathOf(err.request.url)} -> network error: ${firstLine(err.message)}`, { retryable: true, cause: err });
  }
  const ghMessage = gitHubMessage(err) ?? `HTTP ${err.status}`;
  const hint = operatorHint(err.status, ghMessage);
  const retryable = err.status >= 500 || err.status === 429 || rateLimitKind(err) !== undefined;
  const retryAfterMs = retryable ? waitFor(err) : undefined;
  const text = `${method} ${pathOf(err.request.url)} -> ${err.status}: ${ghMessage}${hint ? ` (${hint})` : ''}`;
  return new ExternalServiceError('github', text, { status: err.status, retryable, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), cause: err });
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').slice(0, 300);
}

/** True when `err` (raw or translated) is a GitHub error with HTTP status `status`. */
export function hasStatus(err: unknown, status: number): boolean {
  if (err instanceof ExternalServiceError) return err.status === status;
  return isRequestError(err) && err.status === status;
}
