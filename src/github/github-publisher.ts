import { setTimeout as sleep } from 'node:timers/promises';
import { isCommentable, spansOneHunk } from '../diff/line-map.js';
import { ExternalServiceError } from '../errors.js';
import type { Finding } from '../review/finding.js';
import { findingMarker } from '../review/finding-marker.js';
import { parseMarker } from '../review/marker.js';
import type { Logger, Publisher, ReviewResult, SummaryFinding } from '../review/ports.js';
import { markerFor, markerNote, renderComment, renderSummary } from '../review/render.js';
import { backoffMs } from './octokit-policy.js';
import { botLoginOf } from './prior-state.js';
import { gitHubMessage, hasStatus, isNetworkFailure, translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** GitHub's limit for a review body, a review comment and an issue comment (characters). */
export const MAX_BODY = 65_536;

/** One inline comment as `pulls.createReview` takes it: line-based, never the deprecated `position`. */
export interface ReviewComment {
  path: string;
  line: number;
  side: 'RIGHT' | 'LEFT';
  start_line?: number;
  start_side?: 'RIGHT' | 'LEFT';
  body: string;
}

/** What a publisher did. `result` is the review as posted: comments GitHub rejected are moved to its summary. */
export type PublishOutcome =
  | { kind: 'review'; reviewId: number; url?: string; result: ReviewResult; rejected: Finding[] }
  | { kind: 'comment'; commentId: number; url?: string; result: ReviewResult; rejected: Finding[] }
  /** Nothing new to say on a re-review, so nothing was posted. */
  | { kind: 'nothing-new'; result: ReviewResult; rejected: [] }
  /** The job was superseded before publishing: nothing was posted. */
  | { kind: 'superseded'; result: ReviewResult; rejected: [] };

export interface GitHubPublisherOptions {
  /** The commit the review is anchored to (`commit_id`): the job's head SHA. */
  headSha: string;
  /** The arch-review version, written into the hidden marker. */
  version: string;
  log: Logger;
  /** When aborted (a newer head SHA arrived), `publish` posts nothing. */
  signal?: AbortSignal;
  /** Post nothing when there is no new finding (a re-review on push); the check run still reports. */
  skipWhenNothingNew?: boolean;
  /** Notes added to the summary, e.g. configuration warnings. */
  extraNotes?: readonly string[];
  /**
   * This app's bot (`<slug>` or `<slug>[bot]`): how a re-sent write recognises its own review or comment
   * (this bot's, with this head SHA's marker). Without it, only a bot's post with exactly the body sent counts.
   */
  botLogin?: string;
  /** Sends of one review, comment or probe at most (default 4), and the back-off between them. */
  writeRetry?: Partial<WriteRetry>;
}

/** How often a write whose answer was lost or refused for now is sent again, and the waits between. */
export interface WriteRetry {
  attempts: number;
  baseDelayMs: number;
  /** A longer `retry-after` fails the publish at once (the queue waits `retryAfterMs` instead). */
  maxDelayMs: number;
  /** How long one second of `retry-after` lasts: 1000, tests shrink it. */
  secondMs: number;
  random: () => number;
}

const DEFAULT_WRITE_RETRY: WriteRetry = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 20_000, secondMs: 1_000, random: Math.random };

/** `request: { retries: 0 }`: Octokit's automatic retry would re-send a write GitHub may already have applied. */
const NO_AUTO_RETRY = { retries: 0 } as const;

/** A `Publisher` that also tells what it did, for the check run and the job's outcome. */
export interface GitHubPublisher extends Publisher {
  outcome(): PublishOutcome | undefined;
}

class Rejected extends Error {}

