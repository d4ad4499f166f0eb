import { replyOnce } from '../github/command-reply.js';
import type { FeedbackStore } from '../feedback/feedback-store.js';
import type { BaseModelCache } from '../review/base-model-cache.js';
import { createFeedbackSink } from '../feedback/feedback-sink.js';
import { createSeenFeedback } from '../feedback/seen-feedback.js';
import type { GitHubClient } from '../github/types.js';
import type { Metrics, ReviewOutcome } from '../metrics.js';
import type { CommandJob, JobAttempt, JobProcessor, QueueJob, ReplyJob, ReviewJob } from '../queue/review-job.js';
import { isCommandJob, isReplyJob } from '../queue/review-job.js';
import type { Category } from '../review/finding.js';
import type { FeedbackSink, ThreadAnswerer } from '../review/reply-ports.js';
import { runReplyJob } from './run-reply-job.js';
import type { Logger, Reviewer, RuleRunner } from '../review/ports.js';
import { alreadyReviewedReply, runCommandJob } from './run-command-job.js';
import type { CustomRulesLoader } from './custom-rules-loader.js';
import { runReviewJob, willRetry, type ReviewJobResult } from './run-review-job.js';
import { headKey, type SettledReviews } from './settled-reviews.js';

export interface QueueJobProcessorDeps {
  /** An installation-authenticated Octokit (Probot's `auth(installationId)`). */
  auth(installationId: number): Promise<GitHubClient>;
  /** This app's bot login (looked up once, retried on failure). */
  botLogin(): Promise<string>;
  /** The queue's `enqueue`: commands queue reviews, and a stale review hands over to the newer head. */
  enqueue(job: QueueJob): Promise<boolean>;
  /** A logger that binds job context (pino's `child`). */
  log: { child(bindings: Record<string, unknown>): Logger };
  metrics?: Pick<Metrics, 'reviewsTotal' | 'reviewDuration' | 'findingsTotal' | 'commandsTotal'> & Partial<Pick<Metrics, 'suppressionsTotal' | 'repliesTotal' | 'feedbackTotal' | 'findingsSuppressedByFeedback' | 'pauseChanges' | 'repositorySnapshots' | 'repositorySnapshotDuration'>>;
  /** The cross-PR feedback store (Redis when `REDIS_URL` is set); without it learning is per pull request. */
  feedbackStore?: FeedbackStore | undefined;
  /** Base repository models kept between reviews (memory, and Redis with `REDIS_URL`); absent: none kept. */
  baseModelCache?: BaseModelCache | undefined;
  reviewer?: Reviewer | undefined;
  ruleRunner?: RuleRunner | undefined;
  version?: string;
  /** Heads whose job ended without failure are added here (the reconciler reads it). */
  settled?: SettledReviews;
  now?: () => number;
  /** First pause of the GitHub writes' own retries (tests pass 0). */
  retryDelayMs?: number;
  /** Answers replies in arch-review's threads and `/arch-review ask` (the model); without it, the rule's documentation answers. */
  answerer?: ThreadAnswerer | undefined;
  /** Where a finding the model agreed is wrong is recorded (the learning store). */
  feedback?: FeedbackSink | undefined;
  /** The persona's checklist of a category, for documentation answers about agent findings. */
  categoryGuidance?: ((category: Category) => string | undefined) | undefined;
  /** Loads each repository's own ast-grep rules (one loader, so its file cache is shared); absent: none run. */
  customRules?: CustomRulesLoader;
}

const METRIC_OUTCOME: Record<ReviewJobResult['status'], ReviewOutcome> = {
  stale: 'skipped',
  closed: 'skipped',
  skipped: 'skipped',
  'already-reviewed': 'skipped',
  'config-error': 'config-error',
  aborted: 'superseded',
  interrupted: 'interrupted',
  published: 'published',
};

/**
 * The worker's processor for everything the queue carries. Command jobs run {@link runCommandJob};
 * review jobs run {@link runReviewJob}, and then:
 *
 * - a stale job (the PR's head moved on and it is open) queues the current head, so the newest head
 *   is reviewed even when deliveries arrived out of order (automatic triggers hand over as
 *   `synchronize`; a command keeps its trigger and comment);
 * - a command on a head already reviewed is answered with a short reply on the PR, once;
 * - a shutdown that interrupted the review throws, so the queue keeps the job (or the reconciler finds
 *   its check run in progress after the restart).
 *
 * Every review job is counted once in `reviews_total{outcome}`, including one that fails before the
 * review starts (authentication, bot login, reading the PR): `failed` on its last try, `retried` otherwise.
 *
 * @example
 * await queue.start(createQueueJobProcessor({ auth: (id) => probot.auth(id), botLogin, enqueue: (j) => queue.enqueue(j), log }));
 */
