import type { Logger } from '../review/ports.js';
import { replyMarker } from './command-reply.js';
import { botLoginOf } from './prior-state.js';
import { translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';
import { writeOnce, type WriteOnceOptions } from './write-once.js';

/** Where a thread answer goes and what it answers. */
export interface ThreadReplyTarget {
  /** The thread's first comment: GitHub takes replies to top-level review comments only. */
  rootId: number;
  /** The comment being answered (a reply in the thread); its id goes into the hidden marker. */
  triggerId: number;
  /** When the comment being answered was created: an earlier answer can only be newer (`since`, fewer pages). */
  since?: string;
}

/**
 * Replies in a review thread (`POST /repos/{o}/{r}/pulls/{n}/comments/{root}/replies`) at most once per
 * comment answered: this bot's review comment carrying {@link replyMarker} of `triggerId` counts as done,
 * so a retried job or a redelivered webhook posts nothing more, and a create whose answer was lost is
 * looked for before it is sent again (see `writeOnce`). Returns the reply's URL when GitHub gave one.
 *
 * @example
 * await replyInThreadOnce(octokit, ref, { rootId: 10, triggerId: 11, since: comment.created_at }, body, { botLogin: 'arch-review[bot]' });
 */
export async function replyInThreadOnce(
  octokit: GitHubClient,
  ref: PullRequestRef,
  target: ThreadReplyTarget,
  /** The text, or a function that makes it (e.g. asks the model): called only when no earlier answer exists, at most once. */
  body: string | (() => Promise<string>),
  opts: WriteOnceOptions & { botLogin: string; log?: Logger },
): Promise<{ posted: boolean; url?: string }> {
  const marker = replyMarker(target.triggerId);
  const login = botLoginOf(opts.botLogin);
  let posted = false;
  let text = typeof body === 'string' ? body : undefined;
  const found = await writeOnce(
    'replying in the review thread',
    async () => {
      try {
        const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
          owner: ref.owner,
          repo: ref.repo,
          pull_number: ref.number,
          per_page: 100,
          ...(target.since ? { since: target.since } : {}),
        });
        const earlier = comments.find((c) => c.user?.login === login && c.body.includes(marker));
        return earlier ? { url: earlier.html_url } : undefined;
      } catch (err) {
        throw translateGitHubError(err);
      }
    },
    async () => {
      text ??= await (body as () => Promise<string>)();
      const { data } = await octokit.rest.pulls.createReplyForReviewComment({
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.number,
        comment_id: target.rootId,
        body: `${text}\n\n${marker}`,
        request: { retries: 0 },
      });
      posted = true;
      return { url: data.html_url };
    },
    opts,
  );
  if (!posted) opts.log?.info({ commentId: target.triggerId }, 'this reply was answered before; not answering again');
  return { posted, ...(found.url ? { url: found.url } : {}) };
}
