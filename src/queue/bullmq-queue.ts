import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { ExternalServiceError } from '../errors.js';
import type { Logger } from '../review/ports.js';
import { silentLogger } from '../review/ports.js';
import type { JobAttempt, JobProcessor, JobQueue, QueueJob, ReviewJob } from './review-job.js';
import { QueueJobSchema, isReviewJob, prKey, queueKey } from './review-job.js';
import type { RetryHooks, RetryPolicy } from './retry-policy.js';
import { callHook, decideRetry, retryDelayMs, retryPolicy } from './retry-policy.js';

export interface BullmqQueueOptions extends RetryHooks {
  /** `redis://` or `rediss://` URL (REDIS_URL). */
  redisUrl: string;
  /** Jobs one worker process runs at once. Default 2. */
  concurrency?: number;
  /** Queue name. Default `arch-review`. */
  name?: string;
  /** Redis key prefix (BullMQ's `prefix`). Default `bull`. */
  prefix?: string;
  /** Retries of a job whose processor threw (JOB_ATTEMPTS, JOB_BACKOFF_MS). Default 4 tries, 5 s base. */
  retry?: Partial<RetryPolicy>;
  /** How often a running job checks whether a newer head SHA superseded it (and renews its PR claim). Default 2 s. */
  supersedePollMs?: number;
  /** Redis round trips in a webhook handler, health check or shutdown give up after this. Default 5 s. */
  commandTimeoutMs?: number;
  /** BullMQ's lock on a running job (see RECOVERY below). Default 15 s. */
  lockDurationMs?: number;
  /** How often live workers look for jobs whose worker died. Default 5 s. */
  stalledIntervalMs?: number;
  log?: Logger;
}

/*
 * RECOVERY of a killed worker's job (kill -9, OOM, a lost node). BullMQ holds a lock on each running
 * job, renewed every LOCK_RENEW_MS; the lock of a dead worker expires LOCK_DURATION_MS after its last
 * renewal. Every STALLED_INTERVAL_MS one live worker marks the active jobs and moves those marked on
 * the previous pass whose lock has gone back to waiting. So a killed worker's job starts again on
 * another worker at most LOCK_DURATION_MS + STALLED_INTERVAL_MS = 20 s after the kill (BullMQ's
 * defaults, 30 s + 30 s, plus our old 60 s PR claim, made that about 70 s). No false stalls: a running
 * review loses its lock only if the event loop or Redis stalls for 15 s (three missed renewals; the
 * rules run in worker threads, the rest is I/O). A job that stalls more than MAX_STALLED_COUNT times
 * (it keeps killing its worker) fails for good; the reconciler sees its PR without a review.
 *
 * Our own PR claim (`running:<pr>`, one running review per PR across workers) has the same lifetime
 * as the lock and is renewed every `supersedePollMs`, so a successor waits at most CLAIM_TTL_MS for
 * a dead predecessor's claim. A job that cannot get the claim within CLAIM_WAIT_MS goes back to the
 * delayed set (no try used) instead of holding a worker slot.
 */
const LOCK_DURATION_MS = 15_000;
const LOCK_RENEW_MS = 5_000;
const STALLED_INTERVAL_MS = 5_000;
const MAX_STALLED_COUNT = 2;
const CLAIM_TTL_MS = 15_000;
const CLAIM_WAIT_MS = 20_000;
const CLAIM_RETRY_DELAY_MS = 5_000;
/** Each Redis step of `close()` after the grace period gets this long; then connections are cut. */
const CLOSE_STEP_MS = 1_500;
const LATEST_TTL_S = 14 * 24 * 3600;
/** The `backoff.type` of our jobs: BullMQ then asks the worker's `backoffStrategy`. */
const BACKOFF_TYPE = 'arch-review';

/**
 * BullMQ job id for a review job: one per PR and head SHA, so a redelivered webhook or a second event
 * for the same commit adds nothing while that job is pending. A command gets its own id (its delivery
 * id), so `/arch-review` can re-run a commit already reviewed, while a redelivered command still
 * dedupes. BullMQ rejects custom ids containing `:`; GitHub names and SHAs never contain one.
 *
 * @example
 * bullmqJobId(job); // 'acme/shop#7@3f2c…'
 */
export function bullmqJobId(job: QueueJob): string {
  if (!isReviewJob(job)) return queueKey(job);
  const base = `${prKey(job)}@${job.headSha}`;
  return job.trigger === 'command' || job.trigger === 'command-full' ? `${base}~${job.deliveryId}` : base;
}

/** Swaps the PR's `latest` job id, returning the previous one (atomic: two web processes may race). */
const SWAP_LATEST = `local prev = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return prev`;

/**
 * Starts a job only if it is still the PR's latest and no other job of the PR runs: checks `latest`
 * and takes the `running` claim in one step, so a job superseded while it waited never starts.
 */
