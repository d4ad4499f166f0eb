import type { Logger } from '../review/ports.js';
import { backoffMs } from './octokit-policy.js';
import { translateGitHubError } from './translate-error.js';

/** How a look-then-create write retries. */
export interface WriteOnceOptions {
  /** Creates in all, the first included. Default 3. */
  tries?: number;
  /** First pause between tries, doubling, with jitter. Default 1 s; tests pass 0. */
  delayMs?: number;
  log?: Logger;
}

/**
 * A GitHub create (`POST`) made safe to retry: `find` looks for what an earlier try (or an earlier
 * job) already created, and only when it finds nothing is `create` called, without Octokit's own
 * retries (pass `request: { retries: 0 }`). When a create fails with an unknown outcome (5xx,
 * timeout, connection reset: GitHub may have applied it), the next try looks again first. A definite
 * failure (4xx) is thrown at once, translated.
 *
 * @example
 * const id = await writeOnce('creating the check run', () => findOurs(), () => create({ request: { retries: 0 } }));
 */
export async function writeOnce<T>(what: string, find: () => Promise<T | undefined>, create: () => Promise<T>, opts: WriteOnceOptions = {}): Promise<T> {
  const tries = Math.max(1, opts.tries ?? 3);
  for (let attempt = 1; ; attempt++) {
    const found = await find();
    if (found !== undefined) return found;
    try {
      return await create();
    } catch (err) {
      if (!outcomeUnknown(err) || attempt >= tries) throw translateGitHubError(err);
      opts.log?.warn({ err: translateGitHubError(err).message, attempt }, `${what} had an unknown outcome; looking for it before trying again`);
      await pause(opts.delayMs ?? 1_000, attempt);
    }
  }
}

/** A failed write whose effect is unknown: GitHub may have applied it (5xx, timeout, connection reset; Octokit reports the last two as 500). */
export function outcomeUnknown(err: unknown): boolean {
  if (err instanceof Error && err.name === 'AbortError') return false;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 500;
}

/** Waits the GitHub policy's jittered backoff for `attempt` from `baseMs` (at least `atLeastMs`, at most 30 s). */
export function pause(baseMs: number, attempt: number, atLeastMs = 0): Promise<void> {
  const ms = Math.min(PAUSE_CAP_MS, Math.max(atLeastMs, backoffMs(attempt - 1, { baseDelayMs: baseMs, maxDelayMs: PAUSE_CAP_MS, random: Math.random })));
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

const PAUSE_CAP_MS = 30_000;
