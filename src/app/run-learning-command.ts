import { ConfigError } from '../errors.js';
import { forgetMarker, pauseMarker } from '../github/control-markers.js';
import { replyOnce } from '../github/command-reply.js';
import { fetchRepoConfig } from '../github/fetch-repo-config.js';
import { loadPriorState, botLoginOf } from '../github/prior-state.js';
import { markCommentDismissed, readPullRequestFeedback } from '../github/read-pull-request-feedback.js';
import { translateGitHubError } from '../github/translate-error.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import type { FeedbackStore } from '../feedback/feedback-store.js';
import { renderLearnings } from '../feedback/render-learnings.js';
import type { Metrics } from '../metrics.js';
import type { CommandJob } from '../queue/review-job.js';
import { defaultConfig } from '../config/schema.js';
import { buildLearnings, type FeedbackEvent } from '../review/feedback.js';
import { parseFindingCommentMarker } from '../review/finding-marker.js';
import type { Logger } from '../review/ports.js';

export interface LearningCommandDeps {
  octokit: GitHubClient;
  job: CommandJob;
  log: Logger;
  botLogin: string;
  /** The cross-PR feedback store (Redis), when there is one. */
  feedbackStore?: FeedbackStore | undefined;
  metrics?: Partial<Pick<Metrics, 'feedbackTotal' | 'pauseChanges'>> | undefined;
  now?: () => number;
  retryDelayMs?: number;
}

export type LearningCommandResult = { status: 'learnings' | 'forgotten' | 'paused' | 'resumed' | 'feedback-recorded' | 'feedback-retracted' | 'ignored' };

export const isLearningCommand = (command: CommandJob['command']): boolean => command === 'learnings' || command === 'forget' || command === 'pause' || command === 'resume';
export const isThreadFeedback = (command: CommandJob['command']): boolean => command === 'thread-resolved' || command === 'thread-unresolved';

/**
 * `/arch-review learnings | forget <rule> | pause | resume`, after the permission check and the 👀 (see
 * `runCommandJob`). Each is answered once per comment (`replyOnce`); pause state and forget times are kept in
 * hidden lines of these replies (`control-markers.ts`), so they hold without Redis and survive restarts;
 * `forget` also clears the rule in the store when there is one.
 *
 * @example await runLearningCommand({ octokit, job, log, botLogin, feedbackStore });
 */
export async function runLearningCommand(deps: LearningCommandDeps): Promise<LearningCommandResult> {
  const { octokit, job, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, number: job.number };
  const reply = (body: string) =>
    replyOnce(octokit, ref, job.commentId, body, { botLogin: deps.botLogin, log, ...(deps.retryDelayMs !== undefined ? { delayMs: deps.retryDelayMs } : {}) });
  const nowIso = new Date((deps.now ?? Date.now)()).toISOString();

  if (job.command === 'pause' || job.command === 'resume') {
    const state = job.command === 'pause' ? 'paused' : 'resumed';
    const text =
      state === 'paused'
        ? 'arch-review is **paused** on this pull request: pushes are not reviewed automatically. Commands still work, and `/arch-review` reviews once on request. Comment `/arch-review resume` to resume.'
        : 'arch-review **resumed** on this pull request: the next push is reviewed automatically. Comment `/arch-review` to review now.';
    const { posted } = await reply(`${text}\n\n${pauseMarker(state)}`);
    if (posted) deps.metrics?.pauseChanges?.inc({ state });
    log.info({ state }, 'pause state changed');
    return { status: state };
  }

  if (job.command === 'forget') {
    const ruleId = job.ruleId ?? '';
    let removed: number | undefined;
    if (deps.feedbackStore) {
      try {
        removed = await deps.feedbackStore.forget({ owner: job.owner, repo: job.repo }, ruleId, nowIso);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'the feedback store failed; forgetting on this pull request only');
      }
    }
    const scope = removed !== undefined ? `in this repository (${removed} dismissed finding(s) forgotten)` : 'on this pull request';
    await reply(
      `arch-review forgot what it learned about \`${ruleId.replace(/`/g, "'")}\` ${scope}: its findings are posted inline again, and feedback given before now no longer counts.\n\n${forgetMarker(ruleId, nowIso)}`,
    );
    log.info({ ruleId, removed }, 'learnings forgotten');
    return { status: 'forgotten' };
  }

  // learnings
  let threshold = defaultConfig().learning.dismissals_to_summary;
  try {
    threshold = (await fetchRepoConfig(octokit, ref)).config.learning.dismissals_to_summary;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
  const prior = await loadPriorState(octokit, ref, deps.botLogin);
  const own = await readPullRequestFeedback(octokit, ref, deps.botLogin);
  const forgotten = new Map(prior.control?.forgotten ?? []);
  let events: FeedbackEvent[] = own.events;
  let scope: 'repository' | 'pull-request' = 'pull-request';
  if (deps.feedbackStore) {
    try {
      const repo = { owner: job.owner, repo: job.repo };
      const added = await deps.feedbackStore.record(repo, own.events);
      for (const e of added) deps.metrics?.feedbackTotal?.inc({ rule: e.ruleId ?? 'agent', kind: e.kind });
      const stored = await deps.feedbackStore.load(repo);
      for (const [rule, at] of stored.forgotten) if (!(forgotten.get(rule)! >= at)) forgotten.set(rule, at);
      events = [...stored.events, ...own.events];
      scope = 'repository';
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'the feedback store failed; showing this pull request’s learnings');
    }
  }
  await reply(renderLearnings(buildLearnings(events, forgotten, threshold), { scope, repository: `${job.owner}/${job.repo}`, threshold }));
  log.info({ scope, events: events.length }, 'learnings posted');
  return { status: 'learnings' };
}

