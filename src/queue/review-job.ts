import { z } from 'zod';

/** Why a review runs. */
export const TriggerSchema = z.enum(['opened', 'reopened', 'ready_for_review', 'synchronize', 'command', 'command-full']);
export type Trigger = z.infer<typeof TriggerSchema>;

/**
 * One unit of work: review pull request `number` of `owner/repo` at `headSha`. Handlers build it and
 * enqueue it; a worker runs it. Plain JSON so it crosses Redis unchanged.
 */
export const ReviewJobSchema = z.object({
  installationId: z.number().int(),
  owner: z.string(),
  repo: z.string(),
  number: z.number().int().positive(),
  headSha: z.string().min(7),
  trigger: TriggerSchema,
  /** X-GitHub-Delivery of the webhook that asked for it (for logs and dedupe). */
  deliveryId: z.string(),
  /** Re-review everything, even a head SHA already reviewed (`/arch-review full`). */
  full: z.boolean().default(false),
  /** Epoch ms when enqueued. */
  enqueuedAt: z.number(),
});
export type ReviewJob = z.infer<typeof ReviewJobSchema>;

/** The coalescing key: one pending job per pull request. */
export const prKey = (job: Pick<ReviewJob, 'owner' | 'repo' | 'number'>): string => `${job.owner}/${job.repo}#${job.number}`;

/** What a queue runs for each job. The signal aborts when the job is superseded by a newer head SHA or on shutdown. */
export type JobProcessor = (job: ReviewJob, signal: AbortSignal) => Promise<void>;

/** The queue port: in-process by default, BullMQ on Redis when REDIS_URL is set. */
export interface JobQueue {
  /** Adds a job. A newer head SHA for the same PR replaces a queued (not yet started) one. Returns false if it was a duplicate. */
  enqueue(job: ReviewJob): Promise<boolean>;
  /** Starts processing with `processor` (workers). Web-only processes never call it. */
  start(processor: JobProcessor): Promise<void>;
  /** Jobs waiting plus running. */
  depth(): Promise<{ waiting: number; active: number }>;
  /** True when the backing store is reachable (always true in-process). */
  healthy(): Promise<boolean>;
  /** Stops taking jobs; waits for running jobs up to `timeoutMs`, then returns (BullMQ puts unfinished jobs back). */
  close(timeoutMs?: number): Promise<void>;
}
