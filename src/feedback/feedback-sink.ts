import { listOwnReviewComments, markCommentDismissed } from '../github/read-pull-request-feedback.js';
import { botLoginOf } from '../github/prior-state.js';
import { translateGitHubError } from '../github/translate-error.js';
import type { GitHubClient } from '../github/types.js';
import type { Metrics } from '../metrics.js';
import type { FeedbackEvent } from '../review/feedback.js';
import { parseFindingCommentMarker } from '../review/finding-marker.js';
import { markerKey } from '../review/marker.js';
import type { Logger } from '../review/ports.js';
import type { FeedbackStore } from './feedback-store.js';

/** A reply in a thread said the finding is wrong (the agent's `not-a-problem`, or a writer's reply). */
export interface ReplyDismissal {
  /** `owner/repo`. */
  repo: string;
  prNumber: number;
  fingerprint: string;
  ruleId?: string;
  reason: 'reply';
  /** The thread's first comment (arch-review's), when known: saves listing the pull request's comments. */
  commentId?: number;
  /** ISO time; default now. */
  at?: string;
}

/** The port the conversation feature calls when a finding is judged wrong in a thread. */
export interface FeedbackSink {
  /** Records the dismissal; true when it was new. Never throws for a store failure (logged): the comment keeps it. */
  recordDismissal(dismissal: ReplyDismissal): Promise<boolean>;
}

export interface FeedbackSinkDeps {
  /** An installation Octokit for the repository. */
  octokit: GitHubClient;
  botLogin: string;
  store?: FeedbackStore | undefined;
  metrics?: Partial<Pick<Metrics, 'feedbackTotal'>> | undefined;
  log: Logger;
  now?: () => number;
}

/**
 * The feedback sink of the conversation hook. The dismissal is written where a review reads it: in the body
 * of arch-review's comment on the finding (a hidden marker; one `GET` of the comment, or one paginated listing
 * of the pull request's review comments without `commentId`, then one `PATCH`), and in the store (Redis) when
 * there is one, so other pull requests of the repository learn it too.
 *
 * @example
 * const sink = createFeedbackSink({ octokit, botLogin, store, log });
 * await sink.recordDismissal({ repo: 'acme/api', prNumber: 7, fingerprint, ruleId: 'http-call-without-timeout', reason: 'reply', commentId });
 */
export function createFeedbackSink(deps: FeedbackSinkDeps): FeedbackSink {
  return {
    async recordDismissal(d) {
      const [owner, repo] = d.repo.split('/') as [string, string];
      const at = d.at ?? new Date((deps.now ?? Date.now)()).toISOString();
      const ref = { owner, repo, number: d.prNumber };
      let comment: { id: number; body: string } | undefined;
      if (d.commentId !== undefined) {
        try {
          const { data } = await deps.octokit.rest.pulls.getReviewComment({ owner, repo, comment_id: d.commentId });
          const marker = parseFindingCommentMarker(data.body);
          if (data.user?.login === botLoginOf(deps.botLogin) && marker && markerKey(marker.fingerprint) === markerKey(d.fingerprint)) comment = data;
        } catch (err) {
          throw translateGitHubError(err);
        }
      } else {
        comment = (await listOwnReviewComments(deps.octokit, ref, deps.botLogin)).comments.find((c) => markerKey(c.fingerprint) === markerKey(d.fingerprint));
      }
      let added = comment ? await markCommentDismissed(deps.octokit, ref, comment, { reason: 'reply', at }) : false;
      if (!comment) deps.log.warn({ prNumber: d.prNumber }, 'no arch-review comment carries this fingerprint; recording the dismissal in the store only');
      if (deps.store) {
        const event: FeedbackEvent = { kind: 'dismissed', fingerprint: d.fingerprint, ...(d.ruleId ? { ruleId: d.ruleId } : {}), reason: 'reply', prNumber: d.prNumber, at };
        try {
          added = (await deps.store.record({ owner, repo }, [event])).length > 0;
        } catch (err) {
          deps.log.warn({ err: (err as Error).message }, 'the feedback store failed; the dismissal is kept on the pull request');
        }
      }
      if (added) deps.metrics?.feedbackTotal?.inc({ rule: d.ruleId ?? 'agent', kind: 'dismissed' });
      return added;
    },
  };
}
