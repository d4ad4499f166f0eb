import type { Logger } from '../review/ports.js';
import { botLoginOf } from './prior-state.js';
import { translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';
import { writeOnce, type WriteOnceOptions } from './write-once.js';

/** The hidden line that ties a reply to the command comment it answers. */
export const replyMarker = (commentId: number): string => `<!-- arch-review:reply ${commentId} -->`;

/**
 * Answers the command comment `commentId` on pull request `ref` with `body`, at most once: this
 * bot's earlier reply naming the comment (its hidden {@link replyMarker}) counts as done, so a retried
 * job does not post it twice, and a create whose answer was lost is looked for before being sent again.
 * Returns the reply's URL when GitHub gave one.
 *
 * @example
 * await replyOnce(octokit, ref, 492700400, 'arch-review already reviewed `abc1234`.', { botLogin: 'arch-review[bot]' });
 */
export async function replyOnce(
  octokit: GitHubClient,
  ref: PullRequestRef,
  commentId: number,
  /** The text, or a function that makes it: called only when no earlier reply exists, at most once. */
  body: string | (() => Promise<string>),
  opts: WriteOnceOptions & { botLogin: string; log?: Logger },
): Promise<{ posted: boolean; url?: string }> {
  const marker = replyMarker(commentId);
  const login = botLoginOf(opts.botLogin);
  let posted = false;
  let text = typeof body === 'string' ? body : undefined;
  const url = await writeOnce(
    'replying to the command',
    async () => {
      try {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: ref.number, per_page: 100 });
        const earlier = comments.find((c) => c.user?.login === login && c.body?.includes(marker));
        return earlier ? { url: earlier.html_url } : undefined;
      } catch (err) {
        throw translateGitHubError(err);
      }
    },
    async () => {
      text ??= await (body as () => Promise<string>)();
      const { data } = await octokit.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: ref.number, body: `${text}\n\n${marker}`, request: { retries: 0 } });
      posted = true;
      return { url: data.html_url };
    },
    opts,
  );
  if (!posted) opts.log?.info({ commentId }, 'this command was answered before; not replying again');
  return { posted, ...(url.url ? { url: url.url } : {}) };
}