/**
 * Publishes ONE pull-request review per run: `pulls.createReview` with event `COMMENT` (never APPROVE or
 * REQUEST_CHANGES), a summary body ending in the hidden state marker, and inline comments addressed by
 * `path`/`line`/`side` (`start_line`/`start_side` for ranges). Each comment is checked against the line
 * maps first; one that is not commentable goes to the summary instead.
 *
 * If GitHub still answers 422, the offending comments are found by bisection with pending (unsubmitted,
 * invisible) reviews that are deleted right away — O(k log n) probes for k bad comments of n — then moved
 * to the summary (`rejected-by-github`) and the review is posted without them. A 422 that no comment
 * explains is the body's fault. When no review can be posted at all, the summary goes out as one PR comment.
 *
 * Writes are idempotent: a review or comment POST is sent without Octokit's automatic retry, and when
 * its outcome is unknown (no answer, a reset, a timeout, a 5xx: GitHub may have applied it), the
 * publisher lists the PR's reviews (or comments) and takes this bot's one whose marker has this head
 * SHA (`botLogin`; without it, a bot's with exactly the body sent) as the outcome before sending again,
 * so one SHA never gets two reviews. A probe whose outcome is
 * unknown is cleaned up (our pending reviews deleted) before the next one. Attempts are bounded
 * (`writeRetry`), and waits honour `retry-after`.
 *
 * @example
 * const publisher = createGitHubPublisher(octokit, ref, { headSha, version: VERSION, log });
 * await reviewPullRequest({ ...deps, publisher });
 * publisher.outcome(); // { kind: 'review', reviewId, ... }
 */