export function createQueueJobProcessor(deps: QueueJobProcessorDeps): JobProcessor {
  const now = deps.now ?? Date.now;
  const feedbackSeen = createSeenFeedback();
  return (job, signal, attempt) => (isReplyJob(job) ? processReply(job, attempt) : isCommandJob(job) ? processCommand(job, attempt) : processReview(job, signal, attempt));

  async function processReply(job: ReplyJob, attempt: JobAttempt): Promise<void> {
    const log = deps.log.child({ deliveryId: job.deliveryId, repository: `${job.owner}/${job.repo}`, pr: job.number, commenter: job.commenter, reply: job.kind, commentId: job.commentId });
    const mode = deps.answerer ? 'agent' : 'docs';
    try {
      const octokit = await deps.auth(job.installationId);
      const result = await runReplyJob({
        octokit,
        job,
        log,
        botLogin: await deps.botLogin(),
        answerer: deps.answerer,
        // A finding the model agrees is wrong is learned like a 👎: on the comment, and in the store with Redis.
        feedback: deps.feedback ?? createFeedbackSink({ octokit, botLogin: await deps.botLogin(), store: deps.feedbackStore, metrics: deps.metrics, log }),
        categoryGuidance: deps.categoryGuidance,
        ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
      });
      deps.metrics?.repliesTotal?.inc({ outcome: result.status, mode: result.mode });
    } catch (err) {
      const retrying = willRetry(err, attempt);
      deps.metrics?.repliesTotal?.inc({ outcome: retrying ? 'retried' : 'failed', mode });
      log[retrying ? 'warn' : 'error']({ err: (err as Error).message, attempt: attempt.attempt, maxAttempts: attempt.maxAttempts }, 'reply failed');
      throw err;
    }
  }

  async function processCommand(job: CommandJob, attempt: JobAttempt): Promise<void> {
    const log = deps.log.child({ deliveryId: job.deliveryId, repository: `${job.owner}/${job.repo}`, pr: job.number, commenter: job.commenter, command: job.command });
    try {
      const octokit = await deps.auth(job.installationId);
      const result = await runCommandJob({
        octokit,
        job,
        log,
        botLogin: await deps.botLogin(),
        enqueue: (review) => deps.enqueue(review),
        now,
        ...(deps.feedbackStore ? { feedbackStore: deps.feedbackStore } : {}),
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
        ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
      });
      deps.metrics?.commandsTotal.inc({ outcome: result.status });
    } catch (err) {
      const retrying = willRetry(err, attempt);
      deps.metrics?.commandsTotal.inc({ outcome: retrying ? 'retried' : 'failed' });
      log[retrying ? 'warn' : 'error']({ err: (err as Error).message, attempt: attempt.attempt, maxAttempts: attempt.maxAttempts }, 'command failed');
      throw err;
    }
  }

  async function processReview(job: ReviewJob, signal: AbortSignal, attempt: JobAttempt): Promise<void> {
    const log = deps.log.child({ deliveryId: job.deliveryId, repository: `${job.owner}/${job.repo}`, pr: job.number, sha: job.headSha, trigger: job.trigger });
    const started = performance.now();
    let outcome: ReviewOutcome = 'failed';
    try {
      const octokit = await deps.auth(job.installationId);
      const botLogin = await deps.botLogin();
      const result = await runReviewJob(
        {
          octokit,
          job,
          log,
          botLogin,
          reviewer: deps.reviewer,
          ...(deps.ruleRunner ? { ruleRunner: deps.ruleRunner } : {}),
          ...(deps.version ? { version: deps.version } : {}),
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
          ...(deps.feedbackStore ? { feedbackStore: deps.feedbackStore } : {}),
          ...(deps.baseModelCache ? { baseModelCache: deps.baseModelCache } : {}),
          feedbackSeen,
          ...(deps.retryDelayMs !== undefined ? { checkRunRetryDelayMs: deps.retryDelayMs } : {}),
          ...(deps.customRules ? { customRules: deps.customRules } : {}),
          attempt,
        },
        signal,
      );
      outcome = METRIC_OUTCOME[result.status];
      if (result.status === 'interrupted') {
        // Not done: the queue keeps (BullMQ) or logs (in-process) it, and the check run stays in progress for the reconciler.
        throw new Error('shutting down: the review was interrupted and runs again after the restart');
      }
      if (result.status === 'stale' && result.open) await handOver(job, result.currentHeadSha, log);
      if (result.status === 'already-reviewed' && job.commentId !== undefined) {
        await replyOnce(octokit, job, job.commentId, alreadyReviewedReply(job.headSha, result.reviewUrl), {
          botLogin,
          log,
          ...(deps.retryDelayMs !== undefined ? { delayMs: deps.retryDelayMs } : {}),
        });
        log.info('answered the command: this head was reviewed already');
      }
      deps.settled?.add(headKey(job));
    } catch (err) {
      // A failed hand-over or reply fails the job too (it is retried); an interruption stays one.
      if (outcome !== 'interrupted') outcome = willRetry(err, attempt) ? 'retried' : 'failed';
      if (outcome === 'failed') log.error({ err: (err as Error).message, attempt: attempt.attempt, maxAttempts: attempt.maxAttempts }, 'review job failed');
      throw err;
    } finally {
      deps.metrics?.reviewsTotal.inc({ outcome });
      deps.metrics?.reviewDuration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  }

  /** Queues the PR's current head in place of a stale job: the newest head always gets its review. */
  async function handOver(job: ReviewJob, currentHeadSha: string, log: Logger): Promise<void> {
    const command = job.trigger === 'command' || job.trigger === 'command-full';
    const next: ReviewJob = {
      type: 'review',
      installationId: job.installationId,
      owner: job.owner,
      repo: job.repo,
      number: job.number,
      headSha: currentHeadSha,
      trigger: command ? job.trigger : 'synchronize',
      // Derived, so a retried hand-over is the same job; never contains `:` (BullMQ job ids).
      deliveryId: `${job.deliveryId.split('+')[0]}+${currentHeadSha.slice(0, 12)}`,
      full: command ? job.full : false,
      ...(command && job.commentId !== undefined ? { commentId: job.commentId } : {}),
      enqueuedAt: now(),
    };
    const added = await deps.enqueue(next);
    log.info({ currentHeadSha, added }, 'stale job: queued the pull request’s current head instead');
  }
}
