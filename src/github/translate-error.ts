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

function isRateLimited(err: RequestErrorLike, message: string): boolean {
  if (err.status === 429) return true;
  if (err.status !== 403) return false;
  return /secondary rate limit|rate limit exceeded|abuse detection/i.test(message) || String(err.response?.headers?.['x-ratelimit-remaining']) === '0';
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
 * for credential and permission failures. `retryable` is true for 5xx (including network failures,
 * which Octokit reports as 500), 429 and rate-limit 403s. Project errors and aborts pass through.
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
  const ghMessage = gitHubMessage(err) ?? (err.response ? `HTTP ${err.status}` : firstLine(err.message));
  const hint = operatorHint(err.status, ghMessage);
  const retryable = err.status >= 500 || isRateLimited(err, ghMessage);
  const text = `${(err.request.method ?? 'GET').toUpperCase()} ${pathOf(err.request.url)} -> ${err.status}: ${ghMessage}${hint ? ` (${hint})` : ''}`;
  return new ExternalServiceError('github', text, { status: err.status, retryable, cause: err });
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').slice(0, 300);
}

/** True when `err` (raw or translated) is a GitHub error with HTTP status `status`. */
export function hasStatus(err: unknown, status: number): boolean {
  if (err instanceof ExternalServiceError) return err.status === status;
  return isRequestError(err) && err.status === status;
}
