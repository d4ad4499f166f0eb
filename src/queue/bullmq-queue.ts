import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { ConfigError, ExternalServiceError, InputError, ModelOutputError } from '../errors.js';
import type { Logger } from '../review/ports.js';
import { silentLogger } from '../review/ports.js';
import type { JobProcessor, JobQueue, QueueJob, ReviewJob } from './review-job.js';
import { QueueJobSchema, ReviewJobSchema, isCommandJob, prKey, queueKey } from './review-job.js';

export interface BullmqQueueOptions {
  /** `redis://` or `rediss://` URL (REDIS_URL). */
  redisUrl: string;
  /** Jobs one worker process runs at once. Default 2. */
  concurrency?: number;
  /** Queue name. Default `arch-review`. */
  name?: string;
  /** Redis key prefix (BullMQ's `prefix`). Default `bull`. */
  prefix?: string;
  /** Tries per job, counting the first. Default 3. */
  attempts?: number;
  /** First retry delay; doubles each try. Default 5 s. */
  backoffMs?: number;
  /** How often a running job checks whether a newer head SHA superseded it. Default 2 s. */
  supersedePollMs?: number;
  /** Redis round trips in a webhook handler or health check give up after this. Default 5 s. */
  commandTimeoutMs?: number;
  log?: Logger;
}

/**
 * BullMQ job id for a review job: one per PR and head SHA, so a redelivered webhook or a second event
 * for the same commit adds nothing. A command gets its own id (its delivery id), so `/arch-review` can
 * re-run a commit already reviewed, while a redelivered command still dedupes. BullMQ rejects custom
 * ids containing `:`; GitHub names and SHAs never contain one.
 */
export function bullmqJobId(job: QueueJob): string {
  if (isCommandJob(job)) return queueKey(job);
  const base = `${prKey(job)}@${job.headSha}`;
  return job.trigger === 'command' || job.trigger === 'command-full' ? `${base}~${job.deliveryId}` : base;
}

/** Failures a retry cannot fix: a broken config, bad input, a model that keeps answering nonsense. */
function isPermanent(err: unknown): boolean {
  if (err instanceof ConfigError || err instanceof InputError || err instanceof ModelOutputError) return true;
  if (err instanceof ExternalServiceError) return !err.retryable;
  return false;
}

async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ExternalServiceError('redis', `${what} timed out after ${ms} ms`, { retryable: true })), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The queue on Redis (BullMQ), for deployments that run webhook servers and workers as separate
 * processes or must not lose queued reviews on a restart. Jobs retry with exponential backoff;
 * `close()` lets running jobs finish, and a job whose worker died goes back to waiting (BullMQ's
 * stalled-job check).
 *
 * Newest SHA wins: each PR has a `latest` key naming its newest job. Enqueuing a newer SHA removes
 * the PR's older waiting job, a worker skips a job that is no longer the latest, and a running job
 * polls the key and aborts its signal when superseded (the review itself also re-checks the PR's
 * head before posting).
 */
