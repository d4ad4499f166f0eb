import type { Logger } from '../review/ports.js';
import { createBullmqQueue } from './bullmq-queue.js';
import { createInProcessQueue } from './in-process-queue.js';
import type { RetryHooks, RetryPolicy } from './retry-policy.js';
import type { JobQueue } from './review-job.js';

export interface QueueSettings extends RetryHooks {
  redisUrl?: string;
  concurrency: number;
  /** Tries per job, the first included (JOB_ATTEMPTS). Default 4. */
  attempts?: number;
  /** First retry delay, doubling each retry, with jitter (JOB_BACKOFF_MS). Default 5 s. */
  backoffMs?: number;
  log: Logger;
}

/**
 * BullMQ on Redis when `redisUrl` is set (REDIS_URL), else the in-process queue; both retry failed
 * jobs with the same policy (retry-policy.ts).
 *
 * @example
 * const queue = createQueue({ redisUrl: env.redisUrl, concurrency: 2, attempts: env.jobAttempts, backoffMs: env.jobBackoffMs, log });
 */
export function createQueue(settings: QueueSettings): JobQueue {
  const retry: Partial<RetryPolicy> = { maxAttempts: settings.attempts, baseDelayMs: settings.backoffMs };
  const common = { concurrency: settings.concurrency, log: settings.log, retry, onRetry: settings.onRetry, onFinalFailure: settings.onFinalFailure };
  return settings.redisUrl ? createBullmqQueue({ redisUrl: settings.redisUrl, ...common }) : createInProcessQueue(common);
}
