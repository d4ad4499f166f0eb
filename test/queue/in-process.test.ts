import { reviewJobsOnly } from '../../src/queue/review-job.js';
import { describe, expect, it } from 'vitest';
import { createInProcessQueue } from '../../src/queue/in-process-queue.js';
import { job, queueContract, waitFor } from './queue-contract.js';

queueContract('in-process queue', async ({ concurrency }) => createInProcessQueue({ concurrency }));

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
    const q = createInProcessQueue({ concurrency: 1 });
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
});
