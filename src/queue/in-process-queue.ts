import type { Logger } from '../review/ports.js';
import { silentLogger } from '../review/ports.js';
import type { JobProcessor, JobQueue, QueueJob } from './review-job.js';
import { isCommandJob, queueKey } from './review-job.js';

export interface InProcessQueueOptions {
  /** Jobs run at once (different PRs; one PR never runs twice at once). Default 2. */
  concurrency?: number;
  log?: Logger;
}

interface Running {
  job: QueueJob;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The default queue: jobs live in memory, at most `concurrency` run at once, and each pull request
 * has at most one waiting job. A newer head SHA replaces the waiting job of its PR and aborts a
 * running one for an older SHA, so pushes in quick succession cost one review, not one each, without
 * a debounce timer. Jobs still waiting when the process stops are lost (GitHub keeps the PR; the next
 * push or `/arch-review` asks again): use the BullMQ queue where that matters.
 *
 * @example
 * const queue = createInProcessQueue({ concurrency: 2 });
 * await queue.start((job, signal) => runReview(job, signal));
 * await queue.enqueue(job); // true
 */
export function createInProcessQueue(options: InProcessQueueOptions = {}): JobQueue {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const log = options.log ?? silentLogger;
  /** Waiting jobs by PR key, in arrival order (a replaced job keeps its PR's place in line). */
  const waiting = new Map<string, QueueJob>();
  const running = new Map<string, Running>();
  let processor: JobProcessor | undefined;
  let closing = false;
  let idle: (() => void) | undefined;

  const sameWork = (a: QueueJob, b: QueueJob) => !isCommandJob(a) && !isCommandJob(b) && a.headSha === b.headSha;
  const shaOf = (job: QueueJob) => (isCommandJob(job) ? undefined : job.headSha);

  function pump(): void {
    const proc = processor;
    if (proc && !closing) {
      for (const [key, job] of waiting) {
        if (running.size >= concurrency) break;
        // One PR at a time: a superseded run finishes aborting before its successor starts.
        if (running.has(key)) continue;
        waiting.delete(key);
        run(key, job, proc);
      }
    }
    if (running.size === 0 && (waiting.size === 0 || closing) && idle) idle();
  }

  function run(key: string, job: QueueJob, proc: JobProcessor): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    running.set(key, entry);
    entry.done = (async () => {
      try {
        await proc(job, controller.signal, { attempt: 1, maxAttempts: 1 });
      } catch (err) {
        if (controller.signal.aborted) log.info({ pr: key, sha: shaOf(job) }, 'review job aborted');
        else log.error({ err, pr: key, sha: shaOf(job), deliveryId: job.deliveryId }, 'review job failed');
      } finally {
        running.delete(key);
        pump();
      }
    })();
  }

  return {
    async enqueue(job) {
      if (closing) {
        log.warn({ pr: queueKey(job), sha: shaOf(job) }, 'queue is closing; job not accepted');
        return false;
      }
      const key = queueKey(job);
      const queued = waiting.get(key);
      const active = running.get(key);
      if (queued && sameWork(queued, job)) {
        // Same head SHA twice (e.g. opened + a command): keep one job, but a full re-review request sticks.
        if (!isCommandJob(job) && !isCommandJob(queued) && job.full && !queued.full) waiting.set(key, { ...queued, full: true, trigger: job.trigger });
        return false;
      }
      if (!queued && active && sameWork(active.job, job) && !active.controller.signal.aborted) return false;
      if (active && !sameWork(active.job, job) && !active.controller.signal.aborted) {
        log.info({ pr: key, sha: shaOf(active.job), newerSha: shaOf(job) }, 'aborting review of a superseded head SHA');
        active.controller.abort(new Error(`superseded by ${shaOf(job) ?? 'a newer job'}`));
      }
      if (queued) log.debug({ pr: key, sha: shaOf(queued), newerSha: shaOf(job) }, 'replacing a waiting job with a newer head SHA');
      waiting.set(key, job);
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
    async close(timeoutMs = 30_000) {
      closing = true;
      if (running.size === 0) {
        dropWaiting();
        return;
      }
      // Running jobs finish; waiting ones are not started.
      const drained = new Promise<void>((resolve) => (idle = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log.warn({ active: running.size }, 'shutdown timeout: aborting running reviews');
        for (const r of running.values()) r.controller.abort(new Error('shutting down'));
        await Promise.allSettled([...running.values()].map((r) => r.done));
      }
      dropWaiting();
    },
  };

  function dropWaiting(): void {
    if (waiting.size > 0) log.warn({ dropped: waiting.size }, 'queue closed with waiting jobs; they were not run');
    waiting.clear();
  }
}