export function createBullmqQueue(options: BullmqQueueOptions): JobQueue {
  const log = options.log ?? silentLogger;
  const name = options.name ?? 'arch-review';
  const prefix = options.prefix ?? 'bull';
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 5_000;
  const pollMs = options.supersedePollMs ?? 2_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
  const connection = { url: options.redisUrl };
  // The queue side must fail fast when Redis is down (a webhook is waiting), so no offline queue.
  const queue = new Queue(name, { connection: { ...connection, enableOfflineQueue: false }, prefix });
  queue.on('error', (err) => log.error({ err: redisError(err) }, 'redis queue connection error'));
  let worker: Worker | undefined;
  const active = new Map<string, AbortController>();
  let closing = false;

  const latestKey = (job: QueueJob) => `${prefix}:${name}:latest:${prKey(job)}`;
  const LATEST_TTL_S = 14 * 24 * 3600;

  async function isSuperseded(job: ReviewJob, id: string): Promise<boolean> {
    const client = await queue.getBackend().client;
    const latest = await client.get(latestKey(job));
    return latest !== null && latest !== id;
  }

  async function process(bjob: Job, processor: JobProcessor, brokerSignal?: AbortSignal): Promise<void> {
    const job = QueueJobSchema.parse(bjob.data);
    const id = bjob.id ?? bullmqJobId(job);
    if (isCommandJob(job)) {
      await processor(job, new AbortController().signal, { attempt: bjob.attemptsMade + 1, maxAttempts: attempts });
      return;
    }
    const ctx = { pr: prKey(job), sha: job.headSha, deliveryId: job.deliveryId, attempt: bjob.attemptsMade + 1 };
    if (await isSuperseded(job, id)) {
      log.info(ctx, 'skipping a review job superseded by a newer head SHA');
      return;
    }
    await claimPullRequest(job, id, ctx);
    const controller = new AbortController();
    let superseded = false;
    active.set(id, controller);
    brokerSignal?.addEventListener('abort', () => controller.abort(brokerSignal.reason), { once: true });
    const poll = setInterval(() => {
      holdClaim(job, id).catch(() => undefined);
      isSuperseded(job, id)
        .then((yes) => {
          if (yes && !controller.signal.aborted) {
            superseded = true;
            log.info(ctx, 'aborting review of a superseded head SHA');
            controller.abort(new Error('superseded by a newer head SHA'));
          }
        })
        .catch(() => undefined); // Redis hiccup: the review re-checks the head SHA itself.
    }, pollMs);
    try {
      await processor(job, controller.signal, { attempt: bjob.attemptsMade + 1, maxAttempts: attempts });
      // Stopped by a shutdown, not finished: fail this try so BullMQ runs it again later.
      if (controller.signal.aborted && !superseded) throw new Error('review interrupted by shutdown');
    } catch (err) {
      if (superseded) return; // nothing to retry: a newer job covers this PR
      if (isPermanent(err)) throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      throw err;
    } finally {
      clearInterval(poll);
      active.delete(id);
      await releaseClaim(job, id).catch(() => undefined);
    }
  }

  // One running job per PR across all workers: a newer SHA waits for its superseded predecessor to
  // stop (it polls and aborts within `pollMs`), so an old review never posts after a new one. The
  // claim expires by itself if a worker dies.
  const runningKey = (job: ReviewJob) => `${prefix}:${name}:running:${prKey(job)}`;
  const CLAIM_TTL_S = 60;
  const CLAIM_WAIT_MS = 90_000;

  async function claimPullRequest(job: ReviewJob, id: string, ctx: object): Promise<void> {
    const client = await queue.getBackend().client;
    const end = Date.now() + CLAIM_WAIT_MS;
    let holder = await client.get(runningKey(job));
    if (holder && holder !== id) log.debug({ ...ctx, holder }, 'waiting for the superseded review of this PR to stop');
    while (holder && holder !== id && Date.now() < end) {
      await new Promise((r) => setTimeout(r, Math.min(pollMs, 250)));
      holder = await client.get(runningKey(job));
    }
    await client.set(runningKey(job), id, { EX: CLAIM_TTL_S });
  }

  async function holdClaim(job: ReviewJob, id: string): Promise<void> {
    const client = await queue.getBackend().client;
    if ((await client.get(runningKey(job))) === id) await client.set(runningKey(job), id, { EX: CLAIM_TTL_S });
  }

  async function releaseClaim(job: ReviewJob, id: string): Promise<void> {
    const client = await queue.getBackend().client;
    if ((await client.get(runningKey(job))) === id) await client.del(runningKey(job));
  }

  return {
    async enqueue(job) {
      if (closing) return false;
      const id = bullmqJobId(job);
      return withTimeout('enqueue', commandTimeoutMs, (async () => {
        if (await queue.getJob(id)) return false;
        const client = await queue.getBackend().client;
        const key = latestKey(job);
        const previous = isCommandJob(job) ? null : await client.get(key);
        if (!isCommandJob(job)) await client.set(key, id, { EX: LATEST_TTL_S });
        await queue.add('review', job, {
          jobId: id,
          attempts,
          backoff: { type: 'exponential', delay: backoffMs },
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        });
        if (previous && previous !== id) {
          // A running (locked) job cannot be removed; its own poll aborts it instead.
          await queue.remove(previous).catch(() => 0);
        }
        return true;
      })());
    },

    async start(processor) {
      if (worker) return;
      worker = new Worker(name, (bjob, _token, signal) => process(bjob, processor, signal), {
        connection,
        prefix,
        concurrency: Math.max(1, options.concurrency ?? 2),
      });
      worker.on('error', (err) => log.error({ err: redisError(err) }, 'redis worker error'));
      worker.on('failed', (bjob, err) => {
        const data = ReviewJobSchema.safeParse(bjob?.data);
        const ctx = data.success ? { pr: prKey(data.data), sha: data.data.headSha, deliveryId: data.data.deliveryId } : {};
        log.warn({ ...ctx, err, attempt: bjob?.attemptsMade }, 'review job failed');
      });
      await worker.waitUntilReady();
    },

    async depth() {
      const c = await withTimeout('depth', commandTimeoutMs, queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active'));
      return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0 };
    },

    async healthy() {
      try {
        const client = await withTimeout('connect', commandTimeoutMs, queue.getBackend().client);
        await withTimeout('ping', commandTimeoutMs, client.get(`${prefix}:${name}:health`));
        return true;
      } catch {
        return false;
      }
    },

    async close(timeoutMs = 30_000) {
      closing = true;
      if (worker) {
        const w = worker;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
        const outcome = await Promise.race([w.close(), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          log.warn({ active: active.size }, 'shutdown timeout: aborting running reviews (BullMQ retries them)');
          for (const c of active.values()) c.abort(new Error('shutting down'));
          await w.close(true);
        }
      }
      await queue.close();
    },
  };
}

/** ioredis errors can carry the connection options; log only what helps. */
function redisError(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; code?: string };
  return { message: String(e?.message ?? err).replace(/\/\/[^@/\s]*@/g, '//***@'), code: e?.code };
}
