import type { Logger } from '../review/ports.js';
import { createBullmqQueue } from './bullmq-queue.js';
import { createInProcessQueue } from './in-process-queue.js';
import type { JobQueue } from './review-job.js';

export interface QueueSettings {
  redisUrl?: string;
  concurrency: number;
  log: Logger;
}

/** BullMQ on Redis when `redisUrl` is set (REDIS_URL), else the in-process queue. */
export function createQueue(settings: QueueSettings): JobQueue {
  return settings.redisUrl
    ? createBullmqQueue({ redisUrl: settings.redisUrl, concurrency: settings.concurrency, log: settings.log })
    : createInProcessQueue({ concurrency: settings.concurrency, log: settings.log });
}
