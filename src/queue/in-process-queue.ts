import type { Logger } from '../review/ports.js';
import { silentLogger } from '../review/ports.js';
import type { JobAttempt, JobProcessor, JobQueue, QueueJob } from './review-job.js';
import { isReviewJob, queueKey } from './review-job.js';
import type { RetryHooks, RetryPolicy } from './retry-policy.js';
import { callHook, decideRetry, retryPolicy } from './retry-policy.js';

export interface InProcessQueueOptions extends RetryHooks {
  /** Jobs run at once (different PRs; one PR never runs twice at once). Default 2. */
  concurrency?: number;
  /** Retries of a job whose processor threw (JOB_ATTEMPTS, JOB_BACKOFF_MS). Default 4 tries, 5 s base. */
  retry?: Partial<RetryPolicy>;
  log?: Logger;
}

/** How long `close()` waits for jobs it aborted at the end of the grace period. */
const ABORT_GRACE_MS = 5_000;

/** A job that may run: new (try 1), or a retry that may not start before `notBefore`. */
interface Entry {
  job: QueueJob;
  attempt: number;
  notBefore: number;
}

interface Running {
  entry: Entry;
  controller: AbortController;
  done: Promise<void>;
}

const isShutdown = (reason: unknown) => reason instanceof Error && reason.message.startsWith('shutting down');

/**
 * The default queue: jobs live in memory, at most `concurrency` run at once, and each pull request
 * has at most one waiting job. A newer head SHA replaces the waiting job of its PR (a retry waiting
 * for its backoff too) and aborts a running one for an older SHA, so pushes in quick succession cost
 * one review, not one each, without a debounce timer. A job that throws is retried with exponential
 * backoff (see retry-policy.ts), never alongside another job of its PR.
 *
 * `close(timeoutMs)` drains: no new jobs are accepted, but waiting jobs (and retries due within the
 * grace period) still start until it ends; then running jobs are aborted with a `shutting down`
 * reason and every job that did not run is logged (PR, SHA, delivery) — the reconciler reviews those
 * PRs after the restart.
 *
 * @example
 * const queue = createInProcessQueue({ concurrency: 2, retry: { maxAttempts: 4 } });
 * await queue.start((job, signal, attempt) => runReview(job, signal, attempt));
 * await queue.enqueue(job); // true
 */
