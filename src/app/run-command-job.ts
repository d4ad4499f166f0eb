import { replyOnce } from '../github/command-reply.js';
import { translateGitHubError } from '../github/translate-error.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import type { CommandJob, ReviewJob } from '../queue/review-job.js';
import type { Logger } from '../review/ports.js';
import type { FeedbackStore } from '../feedback/feedback-store.js';
import type { Metrics } from '../metrics.js';
import { commenterHasWriteAccess } from './has-write-access.js';
import { isLearningCommand, isThreadFeedback, runLearningCommand, runThreadFeedback, type LearningCommandResult } from './run-learning-command.js';
import { helpComment } from './help-comment.js';

export interface RunCommandJobDeps {
  /** An installation-authenticated Octokit for the job's repository. */
  octokit: GitHubClient;
  job: CommandJob;
  log: Logger;
  /** This app's bot login: its earlier replies are recognised by it. */
  botLogin: string;
  /** Queues the review the command asks for. */
  enqueue(job: ReviewJob): Promise<boolean>;
  /** Clock for `enqueuedAt`. */
  now?: () => number;
  /** First pause of the reply's own retries (tests pass 0). */
  retryDelayMs?: number;
  /** The cross-PR feedback store (Redis), for `learnings`, `forget` and resolved threads. */
  feedbackStore?: FeedbackStore | undefined;
  /** Feedback and pause metrics. */
  metrics?: Partial<Pick<Metrics, 'feedbackTotal' | 'pauseChanges'>> | undefined;
}

/** What a command came to. */
export type CommandJobResult =
  | LearningCommandResult
  | { status: 'denied' }
  | { status: 'help' }
  | { status: 'closed' }
  | { status: 'enqueued' | 'already-queued'; headSha: string };
/** `learnings`, `forget`, `pause`, `resume` and resolved review threads: see `run-learning-command.ts`. */
export type LearningCommandJobResult = LearningCommandResult;

/**
 * Runs a `/arch-review` command in the worker (the webhook handler only parsed and queued it):
 *
 * 1. The commenter needs write, maintain or admin access; otherwise nothing visible happens (logged).
 * 2. The comment gets 👀 (GitHub keeps one reaction per user and content, so a retry adds none).
 * 3. `help` (or an unknown word) is answered with the command list, once per comment.
 * 4. `review`/`full` reads the PR's head and queues a review job for it that names the comment, so
 *    the review job can answer it ("already reviewed") when there is nothing new.
 *
 * @example
 * await runCommandJob({ octokit, job, log, botLogin, enqueue: (j) => queue.enqueue(j) });
 */
export async function runCommandJob(deps: RunCommandJobDeps): Promise<CommandJobResult> {
  const { octokit, job, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, number: job.number };
  const reply = { botLogin: deps.botLogin, log, ...(deps.retryDelayMs !== undefined ? { delayMs: deps.retryDelayMs } : {}) };
  const learning = { octokit, job, log, botLogin: deps.botLogin, feedbackStore: deps.feedbackStore, metrics: deps.metrics, ...(deps.now ? { now: deps.now } : {}), ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}) };
  // A resolved review thread is feedback, not a command: no permission check (GitHub lets only writers and the author resolve), no 👀.
  if (isThreadFeedback(job.command)) return runThreadFeedback(learning);

  const access = await commenterHasWriteAccess(octokit, job, job.commenter);
  if (!access) {
    log.info('command ignored: the commenter lacks write access');
    return { status: 'denied' };
  }

  try {
    await octokit.rest.reactions.createForIssueComment({ owner: job.owner, repo: job.repo, comment_id: job.commentId, content: 'eyes' });
  } catch (err) {
    throw translateGitHubError(err);
  }

  if (isLearningCommand(job.command)) return runLearningCommand(learning);

  if (job.command === 'help') {
    await replyOnce(octokit, ref, job.commentId, helpComment(job.unknown), reply);
    log.info('help posted');
    return { status: 'help' };
  }

  let head: { sha: string; state: string };
  try {
    const { data } = await octokit.rest.pulls.get({ owner: job.owner, repo: job.repo, pull_number: job.number });
    head = { sha: data.head.sha, state: data.state };
  } catch (err) {
    throw translateGitHubError(err);
  }
  if (head.state !== 'open') {
    await replyOnce(octokit, ref, job.commentId, 'arch-review reviews open pull requests only; this one is closed.', reply);
    log.info('command on a closed pull request; answered');
    return { status: 'closed' };
  }

  const full = job.command === 'full';
  const added = await deps.enqueue({
    type: 'review',
    installationId: job.installationId,
    owner: job.owner,
    repo: job.repo,
    number: job.number,
    headSha: head.sha,
    trigger: full ? 'command-full' : 'command',
    deliveryId: job.deliveryId,
    full,
    commentId: job.commentId,
    enqueuedAt: (deps.now ?? Date.now)(),
  });
  log.info({ sha: head.sha, full }, added ? 'review queued for the command' : 'review already queued for this head SHA');
  return { status: added ? 'enqueued' : 'already-queued', headSha: head.sha };
}

/**
 * The reply to a command whose head SHA was reviewed already (and `full` was not asked for).
 *
 * @example
 * alreadyReviewedReply('abc1234def', 'https://github.com/o/r/pull/1#pullrequestreview-9');
 */
export function alreadyReviewedReply(headSha: string, reviewUrl: string | undefined): string {
  const review = reviewUrl ? ` — [the review](${reviewUrl})` : '';
  return `arch-review already reviewed \`${headSha.slice(0, 7)}\`${review}. Nothing new to review; comment \`/arch-review full\` to review it again from scratch.`;
}
