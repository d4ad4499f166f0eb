import type { FeedbackEvent } from '../review/feedback.js';
import { dismissedCommentMarker, parseDismissedCommentMarkers, parseFindingCommentMarker, withoutDismissal, type CommentDismissal } from '../review/finding-marker.js';
import type { DismissalReason } from '../review/feedback.js';
import { botLoginOf } from './prior-state.js';
import { translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** One inline comment arch-review posted on a pull request, as feedback reads it. */
export interface OwnReviewComment {
  id: number;
  fingerprint: string;
  ruleId?: string;
  body: string;
  createdAt: string;
  /** 👍 and 👎 in the comment's `reactions` summary (anyone's). */
  thumbsUp: number;
  thumbsDown: number;
  /** Dismissals recorded in the body (a resolved thread, a reply). */
  dismissals: CommentDismissal[];
}

/** What reading one pull request's feedback cost and found. */
export interface PullRequestFeedback {
  events: FeedbackEvent[];
  /** Requests made: the paginated comment listing, plus one reactions listing per comment with a 👎. */
  requests: number;
}

/**
 * This bot's inline comments on a pull request (root comments carrying the finding marker), read with one
 * paginated `GET /repos/{o}/{r}/pulls/{n}/comments`. Replies and everybody else's comments are left out.
 */
export async function listOwnReviewComments(octokit: GitHubClient, ref: PullRequestRef, botLogin: string): Promise<{ comments: OwnReviewComment[]; pages: number }> {
  const login = botLoginOf(botLogin);
  let pages = 0;
  let raw;
  try {
    raw = await octokit.paginate(octokit.rest.pulls.listReviewComments, { owner: ref.owner, repo: ref.repo, pull_number: ref.number, per_page: 100 }, (response) => {
      pages++;
      return response.data;
    });
  } catch (err) {
    throw translateGitHubError(err);
  }
  const comments: OwnReviewComment[] = [];
  for (const c of raw) {
    if (c.user?.type !== 'Bot' || c.user.login !== login || c.in_reply_to_id !== undefined) continue;
    const finding = parseFindingCommentMarker(c.body);
    if (!finding) continue;
    comments.push({
      id: c.id,
      ...finding,
      body: c.body,
      createdAt: c.created_at,
      thumbsUp: c.reactions?.['+1'] ?? 0,
      thumbsDown: c.reactions?.['-1'] ?? 0,
      dismissals: parseDismissedCommentMarkers(c.body),
    });
  }
  return { comments, pages: Math.max(1, pages) };
}

/**
 * The feedback a pull request holds, read when it is reviewed (GitHub sends no webhook for reactions):
 *
 * - a 👎 on one of arch-review's inline comments, by a user who is not a bot: dismissed (`thumbs-down`),
 *   dated by the newest such reaction. The comment's `reactions` summary says whether there is any 👎; only
 *   then are its reactions listed (`GET …/pulls/comments/{id}/reactions?content=-1`), to leave out bots and
 *   date it;
 * - a dismissal recorded in the comment's body (a resolved thread, a reply saying the finding is wrong);
 * - a 👍: approved (counted for metrics and `/arch-review learnings`), dated by the comment.
 *
 * @example const { events } = await readPullRequestFeedback(octokit, ref, 'arch-review[bot]');
 */
export async function readPullRequestFeedback(octokit: GitHubClient, ref: PullRequestRef, botLogin: string): Promise<PullRequestFeedback> {
  const { comments, pages } = await listOwnReviewComments(octokit, ref, botLogin);
  let requests = pages;
  const events: FeedbackEvent[] = [];
  const base = (c: OwnReviewComment) => ({ fingerprint: c.fingerprint, ...(c.ruleId ? { ruleId: c.ruleId } : {}), prNumber: ref.number });
  for (const c of comments) {
    for (const d of c.dismissals) events.push({ kind: 'dismissed', ...base(c), reason: d.reason, at: d.at });
    if (c.thumbsUp > 0) events.push({ kind: 'approved', ...base(c), at: c.createdAt });
    if (c.thumbsDown > 0) {
      requests++;
      let reactions;
      try {
        reactions = await octokit.paginate(octokit.rest.reactions.listForPullRequestReviewComment, { owner: ref.owner, repo: ref.repo, comment_id: c.id, content: '-1', per_page: 100 });
      } catch (err) {
        throw translateGitHubError(err);
      }
      const by = reactions.filter((r) => r.content === '-1' && r.user?.type !== 'Bot').map((r) => r.created_at).sort();
      if (by.length > 0) events.push({ kind: 'dismissed', ...base(c), reason: 'thumbs-down', at: by.at(-1)! });
    }
  }
  return { events, requests };
}

/**
 * Records a dismissal in the comment's own body (a hidden marker), so it lives on the pull request without
 * Redis: one `PATCH /repos/{o}/{r}/pulls/comments/{id}`, skipped when the body records that reason already.
 * `undo` takes it back instead (a thread unresolved again). Returns true when the body changed.
 */
export async function markCommentDismissed(
  octokit: GitHubClient,
  ref: Pick<PullRequestRef, 'owner' | 'repo'>,
  comment: Pick<OwnReviewComment, 'id' | 'body'>,
  dismissal: { reason: DismissalReason; at: string; undo?: boolean },
): Promise<boolean> {
  const has = parseDismissedCommentMarkers(comment.body).some((d) => d.reason === dismissal.reason);
  if (dismissal.undo ? !has : has) return false;
  const body = dismissal.undo ? withoutDismissal(comment.body, dismissal.reason) : `${comment.body}\n${dismissedCommentMarker(dismissal)}`;
  try {
    await octokit.rest.pulls.updateReviewComment({ owner: ref.owner, repo: ref.repo, comment_id: comment.id, body });
  } catch (err) {
    throw translateGitHubError(err);
  }
  return true;
}