const CLAIM = `local latest = redis.call('GET', KEYS[1])
if latest and latest ~= ARGV[1] then return 'superseded' end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 'busy' end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 'ok'`;

/** While running: renews the claim and says whether the job is still the latest. */
const HOLD = `if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
local latest = redis.call('GET', KEYS[1])
if latest and latest ~= ARGV[1] then return 'superseded' end
return 'ok'`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const SCRIPTS = { archReviewSwapLatest: [1, SWAP_LATEST], archReviewClaim: [2, CLAIM], archReviewHold: [2, HOLD], archReviewRelease: [1, RELEASE] } as const;
type ScriptName = keyof typeof SCRIPTS;

/** A race against a timer; rejects with a retryable redis error when the timer wins. */
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

/** Waits for `work` at most `ms`; true when it settled in time (its errors count as settled). */
async function settlesWithin(ms: number, work: Promise<unknown>): Promise<boolean> {
  return withTimeout('close', ms, work.then(() => true, () => true)).catch(() => false);
}

const shutdownReason = (signal: AbortSignal) => signal.aborted && signal.reason instanceof Error && signal.reason.message.startsWith('shutting down');

/**
 * The queue on Redis (BullMQ), for deployments that run webhook servers and workers as separate
 * processes or must not lose queued reviews on a restart. A job that throws is retried with the
 * shared policy (retry-policy.ts: exponential backoff with jitter, at least the `retryAfterMs` a
 * service asked for, permanent errors not retried) through a custom BullMQ `backoffStrategy`.
 * `close()` lets running jobs finish within its grace period, then aborts them and puts them back in
 * the queue (no try used); a killed worker's job resumes on another worker within about 20 s.
 *
 * Newest SHA wins: each PR has a `latest` key naming its newest job. Enqueuing a newer SHA removes
 * the PR's older waiting or delayed job; a job starts only if it is still the latest (checked
 * atomically with taking the PR's claim, so never after its successor); a running job polls the key
 * and aborts its signal when superseded, and a superseded job is not retried.
 *
 * @example
 * const queue = createBullmqQueue({ redisUrl: 'redis://127.0.0.1:6379', retry: { maxAttempts: 4 } });
 * await queue.start((job, signal, attempt) => runReview(job, signal, attempt));
 */