export function createGitHubPublisher(octokit: GitHubClient, ref: PullRequestRef, opts: GitHubPublisherOptions): GitHubPublisher {
  const { log } = opts;
  const params = { owner: ref.owner, repo: ref.repo, pull_number: ref.number };
  let last: PublishOutcome | undefined;

  // renderSummary ends the body with the hidden marker (for `result.target.headSha`) and keeps it whole within maxLength.
  const bodyFor = (result: ReviewResult): string => renderSummary(result, { maxLength: MAX_BODY, version: opts.version });

  const retry: WriteRetry = { ...DEFAULT_WRITE_RETRY, ...opts.writeRetry };
  const login = opts.botLogin ? botLoginOf(opts.botLogin) : undefined;
  /** A post that is the outcome of sending `sent`: this bot's with this head SHA's marker (or, login unknown, a bot's with exactly `sent`). */
  const isOurs = (post: { user?: { login?: string; type?: string } | null; body?: string | null }, sent: string): boolean => {
    if (post.user?.type !== 'Bot' || !post.body) return false;
    if (login === undefined) return post.body === sent;
    return post.user.login === login && parseMarker(post.body)?.headSha === opts.headSha;
  };

  /**
   * Sends a write GitHub must apply at most once. When an attempt's outcome is unknown, `applied()` looks
   * for its result on GitHub before anything is sent again; a refusal for now (429, rate limit) is simply
   * re-sent after the wait GitHub asks for. Other errors (a 422 included) go to the caller untouched.
   */
  async function writeOnce<T>(what: string, send: () => Promise<T>, applied?: () => Promise<T | undefined>): Promise<T> {
    let unknown = false;
    for (let attempt = 1; ; attempt++) {
      // Stopped (superseded, or the app shutting down): no further write, probe or retry is started.
      opts.signal?.throwIfAborted();
      if (unknown && applied) {
        const found = await applied();
        if (found !== undefined) {
          log.info({ headSha: opts.headSha, attempt }, `the ${what} was applied although its answer was lost; not sending it again`);
          return found;
        }
      }
      try {
        return await send();
      } catch (err) {
        const error = translateGitHubError(err);
        if (!(error instanceof ExternalServiceError) || !error.retryable || hasStatus(err, 422)) throw err;
        // No answer or a 5xx: GitHub may have applied it. A 429 or rate-limit 403 was refused.
        unknown ||= isNetworkFailure(err) || (typeof (err as { status?: unknown }).status === 'number' && (err as { status: number }).status >= 500);
        const asked = error.retryAfterMs;
        if ((unknown && !applied) || attempt >= retry.attempts || (asked ?? 0) > retry.maxDelayMs) {
          if (unknown && applied) {
            const found = await applied();
            if (found !== undefined) return found;
          }
          throw error;
        }
        const waitMs = asked !== undefined ? Math.round((asked / 1000) * retry.secondMs) : backoffMs(attempt - 1, retry);
        log.warn({ headSha: opts.headSha, attempt, waitMs, err: error.message }, `the ${what} failed; sending it again${unknown ? ' after checking GitHub' : ''}`);
        await sleep(waitMs, undefined, opts.signal ? { signal: opts.signal } : {});
      }
    }
  }

  /** This bot's submitted review of this head SHA (by its marker), if GitHub has one. */
  async function findOwnReview(sent: string): Promise<{ id: number; url?: string } | undefined> {
    let reviews;
    try {
      reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...params, per_page: 100 });
    } catch (err) {
      throw translateGitHubError(err);
    }
    const found = reviews.filter((r) => r.state !== 'PENDING' && isOurs(r, sent)).at(-1);
    return found ? { id: found.id, ...(found.html_url ? { url: found.html_url } : {}) } : undefined;
  }

  /** This bot's PR comment carrying this head SHA's marker (the fallback), if GitHub has one. */
  async function findOwnComment(sent: string): Promise<{ id: number; url?: string } | undefined> {
    let comments;
    try {
      comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: ref.number, per_page: 100 });
    } catch (err) {
      throw translateGitHubError(err);
    }
    const found = comments.filter((c) => isOurs(c, sent)).at(-1);
    return found ? { id: found.id, ...(found.html_url ? { url: found.html_url } : {}) } : undefined;
  }

  /**
   * Deletes this bot's pending reviews of the PR (only their author sees pending reviews, so every one
   * listed is ours; the login is checked too when known): what a probe with a lost answer, or a killed
   * run, may have left behind. GitHub allows one pending review per user, and it would block every probe.
   */
  async function deleteOwnPendingReviews(): Promise<number> {
    try {
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...params, per_page: 100 });
      const pending = reviews.filter((r) => r.state === 'PENDING' && (login === undefined || r.user?.login === login));
      for (const r of pending) await deletePending(r.id);
      if (pending.length > 0) log.info({ deleted: pending.length }, 'deleted pending reviews left behind');
      return pending.length;
    } catch (err) {
      throw translateGitHubError(err);
    }
  }

  /** DELETE is idempotent: a 404 after a retried delete means it is gone. */
  async function deletePending(id: number): Promise<void> {
    try {
      await octokit.rest.pulls.deletePendingReview({ ...params, review_id: id });
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
    }
  }

  async function createReview(body: string, comments: ReviewComment[]): Promise<{ id: number; url?: string }> {
    const send = async () => {
      const { data } = await octokit.rest.pulls.createReview({ ...params, commit_id: opts.headSha, event: 'COMMENT', body, comments, request: NO_AUTO_RETRY });
      return { id: data.id, ...(data.html_url ? { url: data.html_url } : {}) };
    };
    let cleaned = false;
    for (;;) {
      try {
        return await writeOnce('review', send, () => findOwnReview(body));
      } catch (err) {
        if (!hasStatus(err, 422)) throw translateGitHubError(err);
        const message = gitHubMessage(err) ?? 'Unprocessable Entity';
        // A pending review of ours (a killed run's probe) can block a review: remove it once and try again.
        if (!cleaned && blockedByPendingReview(err)) {
          cleaned = true;
          if ((await deleteOwnPendingReviews()) > 0) continue;
        }
        throw new Rejected(message, { cause: err });
      }
    }
  }

  /** True when GitHub accepts `comments`: tried as a pending review (never shown), then deleted. */
  async function accepts(comments: ReviewComment[]): Promise<boolean> {
    const send = async () => (await octokit.rest.pulls.createReview({ ...params, commit_id: opts.headSha, comments, request: NO_AUTO_RETRY })).data.id;
    // A probe whose answer was lost may exist as a pending review: delete ours, then it is safe to probe again.
    const cleanUp = async () => {
      await deleteOwnPendingReviews();
      return undefined;
    };
    let id: number;
    let cleaned = false;
    for (;;) {
      try {
        id = await writeOnce('probe', send, cleanUp);
        break;
      } catch (err) {
        if (!hasStatus(err, 422)) throw translateGitHubError(err);
        // Another pending review of ours blocks every probe: the answer would say nothing about the comments.
        if (blockedByPendingReview(err)) {
          if (!cleaned && (await deleteOwnPendingReviews()) > 0) {
            cleaned = true;
            continue;
          }
          throw new ProbeUnavailable((err as Error).message);
        }
        return false;
      }
    }
    try {
      await deletePending(id);
    } catch (err) {
      throw translateGitHubError(err);
    }
    return true;
  }

  /** The comments GitHub rejects, by bisection. `knownBad`: the caller already saw this list fail. */
  async function findRejected(comments: ReviewComment[], knownBad: boolean): Promise<ReviewComment[]> {
    if (comments.length === 0) return [];
    if (!knownBad && (await accepts(comments))) return [];
    if (comments.length === 1) return comments;
    const mid = Math.ceil(comments.length / 2);
    const badLeft = await findRejected(comments.slice(0, mid), false);
    // The whole list failed, so a clean left half means the fault is on the right: no need to probe it whole.
    const badRight = await findRejected(comments.slice(mid), badLeft.length === 0);
    return [...badLeft, ...badRight];
  }

  async function postComment(result: ReviewResult, rejected: Finding[]): Promise<PublishOutcome> {
    const body = bodyFor(result);
    const send = async () => {
      const { data } = await octokit.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: ref.number, body, request: NO_AUTO_RETRY });
      return { id: data.id, ...(data.html_url ? { url: data.html_url } : {}) };
    };
    try {
      const comment = await writeOnce('fallback comment', send, () => findOwnComment(body));
      log.warn({ rejected: rejected.length }, 'no review could be posted; posted the summary as a PR comment');
      return { kind: 'comment', commentId: comment.id, ...(comment.url ? { url: comment.url } : {}), result, rejected };
    } catch (err) {
      throw translateGitHubError(err);
    }
  }

  async function publish(input: ReviewResult): Promise<PublishOutcome> {
    const result0: ReviewResult = opts.extraNotes?.length ? { ...input, notes: [...opts.extraNotes, ...input.notes] } : input;
    if (opts.signal?.aborted) {
      log.info({ headSha: opts.headSha }, 'superseded by a newer commit; not publishing');
      return { kind: 'superseded', result: result0, rejected: [] };
    }
    // Re-check anchors: a comment GitHub cannot place would fail the whole review.
    const inline: Finding[] = [];
    const unanchored: SummaryFinding[] = [];
    for (const f of result0.inline) {
      if (anchorable(f, result0)) inline.push(f);
      else unanchored.push({ finding: f, reason: 'not-in-diff' });
    }
    const result: ReviewResult = { ...result0, inline, summaryOnly: [...result0.summaryOnly, ...unanchored] };
    if (opts.skipWhenNothingNew && result.inline.length === 0 && result.summaryOnly.length === 0) {
      log.info({ alreadyPosted: result.alreadyPosted }, 'nothing new since the last review; not posting');
      return { kind: 'nothing-new', result, rejected: [] };
    }

    const comments = inline.map(toComment);
    try {
      const review = await createReview(bodyFor(result), comments);
      return { kind: 'review', reviewId: review.id, ...(review.url ? { url: review.url } : {}), result, rejected: [] };
    } catch (err) {
      if (!(err instanceof Rejected)) throw err;
      log.warn({ comments: comments.length, message: err.message }, 'GitHub rejected the review (422); looking for the comments at fault');
    }

    let rejected: Finding[] = [];
    try {
      const bad = new Set(await findRejected(comments, false));
      rejected = inline.filter((_, i) => bad.has(comments[i]!));
    } catch (err) {
      if (!(err instanceof ProbeUnavailable)) throw err;
      log.warn({ message: err.message }, 'cannot probe comments; moving all of them to the summary');
      rejected = [...inline];
    }
    if (rejected.length > 0) {
      log.warn({ rejected: rejected.map((f) => `${f.path}:${f.line}`) }, 'posting the review without the comments GitHub rejected');
      const out = new Set(rejected);
      const moved = withRejected(result, rejected);
      try {
        const review = await createReview(bodyFor(moved), comments.filter((_, i) => !out.has(inline[i]!)));
        return { kind: 'review', reviewId: review.id, ...(review.url ? { url: review.url } : {}), result: moved, rejected };
      } catch (err) {
        if (!(err instanceof Rejected)) throw err;
      }
    } else {
      // Every comment is fine, so the body is at fault: keep the comments under a short body.
      log.warn('GitHub accepts every comment, so it rejected the review body; posting a short one');
      try {
        const review = await createReview(shortBody(result), comments);
        return { kind: 'review', reviewId: review.id, ...(review.url ? { url: review.url } : {}), result, rejected: [] };
      } catch (err) {
        if (!(err instanceof Rejected)) throw err;
      }
    }
    return postComment(withRejected(result, inline), inline);
  }

  function shortBody(result: ReviewResult): string {
    // The marker stays within its budget (half the limit), so this body always fits.
    const { text: marker, omitted } = markerFor(result, opts.version);
    const listed = result.summaryOnly.length;
    const text =
      `**arch-review** left ${result.inline.length} inline comment(s). GitHub did not accept the full summary` +
      (listed > 0 ? `, so ${listed} finding(s) that could not be inline are listed only in the \`arch-review\` check run (when enabled).` : '.') +
      (omitted > 0 ? `\n\n${markerNote(omitted)}` : '');
    return `${text}\n\n${marker}`;
  }

  return {
    async publish(result) {
      last = await publish(result);
    },
    outcome: () => last,
  };
}