/**
 * A review thread on an arch-review comment was resolved (or unresolved). The thread's first comment is read
 * (`GET …/pulls/comments/{id}`): it must be this app's, with the finding marker. Resolved while GitHub still
 * places the comment on a line (`line` not null: the lines under it did not change up to the head) is a
 * dismissal (`resolved`), recorded in the comment's body (`PATCH`, the state then lives on the PR) and in the
 * store when there is one; resolved after its lines changed is a fix, not feedback. Unresolved takes a
 * `resolved` dismissal back. No permission check: GitHub lets only the author and writers resolve threads.
 */
export async function runThreadFeedback(deps: LearningCommandDeps): Promise<LearningCommandResult> {
  const { octokit, job, log } = deps;
  let comment;
  try {
    ({ data: comment } = await octokit.rest.pulls.getReviewComment({ owner: job.owner, repo: job.repo, comment_id: job.commentId }));
  } catch (err) {
    throw translateGitHubError(err);
  }
  const finding = parseFindingCommentMarker(comment.body);
  if (comment.user?.login !== botLoginOf(deps.botLogin) || !finding) {
    log.info({ commentId: job.commentId }, 'thread is not on an arch-review comment; ignored');
    return { status: 'ignored' };
  }
  const repo = { owner: job.owner, repo: job.repo };
  const at = job.at ?? new Date((deps.now ?? Date.now)()).toISOString();
  if (job.command === 'thread-unresolved') {
    await markCommentDismissed(octokit, repo, comment, { reason: 'resolved', at, undo: true });
    await deps.feedbackStore?.retract(repo, finding.fingerprint, 'resolved').catch((err: unknown) => log.warn({ err: (err as Error).message }, 'the feedback store failed to take the dismissal back'));
    log.info({ commentId: job.commentId }, 'thread unresolved: its dismissal is taken back');
    return { status: 'feedback-retracted' };
  }
  if (comment.line === null || comment.line === undefined) {
    log.info({ commentId: job.commentId }, 'thread resolved after its lines changed: a fix, not a dismissal');
    return { status: 'ignored' };
  }
  const event: FeedbackEvent = { kind: 'dismissed', fingerprint: finding.fingerprint, ...(finding.ruleId ? { ruleId: finding.ruleId } : {}), reason: 'resolved', prNumber: job.number, at };
  const changed = await markCommentDismissed(octokit, repo, comment, { reason: 'resolved', at });
  let counted = changed;
  if (deps.feedbackStore) {
    try {
      counted = (await deps.feedbackStore.record(repo, [event])).length > 0;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'the feedback store failed; the dismissal is kept on the pull request');
    }
  }
  if (counted) deps.metrics?.feedbackTotal?.inc({ rule: event.ruleId ?? 'agent', kind: 'dismissed' });
  log.info({ commentId: job.commentId, ruleId: event.ruleId }, 'thread resolved without a change: finding dismissed');
  return { status: 'feedback-recorded' };
}