export function createBullmqQueue(options: BullmqQueueOptions): JobQueue {
  const log = options.log ?? silentLogger;
  const name = options.name ?? 'arch-review';
  const prefix = options.prefix ?? 'bull';
  const policy = retryPolicy(options.retry);
  const pollMs = options.supersedePollMs ?? 2_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
  const lockDuration = options.lockDurationMs ?? LOCK_DURATION_MS;
  const stalledInterval = options.stalledIntervalMs ?? STALLED_INTERVAL_MS;
  const claimTtlMs = options.lockDurationMs ?? CLAIM_TTL_MS;
  const connection = { url: options.redisUrl };
  // The queue side must fail fast when Redis is down (a webhook is waiting), so no offline queue.
  const queue = new Queue(name, { connection: { ...connection, enableOfflineQueue: false }, prefix });
  queue.on('error', (err) => log.error({ err: redisError(err) }, 'redis queue connection error'));
  let worker: Worker | undefined;
  /** Running jobs of this process: their abort controllers and when they have settled. */
  const active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** Delays decided for thrown errors, read back by the backoff strategy. */
  const plannedDelays = new WeakMap<object, number>();
  let closing = false;
  let closed: Promise<void> | undefined;
  let scriptsDefined = false;

  const latestKey = (job: QueueJob) => `${prefix}:${name}:latest:${prKey(job)}`;
  const runningKey = (job: ReviewJob) => `${prefix}:${name}:running:${prKey(job)}`;

  async function script(which: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const client = await queue.getBackend().client;
    if (!scriptsDefined) {
      for (const [cmd, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) client.defineCommand(cmd, { numberOfKeys, lua });
      scriptsDefined = true;
    }
    return client.runCommand(which, [...keys, ...args]);
  }

  async function process(bjob: Job, token: string | undefined, processor: JobProcessor, brokerSignal?: AbortSignal): Promise<void> {
    const job = QueueJobSchema.parse(bjob.data);
    const id = bjob.id ?? bullmqJobId(job);
    const attempt: JobAttempt = { attempt: bjob.attemptsMade + 1, maxAttempts: bjob.opts.attempts ?? policy.maxAttempts };
    const ctx = { pr: prKey(job), sha: isReviewJob(job) ? job.headSha : undefined, deliveryId: job.deliveryId, attempt: attempt.attempt };
    const controller = new AbortController();
    let superseded = false;
    let poll: NodeJS.Timeout | undefined;
    let settle: () => void = () => undefined;
    active.set(id, { controller, done: new Promise<void>((resolve) => (settle = resolve)) });
    brokerSignal?.addEventListener('abort', () => controller.abort(brokerSignal.reason), { once: true });
    try {
      if (isReviewJob(job)) {
        let claim = await script('archReviewClaim', [latestKey(job), runningKey(job)], [id, claimTtlMs]);
        if (claim === 'busy') claim = await waitForClaim(job, id, ctx);
        if (claim === 'superseded') {
          log.info(ctx, 'skipping a review job superseded by a newer head SHA');
          // It ran before (a failed try, or a worker killed under it): its processor tidies what that
          // try left (a check run in progress) with an aborted signal; nothing is reviewed.
          if (bjob.attemptsStarted > 1) {
            controller.abort(new Error('superseded by a newer head SHA'));
            await processor(job, controller.signal, attempt).catch((err: unknown) => log.info({ ...ctx, err: err instanceof Error ? err.message : String(err) }, 'tidying a superseded job failed'));
          }
          return;
        }
        if (claim !== 'ok') {
          // Still busy (a predecessor that does not stop?), or shutting down: later, without using up a try.
          await bjob.moveToDelayed(Date.now() + (closing ? 0 : CLAIM_RETRY_DELAY_MS), token);
          throw new DelayedError();
        }
        poll = setInterval(() => {
          script('archReviewHold', [latestKey(job), runningKey(job)], [id, claimTtlMs])
            .then((state) => {
              if (state === 'superseded' && !controller.signal.aborted) {
                superseded = true;
                log.info(ctx, 'aborting review of a superseded head SHA');
                controller.abort(new Error('superseded by a newer head SHA'));
              }
            })
            .catch(() => undefined); // Redis hiccup: the review re-checks the head SHA itself.
        }, pollMs);
      }
      const failure = await processor(job, controller.signal, attempt).then(
        () => undefined,
        (err: unknown) => ({ err }),
      );
      clearInterval(poll);
      if (superseded) return; // nothing to retry: a newer job covers this PR
      // Stopped by a shutdown, finished or not: back in the queue for another worker.
      if (shutdownReason(controller.signal)) await putBack(bjob, token, ctx);
      if (!failure) return;
      if (isReviewJob(job) && (await isSuperseded(job, id))) {
        log.info(ctx, 'review job failed, but a newer head SHA superseded it: not retried');
        return;
      }
      const error = failure.err instanceof Error ? failure.err : new Error(String(failure.err));
      const decision = decideRetry(policy, attempt, error);
      if (!decision.retry) {
        log.error({ err: error, ...ctx, maxAttempts: attempt.maxAttempts, reason: decision.reason }, 'review job failed for good');
        callHook(options.onFinalFailure, job, error);
        throw new UnrecoverableError(error.message);
      }
      log.warn({ err: error, ...ctx, maxAttempts: attempt.maxAttempts, delayMs: decision.delayMs }, 'review job failed; retrying');
      callHook(options.onRetry, job, attempt, decision.delayMs, error);
      plannedDelays.set(error, decision.delayMs);
      throw error;
    } finally {
      clearInterval(poll);
      active.delete(id);
      if (isReviewJob(job)) await script('archReviewRelease', [runningKey(job)], [id]).catch(() => undefined);
      settle();
    }
  }

  /** True when a newer job is the PR's latest (a Redis failure counts as not superseded). */
  async function isSuperseded(job: ReviewJob, id: string): Promise<boolean> {
    try {
      const client = await queue.getBackend().client;
      const latest = await withTimeout('latest', commandTimeoutMs, client.get(latestKey(job)));
      return latest !== null && latest !== id;
    } catch {
      return false;
    }
  }

  /** Waits for the PR's claim (a superseded predecessor stopping): `ok`, `superseded`, or still `busy`. */
  async function waitForClaim(job: ReviewJob, id: string, ctx: object): Promise<unknown> {
    log.debug(ctx, 'waiting for the superseded review of this PR to stop');
    const end = Date.now() + CLAIM_WAIT_MS;
    let claim: unknown = 'busy';
    while (claim === 'busy' && Date.now() < end && !closing) {
      await new Promise((r) => setTimeout(r, Math.min(pollMs, 250)));
      claim = await script('archReviewClaim', [latestKey(job), runningKey(job)], [id, claimTtlMs]);
    }
    return claim;
  }

  /** A job interrupted by shutdown goes back to the queue without using up a try. */
  async function putBack(bjob: Job, token: string | undefined, ctx: object): Promise<never> {
    log.warn(ctx, 'job interrupted by shutdown; back in the queue for another worker');
    await withTimeout('put back', CLOSE_STEP_MS, bjob.moveToDelayed(Date.now(), token)).catch(() => undefined); // else: stalled recovery
    throw new DelayedError();
  }

  return {
    async enqueue(job) {
      if (closing) return false;
      const id = bullmqJobId(job);
      return withTimeout('enqueue', commandTimeoutMs, (async () => {
        const existing = await queue.getJob(id);
        if (existing) {
          const state = await existing.getState();
          // Pending (waiting, delayed, running): a duplicate. Finished (it completed, perhaps as
          // superseded, or failed): run it again, e.g. when a stale job hands over to this head.
          if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
          await existing.remove();
        }
        const previous = !isReviewJob(job) ? null : await script('archReviewSwapLatest', [latestKey(job)], [id, LATEST_TTL_S]);
        await queue.add('review', job, {
          jobId: id,
          attempts: policy.maxAttempts,
          backoff: { type: BACKOFF_TYPE },
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        });
        if (typeof previous === 'string' && previous !== id) {
          const prev = await queue.getJob(previous);
          if (prev && prev.attemptsStarted > 0) {
            // It ran before (a retry waiting, or a killed worker's job put back) and may have left a check
            // run in progress: it starts at once, finds itself superseded and tidies (see `process`).
            if (await prev.isDelayed()) await prev.promote().catch(() => undefined);
          } else {
            // A job that never ran goes; a running (locked) one cannot be removed: its own poll aborts it.
            await queue.remove(previous).catch(() => 0);
          }
        }
        return true;
      })());
    },

    async start(processor) {
      if (worker) return;
      worker = new Worker(
        name,
        (bjob, token, signal) => process(bjob, token, processor, signal),
        {
          connection,
          prefix,
          concurrency: Math.max(1, options.concurrency ?? 2),
          lockDuration,
          lockRenewTime: Math.min(LOCK_RENEW_MS, lockDuration / 3),
          stalledInterval,
          maxStalledCount: MAX_STALLED_COUNT,
          settings: {
            // BullMQ passes the error the processor threw: use the delay decided for it (which honours
            // `retryAfterMs`), or compute one for errors thrown outside our processor.
            backoffStrategy: (attemptsMade, _type, err) => (err ? plannedDelays.get(err) : undefined) ?? retryDelayMs(policy, attemptsMade, err),
          },
        },
      );
      worker.on('error', (err) => log.error({ err: redisError(err) }, 'redis worker error'));
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

    close(timeoutMs = 30_000) {
      closed ??= shutdown(timeoutMs);
      return closed;
    },
  };

  /**
   * Running jobs get `timeoutMs`; then they are aborted (and put back in the queue). Every later
   * step gets CLOSE_STEP_MS, then the connections are cut, so a dead Redis cannot hold up a SIGTERM.
   */
  async function shutdown(timeoutMs: number): Promise<void> {
    const jobsGone = () => Promise.allSettled([...active.values()].map((a) => a.done));
    closing = true;
    const w = worker;
    if (w) {
      // BullMQ's close stops fetching at once (so a job put back is not fetched again here) and
      // resolves when running jobs have finished and the connections are closed.
      void w.close().catch(() => undefined);
      if (!(await settlesWithin(Math.max(1, timeoutMs), jobsGone()))) {
        log.warn({ active: active.size }, 'shutdown grace period over: aborting running jobs (they go back to the queue)');
        for (const a of active.values()) a.controller.abort(new Error('shutting down'));
        await settlesWithin(CLOSE_STEP_MS, jobsGone());
      }
    }
    // The worker's and the queue's connections close side by side; each is cut if Redis does not answer.
    await Promise.all([w && closeOrCut('worker', w.close(), w), closeOrCut('queue', queue.close(), queue)]);
  }

  async function closeOrCut(what: string, work: Promise<void>, owner: { getBackend(): unknown }): Promise<void> {
    if (!(await settlesWithin(CLOSE_STEP_MS, work))) log.warn({ what }, 'redis did not answer while closing; disconnecting');
    // Always: when Redis is down, BullMQ's close gives up on QUIT but leaves ioredis reconnecting forever.
    await disconnectClients(owner);
  }
}

/** Disconnects the raw ioredis clients of a BullMQ queue or worker (no reconnect, no waiting). */
async function disconnectClients(owner: { getBackend(): unknown }): Promise<void> {
  const backend = owner.getBackend() as { client?: Promise<{ disconnect(): void }>; blockingClient?: Promise<{ disconnect(): void }> };
  for (const pending of [backend.client, backend.blockingClient]) {
    if (!pending) continue;
    // A client that never connected has no promise to wait for (BullMQ's close disconnects it itself).
    const client = await withTimeout('client', 100, pending).catch(() => undefined);
    client?.disconnect();
  }
}

/** ioredis errors can carry the connection options; log only what helps. */
function redisError(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; code?: string };
  return { message: String(e?.message ?? err).replace(/\/\/[^@/\s]*@/g, '//***@'), code: e?.code };
}