class ProbeUnavailable extends Error {}

/** GitHub's 422 for a second pending review ("User can only have one pending review per pull request", in `errors`). */
function blockedByPendingReview(err: unknown): boolean {
  return /pending review/i.test(`${gitHubMessage(err) ?? ''} ${err instanceof Error ? err.message : ''}`);
}

/** Moves `rejected` inline findings to the summary with the reason `rejected-by-github`. */
function withRejected(result: ReviewResult, rejected: readonly Finding[]): ReviewResult {
  if (rejected.length === 0) return result;
  const out = new Set(rejected);
  return {
    ...result,
    inline: result.inline.filter((f) => !out.has(f)),
    summaryOnly: [...result.summaryOnly, ...rejected.map((finding) => ({ finding, reason: 'rejected-by-github' as const }))],
  };
}

/** True when the finding's line (or range, inside one hunk) is commentable in the PR's diff. */
function anchorable(f: Finding, result: ReviewResult): boolean {
  const map = result.lineMaps.get(f.path);
  if (!map) return false;
  const end = f.endLine ?? f.line;
  return end > f.line ? spansOneHunk(map, f.side, f.line, end) : isCommentable(map, f.side, f.line);
}

/** A finding as a line-based review comment; a range puts its first line in `start_line`. */
export function toComment(f: Finding): ReviewComment {
  const end = f.endLine !== undefined && f.endLine > f.line ? f.endLine : f.line;
  return {
    path: f.path,
    line: end,
    side: f.side,
    ...(end > f.line ? { start_line: f.line, start_side: f.side } : {}),
    // The hidden finding marker stays whole: a reply in this comment's thread is answered about this finding.
    body: withFindingMarker(f, (room) => cut(renderComment(f), room)),
  };
}

/** `render(room)` (a body within `room` characters) followed by the finding's hidden marker, within {@link MAX_BODY}. */
function withFindingMarker(f: Finding, render: (room: number) => string): string {
  const marker = findingMarker(f);
  return `${render(MAX_BODY - marker.length - 2)}\n\n${marker}`;
}

/** Cuts `text` to `max` characters with a visible note; a safety net behind the renderer's own limit. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n… (cut to fit GitHub’s size limit)';
  return text.slice(0, Math.max(0, max - note.length)) + note;
}