export function createInProcessQueue(options: InProcessQueueOptions = {}): JobQueue {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const log = options.log ?? silentLogger;
  const policy = retryPolicy(options.retry);
  /** Waiting jobs by queue key, in arrival order (a replaced job keeps its PR's place in line). */
  const waiting = new Map<string, Entry>();
  const running = new Map<string, Running>();
  /** Wakes the queue when the earliest retry is due. */
  let wake: { timer: NodeJS.Timeout; at: number } | undefined;
  let processor: JobProcessor | undefined;
  let closing = false;
  /** While closing: jobs may start until then. */
  let deadline = Infinity;
  let stopped = false;
  let idle: (() => void) | undefined;
  let closed: Promise<void> | undefined;

  const sameWork = (a: QueueJob, b: QueueJob) => isReviewJob(a) && isReviewJob(b) && a.headSha === b.headSha;
  const shaOf = (job: QueueJob) => (isReviewJob(job) ? job.headSha : undefined);
  const ctxOf = (job: QueueJob) => ({ pr: queueKey(job), sha: shaOf(job), deliveryId: job.deliveryId });

  function pump(): void {
    const proc = processor;
    const now = Date.now();
    if (proc && !stopped && now < deadline) {
      let due = Infinity;
      for (const [key, entry] of waiting) {
        if (running.size >= concurrency) break;
        if (entry.notBefore > now) {
          due = Math.min(due, entry.notBefore);
          continue;
        }
        // One PR at a time: a superseded run finishes aborting before its successor starts.
        if (running.has(key)) continue;
        waiting.delete(key);
        run(key, entry, proc);
      }
      if (due < Infinity) wakeAt(due);
    }
    if (closing && idle && running.size === 0 && (!proc || ![...waiting.values()].some((e) => e.notBefore < deadline))) idle();
  }

  function wakeAt(time: number): void {
    if (wake && wake.at <= time) return;
    if (wake) clearTimeout(wake.timer);
    // A timer may fire a millisecond early; pump() then sets the next one.
    const timer = setTimeout(() => {
      wake = undefined;
      pump();
    }, Math.max(0, time - Date.now()) + 1);
    wake = { timer, at: time };
  }

  function run(key: string, entry: Entry, proc: JobProcessor): void {
    const { job } = entry;
    const controller = new AbortController();
    const attempt: JobAttempt = { attempt: entry.attempt, maxAttempts: policy.maxAttempts };
    const r: Running = { entry, controller, done: Promise.resolve() };
    running.set(key, r);
    r.done = (async () => {
      try {
        await proc(job, controller.signal, attempt);
      } catch (err) {
        if (!controller.signal.aborted) failed(key, entry, attempt, err);
        else if (!isShutdown(controller.signal.reason)) log.info({ ...ctxOf(job), attempt: attempt.attempt }, 'review job aborted');
      } finally {
        if (controller.signal.aborted && isShutdown(controller.signal.reason)) {
          log.warn({ ...ctxOf(job), attempt: attempt.attempt }, 'job interrupted by shutdown; not finished (the reconciler re-enqueues it after the restart)');
        }
        running.delete(key);
        pump();
      }
    })();
  }

  /**
   * A job that ran before (a failed try awaiting its retry) and is superseded before it runs again is
   * given to the processor once more with an already aborted signal, outside the concurrency limit, so
   * it can tidy what its earlier try left behind (a check run in progress); nothing is reviewed.
   */
  function tidy(job: QueueJob, attempt: number): void {
    const proc = processor;
    if (!proc || stopped) return;
    const controller = new AbortController();
    controller.abort(new Error('superseded by a newer head SHA'));
    void proc(job, controller.signal, { attempt, maxAttempts: policy.maxAttempts }).catch((err: unknown) =>
      log.info({ ...ctxOf(job), err: err instanceof Error ? err.message : String(err) }, 'tidying a superseded job failed'),
    );
  }

  function failed(key: string, entry: Entry, attempt: JobAttempt, err: unknown): void {
    const { job } = entry;
    const decision = decideRetry(policy, attempt, err);
    if (!decision.retry) {
      log.error({ err, ...ctxOf(job), attempt: attempt.attempt, maxAttempts: attempt.maxAttempts, reason: decision.reason }, 'review job failed for good');
      callHook(options.onFinalFailure, job, err);
      return;
    }
    if (waiting.has(key)) {
      // A newer job of this PR arrived meanwhile: it replaces the retry.
      log.info({ ...ctxOf(job), attempt: attempt.attempt }, 'review job failed; a newer job of its PR replaces the retry');
      tidy(job, attempt.attempt + 1);
      return;
    }
    log.warn({ err, ...ctxOf(job), attempt: attempt.attempt, maxAttempts: attempt.maxAttempts, delayMs: decision.delayMs }, 'review job failed; retrying');
    callHook(options.onRetry, job, attempt, decision.delayMs, err);
    const notBefore = Date.now() + decision.delayMs;
    waiting.set(key, { job, attempt: attempt.attempt + 1, notBefore });
    wakeAt(notBefore);
  }

  return {
    async enqueue(job) {
      if (closing) {
        log.warn(ctxOf(job), 'queue is closing; job not accepted');
        return false;
      }
      const key = queueKey(job);
      const queued = waiting.get(key);
      const active = running.get(key);
      if (queued && sameWork(queued.job, job)) {
        // Same head SHA twice (e.g. opened + a command): keep one job, but a full re-review request sticks.
        const q = queued.job;
        if (isReviewJob(job) && isReviewJob(q) && job.full && !q.full) queued.job = { ...q, full: true, trigger: job.trigger };
        return false;
      }
      if (!queued && active && sameWork(active.entry.job, job) && !active.controller.signal.aborted) return false;
      if (active && !sameWork(active.entry.job, job) && !active.controller.signal.aborted) {
        log.info({ pr: key, sha: shaOf(active.entry.job), newerSha: shaOf(job) }, 'aborting review of a superseded head SHA');
        active.controller.abort(new Error(`superseded by ${shaOf(job) ?? 'a newer job'}`));
      }
      if (queued) {
        log.debug({ pr: key, sha: shaOf(queued.job), newerSha: shaOf(job), attempt: queued.attempt }, 'replacing a waiting job with a newer head SHA');
        if (queued.attempt > 1) tidy(queued.job, queued.attempt);
      }
      waiting.set(key, { job, attempt: 1, notBefore: 0 });
      pump();
      return true;
    },
    async start(proc) {
      processor = proc;
      pump();
    },
    async depth() {
      return { waiting: waiting.size, active: running.size };
    },
    async healthy() {
      return true;
    },
    close(timeoutMs = 30_000) {
      closed ??= drain(timeoutMs);
      return closed;
    },
  };

  async function drain(timeoutMs: number): Promise<void> {
    closing = true;
    deadline = Date.now() + Math.max(0, timeoutMs);
    const drained = new Promise<'drained'>((resolve) => (idle = () => resolve('drained')));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs))));
    pump();
    const outcome = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    stopped = true;
    if (outcome === 'timeout' && running.size > 0) {
      log.warn({ active: running.size, waiting: waiting.size }, 'shutdown grace period over: aborting running jobs');
      for (const r of running.values()) r.controller.abort(new Error('shutting down'));
      // Aborted jobs get a short while to record where they stopped (their check run); one that ignores
      // its signal must not hold the process past what a supervisor allows.
      const settled = Promise.allSettled([...running.values()].map((r) => r.done)).then(() => 'settled' as const);
      let abortTimer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (abortTimer = setTimeout(() => resolve('late'), ABORT_GRACE_MS)));
      if ((await Promise.race([settled, late])) === 'late') log.warn({ active: running.size }, 'aborted jobs did not stop in time; closing anyway');
      clearTimeout(abortTimer);
    }
    if (wake) clearTimeout(wake.timer);
    wake = undefined;
    for (const entry of waiting.values()) {
      log.warn({ ...ctxOf(entry.job), attempt: entry.attempt }, 'queue closed before this job ran (the reconciler re-enqueues it after the restart)');
    }
    waiting.clear();
  }
}
