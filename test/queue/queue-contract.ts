import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ExternalServiceError } from '../../src/errors.js';
import type { RetryHooks, RetryPolicy } from '../../src/queue/retry-policy.js';
import type { CommandJob, JobAttempt, JobQueue, QueueJob, ReplyJob, ReviewJob } from '../../src/queue/review-job.js';
import { isReviewJob, reviewJobsOnly } from '../../src/queue/review-job.js';

/** Builds a fresh, empty queue for one test (retries default to 3 tries, 20 ms base delay). */
export type MakeQueue = (opts: { concurrency: number; retry?: Partial<RetryPolicy> } & RetryHooks) => Promise<JobQueue>;

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

/** A `/arch-review` command job on PR `number`. */
export function commandJob(number: number, extra: Partial<CommandJob> = {}): CommandJob {
  seq += 1;
  return {
    type: 'command',
    installationId: 42,
    owner: 'acme',
    repo: 'shop',
    number,
    deliveryId: `delivery-${seq}`,
    enqueuedAt: Date.now(),
    commentId: 1000 + seq,
    commenter: 'octocat',
    command: 'review',
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
    const open = async (concurrency = 2, extra: { retry?: Partial<RetryPolicy> } & RetryHooks = {}) =>
      (queue = await make({ concurrency, retry: { maxAttempts: 3, baseDelayMs: 20, ...extra.retry }, onRetry: extra.onRetry, onFinalFailure: extra.onFinalFailure }));
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

    it('retries a failing job with backoff, telling each try its number, up to the last try', async () => {
      const retries: [number, number][] = [];
      const finals: string[] = [];
      const q = await open(2, {
        onRetry: (_j, a, delayMs) => retries.push([a.attempt, delayMs]),
        onFinalFailure: (j, err) => finals.push(`${j.deliveryId}: ${(err as Error).message}`),
      });
      const tries: JobAttempt[] = [];
      const at: number[] = [];
      await q.start(async (_j, _s, attempt) => {
        tries.push(attempt);
        at.push(Date.now());
        throw new ExternalServiceError('github', '502 Bad Gateway', { status: 502, retryable: true });
      });
      const j = job(40, 'a'.repeat(40));
      await q.enqueue(j);
      await waitFor(() => finals.length === 1);
      await sleep(150);
      expect(tries).toEqual([
        { attempt: 1, maxAttempts: 3 },
        { attempt: 2, maxAttempts: 3 },
        { attempt: 3, maxAttempts: 3 },
      ]);
      expect(retries.map(([a]) => a)).toEqual([1, 2]);
      // Equal jitter on a 20 ms base: 10-20 ms, then 20-40 ms.
      const [, firstDelay = 0] = retries[0] ?? [];
      const [, secondDelay = 0] = retries[1] ?? [];
      expect(firstDelay).toBeGreaterThanOrEqual(10);
      expect(secondDelay).toBeGreaterThanOrEqual(20);
      expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(secondDelay - 5);
      expect(finals).toEqual([`${j.deliveryId}: github: 502 Bad Gateway`]);
    });

    it('runs a job again once a retry succeeds, and never retries a permanent error', async () => {
      const finals: unknown[] = [];
      const q = await open(2, { onFinalFailure: (_j, err) => finals.push(err) });
      const tries = new Map<number, number>();
      await q.start(reviewJobsOnly(async (j) => {
        tries.set(j.number, (tries.get(j.number) ?? 0) + 1);
        if (j.number === 41 && tries.get(41) === 1) throw new Error('ECONNRESET');
        if (j.number === 42) throw new ConfigError('bad .github/arch-review.yml');
      }));
      await q.enqueue(job(41, 'a'.repeat(40)));
      await q.enqueue(job(42, 'a'.repeat(40)));
      await waitFor(() => tries.get(41) === 2 && finals.length === 1);
      await sleep(200);
      expect(Object.fromEntries(tries)).toEqual({ 41: 2, 42: 1 });
      expect(finals[0]).toBeInstanceOf(Error);
    });

    it("waits at least the service's retry-after before retrying", async () => {
      const q = await open(2, { retry: { baseDelayMs: 1 } });
      const at: number[] = [];
      await q.start(async () => {
        at.push(Date.now());
        if (at.length === 1) throw new ExternalServiceError('github', 'secondary rate limit', { status: 403, retryable: true, retryAfterMs: 600 });
      });
      await q.enqueue(job(43, 'a'.repeat(40)));
      await waitFor(() => at.length === 2);
      expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(590);
    });

    it('replaces a job waiting for its retry with a newer head SHA of its PR; the replaced one only tidies, with an aborted signal', async () => {
      const q = await open(2, { retry: { baseDelayMs: 400 } });
      const seen: string[] = [];
      await q.start(reviewJobsOnly(async (j, signal) => {
        seen.push(`${j.headSha.slice(0, 1)}${signal.aborted ? ' tidy' : ''}`);
        if (j.headSha.startsWith('1') && !signal.aborted) throw new Error('GitHub is down');
      }));
      await q.enqueue(job(44, '1'.repeat(40)));
      await waitFor(() => seen.length === 1);
      await sleep(50); // the failure is handled and the retry is waiting
      expect(await q.enqueue(job(44, '2'.repeat(40)))).toBe(true);
      await waitFor(() => seen.length === 3);
      await sleep(700);
      // The first try left work behind (a check run in progress): the superseded retry is handed over
      // once with its signal already aborted, and never runs as a review again.
      expect(seen[0]).toBe('1');
      expect(seen.slice(1).sort()).toEqual(['1 tidy', '2']);
    });

    it('never hands a superseded job that never ran to its processor', async () => {
      const q = await open(1);
      const seen: string[] = [];
      let release: (() => void) | undefined;
      await q.start(reviewJobsOnly(async (j, signal) => {
        seen.push(`${j.number}@${j.headSha.slice(0, 1)}${signal.aborted ? ' tidy' : ''}`);
        if (j.number === 46) await new Promise<void>((resolve) => (release = resolve));
      }));
      await q.enqueue(job(46, '9'.repeat(40)));
      await waitFor(() => release !== undefined);
      await q.enqueue(job(47, '1'.repeat(40)));
      await q.enqueue(job(47, '2'.repeat(40)));
      release?.();
      await waitFor(() => seen.length === 2);
      await sleep(300);
      expect(seen).toEqual(['46@9', '47@2']);
    });

    it('never starts a superseded job, even one that waited while its predecessor was stopping', async () => {
      const q = await open(3);
      const events: string[] = [];
      await q.start(reviewJobsOnly(async (j, signal) => {
        const sha = j.headSha.slice(0, 1);
        events.push(`start ${sha}`);
        if (sha === '1') {
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          await sleep(400); // slow to stop: its successors wait meanwhile
          events.push(`stopped ${sha}`);
        }
      }));
      await q.enqueue(job(45, '1'.repeat(40)));
      await waitFor(() => events.includes('start 1'));
      await q.enqueue(job(45, '2'.repeat(40)));
      await sleep(150);
      await q.enqueue(job(45, '3'.repeat(40)));
      await waitFor(() => events.includes('start 3'));
      await sleep(300);
      expect(events).toEqual(['start 1', 'stopped 1', 'start 3']);
    });

    it.each([
      ['finished', 46, false],
      ['failed for good', 48, true],
    ] as const)('accepts a head SHA again once its earlier job has %s', async (_outcome, number, fails) => {
      const q = await open(2, { retry: { maxAttempts: 1 } });
      const seen: string[] = [];
      await q.start(reviewJobsOnly(async (j) => {
        seen.push(j.deliveryId);
        if (fails && seen.length === 1) throw new Error('GitHub is down');
      }));
      const first = job(number, 'a'.repeat(40));
      await q.enqueue(first);
      await waitFor(() => seen.length === 1);
      await sleep(100);
      const again = job(number, 'a'.repeat(40));
      expect(await q.enqueue(again)).toBe(true);
      await waitFor(() => seen.length === 2);
      expect(seen).toEqual([first.deliveryId, again.deliveryId]);
    });

    it('keeps command jobs apart: they never replace, abort or get aborted by review jobs', async () => {
      const q = await open(3);
      const events: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      await q.start(async (j, signal) => {
        const name = isReviewJob(j) ? `review ${j.headSha[0]}` : `cmd ${j.deliveryId}`;
        events.push(`start ${name}`);
        await Promise.race([gate, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
        events.push(`${signal.aborted ? 'aborted' : 'done'} ${name}`);
      });
      const cmd = commandJob(47);
      await q.enqueue(job(47, '1'.repeat(40)));
      expect(await q.enqueue(cmd)).toBe(true);
      await waitFor(() => events.length === 2);
      await q.enqueue(job(47, '2'.repeat(40)));
      await waitFor(() => events.includes('aborted review 1'));
      expect(await q.enqueue(commandJob(47))).toBe(true);
      await waitFor(() => events.filter((e) => e.startsWith('start')).length === 4);
      release();
      await waitFor(() => events.filter((e) => e.startsWith('done')).length === 3);
      expect(events).toContain(`done cmd ${cmd.deliveryId}`);
      expect(events).toContain('done review 2');
      expect(events.filter((e) => e.startsWith('aborted'))).toEqual(['aborted review 1']);
    });

    it('keeps reply jobs apart too, and carries them whole (the question included)', async () => {
      const q = await open(2);
      const seen: QueueJob[] = [];
      await q.start(async (j) => void seen.push(j));
      seq += 1;
      const reply: ReplyJob = { type: 'reply', kind: 'thread', installationId: 42, owner: 'acme', repo: 'shop', number: 48, deliveryId: `delivery-${seq}`, enqueuedAt: Date.now(), commentId: 5000 + seq, threadRootId: 4000, commenter: 'octocat', question: 'Why?\nWe retry twice.', createdAt: '2026-12-03T10:00:00Z' };
      await q.enqueue(job(48, '3'.repeat(40)));
      expect(await q.enqueue(reply)).toBe(true);
      await waitFor(() => seen.length === 2);
      expect(seen).toContainEqual(reply);
    });

    it('does not retry a job that failed after a newer head SHA superseded it', async () => {
      const q = await open(2, { retry: { maxAttempts: 3, baseDelayMs: 10 } });
      const seen: string[] = [];
      let newerQueued = false;
      await q.start(reviewJobsOnly(async (j) => {
        const sha = j.headSha.slice(0, 1);
        seen.push(sha);
        if (sha === '1') {
          await waitFor(() => newerQueued);
          throw new Error('GitHub is down');
        }
      }));
      await q.enqueue(job(49, '1'.repeat(40)));
      await waitFor(() => seen.length === 1);
      await q.enqueue(job(49, '2'.repeat(40)));
      newerQueued = true;
      await waitFor(() => seen.includes('2'));
      await sleep(300);
      expect(seen).toEqual(['1', '2']);
    });
  });
}
