import { z } from 'zod';

/** Why a review runs. `reconcile`: the reconciler found an open PR whose head has no completed check run. */
export const TriggerSchema = z.enum(['opened', 'reopened', 'ready_for_review', 'synchronize', 'command', 'command-full', 'reconcile']);
export type Trigger = z.infer<typeof TriggerSchema>;

const Target = {
  installationId: z.number().int(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  number: z.number().int().positive(),
  /** X-GitHub-Delivery of the webhook that asked for it (for logs and dedupe). */
  deliveryId: z.string(),
  /** Epoch ms when enqueued. */
  enqueuedAt: z.number(),
};

/**
 * One unit of review work: review pull request `number` of `owner/repo` at `headSha`. Handlers (and
 * command jobs, the reconciler, a stale job handing over to the newer head) build it and enqueue it;
 * a worker runs it. Plain JSON so it crosses Redis unchanged.
 */
export const ReviewJobSchema = z.object({
  /** Absent in jobs written before command jobs existed. */
  type: z.literal('review').optional(),
  ...Target,
  headSha: z.string().min(7),
  trigger: TriggerSchema,
  /** Re-review everything, even a head SHA already reviewed (`/arch-review full`). */
  full: z.boolean().default(false),
  /** The command comment that asked for this review, when a command did: the worker answers it. */
  commentId: z.number().int().optional(),
});
export type ReviewJob = z.infer<typeof ReviewJobSchema>;

/**
 * A `/arch-review` command, enqueued by the webhook handler without any API call. The worker checks
 * the commenter's permission, reacts, reads the PR's head and then enqueues (or answers) the work.
 */
export const CommandJobSchema = z.object({
  type: z.literal('command'),
  ...Target,
  commentId: z.number().int(),
  commenter: z.string().min(1),
  command: z.enum(['review', 'full', 'help', 'learnings', 'forget', 'pause', 'resume', 'thread-resolved', 'thread-unresolved']),
  /** The word that was not understood, when that is why help is asked for. */
  unknown: z.string().optional(),
  /** `forget`: the rule whose learnings are undone; `thread-*`: the rule of the thread's finding. */
  ruleId: z.string().min(1).optional(),
  /** `thread-*`: the fingerprint of the finding the thread is about (from its first comment's marker). */
  fingerprint: z.string().min(1).optional(),
  /** `thread-*`: when the thread was resolved or unresolved (ISO; the delivery's arrival). */
  at: z.string().optional(),
});
export type CommandJob = z.infer<typeof CommandJobSchema>;

/**
 * A comment that asks arch-review something, enqueued by the webhook handler without any API call: a
 * reply in a review thread (`thread`: answered in that thread, once the worker has checked the thread's
 * first comment is one of arch-review's findings) or `/arch-review ask <question>` in the pull
 * request's conversation (`ask`: answered with a PR comment). The worker checks the commenter's
 * permission, builds the answer (the agent's, or the rule's documentation) and posts it once.
 */
export const ReplyJobSchema = z.object({
  type: z.literal('reply'),
  ...Target,
  kind: z.enum(['thread', 'ask']),
  /** The comment that asked (the reply in the thread, or the `/arch-review ask` comment). */
  commentId: z.number().int(),
  /** `in_reply_to_id` of a thread reply: the thread's first comment, which the answer replies to. */
  threadRootId: z.number().int().optional(),
  commenter: z.string().min(1),
  /** The question as written (untrusted; capped so the job stays small in Redis). */
  question: z.string().max(8_000),
  /** When the asking comment was created (ISO 8601): the earlier answer, if any, is looked for after it. */
  createdAt: z.string().optional(),
});
export type ReplyJob = z.infer<typeof ReplyJobSchema>;

/** Everything a queue carries. */
export const QueueJobSchema = z.union([CommandJobSchema, ReplyJobSchema, ReviewJobSchema]);
export type QueueJob = ReviewJob | CommandJob | ReplyJob;

export const isCommandJob = (job: QueueJob): job is CommandJob => job.type === 'command';
export const isReplyJob = (job: QueueJob): job is ReplyJob => job.type === 'reply';
/** A review job (`type` absent in jobs written before command jobs existed); commands and replies are not. */
export const isReviewJob = (job: QueueJob): job is ReviewJob => job.type === undefined || job.type === 'review';

/** The coalescing key of review jobs: one pending review per pull request. */
export const prKey = (job: Pick<ReviewJob, 'owner' | 'repo' | 'number'>): string => `${job.owner}/${job.repo}#${job.number}`;

/**
 * A queue's key for a job: review jobs coalesce per PR (newest head wins); each command job is its
 * own key (it never replaces or aborts a review).
 */
export const queueKey = (job: QueueJob): string => (isCommandJob(job) ? `${prKey(job)}!cmd-${job.deliveryId}` : isReplyJob(job) ? `${prKey(job)}!reply-${job.deliveryId}` : prKey(job));

/** What a processor knows about the try it runs. */
export interface JobAttempt {
  /** 1 for the first try. */
  attempt: number;
  /** Tries in all (the first included); when `attempt === maxAttempts`, a failure is final. */
  maxAttempts: number;
}

/**
 * What a queue runs for each job. The signal aborts when the job is superseded by a newer head SHA or
 * on shutdown (its `reason` says which: an `Error` whose message starts with `superseded` or
 * `shutting down`). A thrown error is retried with backoff (honouring `retryAfterMs` of an
 * `ExternalServiceError`) unless it is permanent, up to `maxAttempts`.
 *
 * A review job that ran before (a failed try, or a worker killed under it) and is superseded before its
 * next try is handed to the processor once more with an already aborted signal (reason `superseded…`),
 * so it can tidy what the earlier try left behind (its check run in progress); it reviews nothing.
 */
export type JobProcessor = (job: QueueJob, signal: AbortSignal, attempt: JobAttempt) => Promise<void>;

/**
 * A processor for review jobs only (tests and tools that enqueue no commands): a command job reaching
 * it is a programming error.
 */
export function reviewJobsOnly(run: (job: ReviewJob, signal: AbortSignal, attempt: JobAttempt) => Promise<void>): JobProcessor {
  return (job, signal, attempt) => {
    if (!isReviewJob(job)) throw new Error(`a ${job.type} job reached a review-only processor (${job.deliveryId})`);
    return run(job, signal, attempt);
  };
}

/** The queue port: in-process by default, BullMQ on Redis when REDIS_URL is set. */
export interface JobQueue {
  /** Adds a job. A newer head SHA for the same PR replaces a queued (not yet started) one. Returns false if it was a duplicate. */
  enqueue(job: QueueJob): Promise<boolean>;
  /** Starts processing with `processor` (workers). Web-only processes never call it. */
  start(processor: JobProcessor): Promise<void>;
  /** Jobs waiting plus running. */
  depth(): Promise<{ waiting: number; active: number }>;
  /** True when the backing store is reachable (always true in-process). */
  healthy(): Promise<boolean>;
  /**
   * Stops taking jobs and drains within `timeoutMs`: running jobs finish and (in-process) waiting jobs
   * still run while time remains; then running jobs are aborted with a `shutting down` reason. BullMQ
   * keeps unfinished jobs in Redis; the in-process queue logs what it could not run (the reconciler
   * picks it up on the next start). Never takes longer than `timeoutMs` plus a few seconds, even when
   * the backing store is down.
   */
  close(timeoutMs?: number): Promise<void>;
}
