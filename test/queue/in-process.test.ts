import { reviewJobsOnly } from '../../src/queue/review-job.js';
import { describe, expect, it } from 'vitest';
import { createInProcessQueue } from '../../src/queue/in-process-queue.js';
import type { Logger } from '../../src/review/ports.js';
import { job, queueContract, waitFor } from './queue-contract.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps warnings (their context and message) for assertions. */
function warnings(): Logger & { lines: { ctx: Record<string, unknown>; msg: string }[] } {
  const lines: { ctx: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    debug() {},
    info() {},
    error() {},
    warn(obj: object | string, msg?: string) {
      if (typeof obj === 'object') lines.push({ ctx: obj as Record<string, unknown>, msg: msg ?? '' });
    },
  };
}

queueContract('in-process queue', async (opts) => createInProcessQueue(opts));

describe('in-process queue', () => {
  it('upgrades a waiting job to a full re-review when a full command arrives for the same SHA', async () => {
    const q = createInProcessQueue();
    const sha = 'a'.repeat(40);
    await q.enqueue(job(1, sha));
    expect(await q.enqueue(job(1, sha, { trigger: 'command-full', full: true }))).toBe(false);
    const seen: boolean[] = [];
    await q.start(reviewJobsOnly(async (j) => void seen.push(j.full)));
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([true]);
    await q.close();
  });

  it('keeps running other jobs after one fails', async () => {
    const q = createInProcessQueue({ concurrency: 1, retry: { maxAttempts: 1 } });
    const seen: number[] = [];
    await q.start(reviewJobsOnly(async (j) => {
      seen.push(j.number);
      if (j.number === 1) throw new Error('boom');
    }));
    await q.enqueue(job(1, 'a'.repeat(40)));
    await q.enqueue(job(2, 'a'.repeat(40)));
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
    await q.close();
  });

  it('aborts running jobs that outlast the shutdown timeout', async () => {
    const q = createInProcessQueue();
    let aborted = false;
    let started = false;
    await q.start(
      (_j, signal) =>
        new Promise<void>((resolve) => {
          started = true;
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    );
    await q.enqueue(job(1, 'a'.repeat(40)));
    await waitFor(() => started);
    await q.close(50);
    expect(aborted).toBe(true);
  });

  describe('draining on close (SIGTERM)', () => {
    it('keeps starting waiting jobs while the grace period lasts: 10 jobs, 2 at a time, all run', async () => {
      const log = warnings();
      const q = createInProcessQueue({ concurrency: 2, log });
      const done: number[] = [];
      await q.start(reviewJobsOnly(async (j) => {
        await sleep(40);
        done.push(j.number);
      }));
      for (let n = 1; n <= 10; n += 1) await q.enqueue(job(n, 'a'.repeat(40)));
      const started = Date.now();
      await q.close(5_000);
      expect(done.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(Date.now() - started).toBeLessThan(2_000); // returns once drained, not at the deadline
      expect(await q.enqueue(job(11, 'a'.repeat(40)))).toBe(false);
      expect(log.lines.filter((l) => l.msg.includes('not'))).toEqual([expect.objectContaining({ msg: 'queue is closing; job not accepted' })]);
    });

    it('runs a retry whose delay ends within the grace period', async () => {
      const q = createInProcessQueue({ retry: { maxAttempts: 2, baseDelayMs: 100 } });
      let tries = 0;
      await q.start(async () => {
        tries += 1;
        if (tries === 1) throw new Error('502');
      });
      await q.enqueue(job(1, 'a'.repeat(40)));
      await waitFor(() => tries === 1);
      await q.close(2_000);
      expect(tries).toBe(2);
    });

    it('when the grace period ends, aborts running jobs as shutting down and logs every job not run', async () => {
      const log = warnings();
      const q = createInProcessQueue({ concurrency: 2, log });
      const reasons: unknown[] = [];
      const started: number[] = [];
      await q.start(reviewJobsOnly(async (j, signal) => {
        started.push(j.number);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        reasons.push(signal.reason);
      }));
      const jobs = Array.from({ length: 10 }, (_, i) => job(i + 1, 'b'.repeat(40)));
      for (const j of jobs) await q.enqueue(j);
      await waitFor(() => started.length === 2);
      const t0 = Date.now();
      await q.close(200);
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(started).toEqual([1, 2]);
      expect(reasons).toHaveLength(2);
      for (const r of reasons) expect((r as Error).message).toMatch(/^shutting down/);
      const interrupted = log.lines.filter((l) => l.msg.startsWith('job interrupted by shutdown')).map((l) => l.ctx.deliveryId);
      const notRun = log.lines.filter((l) => l.msg.startsWith('queue closed before this job ran')).map((l) => l.ctx);
      expect(interrupted.sort()).toEqual([jobs[0]?.deliveryId, jobs[1]?.deliveryId].sort());
      expect(notRun.map((c) => c.deliveryId)).toEqual(jobs.slice(2).map((j) => j.deliveryId));
      expect(notRun[0]).toMatchObject({ pr: 'acme/shop#3', sha: 'b'.repeat(40) });
      expect(await q.depth()).toEqual({ waiting: 0, active: 0 });
    });

    it('returns a few seconds after the grace period even when an aborted job ignores its signal', async () => {
      const log = warnings();
      const q = createInProcessQueue({ log });
      let release: (() => void) | undefined;
      await q.start(async () => {
        // Deaf to the abort (a write in flight that does not take the signal): only `release` ends it.
        await new Promise<void>((resolve) => (release = resolve));
      });
      await q.enqueue(job(1, 'a'.repeat(40)));
      await waitFor(() => release !== undefined);
      const t0 = Date.now();
      await q.close(100);
      const took = Date.now() - t0;
      release?.();
      expect(took).toBeGreaterThanOrEqual(100);
      expect(took).toBeLessThan(6_500);
      expect(log.lines.some((l) => l.msg.startsWith('aborted jobs did not stop in time'))).toBe(true);
    }, 10_000);

    it('does not retry a job aborted by the shutdown', async () => {
      const q = createInProcessQueue({ retry: { maxAttempts: 3, baseDelayMs: 1 } });
      let tries = 0;
      await q.start(async (_j, signal) => {
        tries += 1;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        throw signal.reason;
      });
      await q.enqueue(job(1, 'a'.repeat(40)));
      await waitFor(() => tries === 1);
      await q.close(50);
      await sleep(50);
      expect(tries).toBe(1);
    });
  });
});

