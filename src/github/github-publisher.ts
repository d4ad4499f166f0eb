import { isCommentable, spansOneHunk } from '../diff/line-map.js';
import type { Finding } from '../review/finding.js';
import type { Logger, Publisher, ReviewResult, SummaryFinding } from '../review/ports.js';
import { markerFor, markerNote, renderComment, renderSummary } from '../review/render.js';
import { gitHubMessage, hasStatus, translateGitHubError } from './translate-error.js';
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
}

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

  async function createReview(body: string, comments: ReviewComment[]): Promise<{ id: number; url?: string }> {
    try {
      const { data } = await octokit.rest.pulls.createReview({ ...params, commit_id: opts.headSha, event: 'COMMENT', body, comments });
      return { id: data.id, ...(data.html_url ? { url: data.html_url } : {}) };
    } catch (err) {
      if (hasStatus(err, 422)) throw new Rejected(gitHubMessage(err) ?? 'Unprocessable Entity', { cause: err });
      throw translateGitHubError(err);
    }
  }

  /** True when GitHub accepts `comments`: tried as a pending review (never shown), then deleted. */
  async function accepts(comments: ReviewComment[]): Promise<boolean> {
    let id: number;
    try {
      ({ data: { id } } = await octokit.rest.pulls.createReview({ ...params, commit_id: opts.headSha, comments }));
    } catch (err) {
      if (!hasStatus(err, 422)) throw translateGitHubError(err);
      // Another pending review of ours blocks every probe: the answer would say nothing about the comments.
      if (/pending review/i.test(gitHubMessage(err) ?? '')) throw new ProbeUnavailable(gitHubMessage(err) ?? '');
      return false;
    }
    try {
      await octokit.rest.pulls.deletePendingReview({ ...params, review_id: id });
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
    try {
      const { data } = await octokit.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: ref.number, body: bodyFor(result) });
      log.warn({ rejected: rejected.length }, 'no review could be posted; posted the summary as a PR comment');
      return { kind: 'comment', commentId: data.id, ...(data.html_url ? { url: data.html_url } : {}), result, rejected };
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
    body: cut(renderComment(f), MAX_BODY),
  };
}

/** Cuts `text` to `max` characters with a visible note; a safety net behind the renderer's own limit. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n… (cut to fit GitHub’s size limit)';
  return text.slice(0, Math.max(0, max - note.length)) + note;
}
