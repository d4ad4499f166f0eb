import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue, ReviewJob } from '../../src/queue/review-job.js';
import { reviewJobsOnly } from '../../src/queue/review-job.js';

/** Builds a fresh, empty queue for one test. */
export type MakeQueue = (opts: { concurrency: number }) => Promise<JobQueue>;

let seq = 0;
/** A pull_request job for PR `number` of acme/shop at `headSha`. */
export function job(number: number, headSha: string, extra: Partial<ReviewJob> = {}): ReviewJob {
  seq += 1;
  return {
    installationId: 42,
    owner: 'acme',
    repo: 'shop',
    number,
    headSha,
    trigger: 'synchronize',
    deliveryId: `delivery-${seq}`,
    full: false,
    enqueuedAt: Date.now(),
    ...extra,
  };
}

/** Polls `cond` until it holds; fails the test after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The behaviour every JobQueue adapter promises (hono's shared router suite): run it against the
 * in-process queue and the BullMQ queue alike.
 */
export function queueContract(name: string, make: MakeQueue): void {
  describe(`${name} (JobQueue contract)`, () => {
    let queue: JobQueue | undefined;
    const open = async (concurrency = 2) => (queue = await make({ concurrency }));
    afterEach(async () => {
      await queue?.close(2_000);
      queue = undefined;
    });

    it('runs an enqueued job with the data it was given', async () => {
      const q = await open();
      const seen: ReviewJob[] = [];
      await q.start(reviewJobsOnly(async (j) => void seen.push(j)));
      const j = job(1, 'a'.repeat(40), { trigger: 'opened' });
      expect(await q.enqueue(j)).toBe(true);
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toEqual(j);
    });

    it('accepts a job for the same PR and head SHA only once', async () => {
      const q = await open();
      const sha = 'b'.repeat(40);
      expect(await q.enqueue(job(2, sha))).toBe(true);
      expect(await q.enqueue(job(2, sha, { trigger: 'ready_for_review' }))).toBe(false);
      expect((await q.depth()).waiting).toBe(1);
      const seen: string[] = [];
      await q.start(reviewJobsOnly(async (j) => void seen.push(j.headSha)));
      await waitFor(() => seen.length === 1);
      await sleep(150);
      expect(seen).toEqual([sha]);
    });

    it('keeps only the newest head SHA of a waiting PR', async () => {
      const q = await open();
      await q.enqueue(job(3, '1'.repeat(40)));
      await q.enqueue(job(3, '2'.repeat(40)));
      await q.enqueue(job(4, '9'.repeat(40)));
      expect((await q.depth()).waiting).toBe(2);
      const seen: string[] = [];
      await q.start(reviewJobsOnly(async (j) => void seen.push(`${j.number}@${j.headSha[0]}`)));
      await waitFor(() => seen.length === 2);
      await sleep(150);
      expect(seen.sort()).toEqual(['3@2', '4@9']);
    });

    it('aborts a running job when a newer head SHA of its PR arrives, then runs the newer one', async () => {
      const q = await open();
      const events: string[] = [];
      await q.start(reviewJobsOnly(async (j, signal) => {
        events.push(`start ${j.headSha[0]}`);
        if (j.headSha.startsWith('1')) {
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          events.push(`aborted ${j.headSha[0]}`);
        }
      }));
      await q.enqueue(job(5, '1'.repeat(40)));
      await waitFor(() => events.includes('start 1'));
      await q.enqueue(job(5, '2'.repeat(40)));
      await waitFor(() => events.includes('start 2'));
      expect(events).toEqual(['start 1', 'aborted 1', 'start 2']);
    });

    it('never runs more jobs at once than its concurrency', async () => {
      const q = await open(2);
      let running = 0;
      let peak = 0;
      let done = 0;
      await q.start(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(80);
        running -= 1;
        done += 1;
      });
      for (let n = 10; n < 15; n += 1) await q.enqueue(job(n, 'c'.repeat(40)));
      await waitFor(() => done === 5, 10_000);
      expect(peak).toBe(2);
    });

    it('lets a running job finish when closed', async () => {
      const q = await open();
      let started = false;
      let finished = false;
      let aborted = false;
      await q.start(async (_j, signal) => {
        started = true;
        await sleep(300);
        aborted = signal.aborted;
        finished = true;
      });
      await q.enqueue(job(20, 'd'.repeat(40)));
      await waitFor(() => started);
      await q.close(5_000);
      queue = undefined;
      expect(finished).toBe(true);
      expect(aborted).toBe(false);
    });

    it('refuses jobs once closed', async () => {
      const q = await open();
      await q.close(1_000);
      queue = undefined;
      expect(await q.enqueue(job(21, 'e'.repeat(40)))).toBe(false);
    });

    it('reports waiting and running jobs', async () => {
      const q = await open(1);
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      let started = 0;
      await q.enqueue(job(30, 'f'.repeat(40)));
      await q.enqueue(job(31, 'f'.repeat(40)));
      expect(await q.depth()).toEqual({ waiting: 2, active: 0 });
      await q.start(async () => {
        started += 1;
        await gate;
      });
      await waitFor(() => started === 1);
      await expect.poll(() => q.depth()).toEqual({ waiting: 1, active: 1 });
      expect(await q.healthy()).toBe(true);
      release();
      await waitFor(() => started === 2);
    });
  });
}
