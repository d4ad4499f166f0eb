import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqJobId, createBullmqQueue } from '../../src/queue/bullmq-queue.js';
import { job, queueContract, waitFor } from './queue-contract.js';
import { redisUnavailableReason, startRedis } from './redis-server.js';
import type { TestRedis } from './redis-server.js';

const unavailable = redisUnavailableReason();
if (unavailable) console.warn(`Skipping the BullMQ queue tests: ${unavailable}.`);

describe('bullmqJobId', () => {
  it('names one job per PR and head SHA, without the colon BullMQ forbids', () => {
    const id = bullmqJobId(job(7, 'a'.repeat(40)));
    expect(id).toBe(`acme/shop#7@${'a'.repeat(40)}`);
    expect(id).not.toContain(':');
    expect(bullmqJobId(job(7, 'a'.repeat(40), { deliveryId: 'other' }))).toBe(id);
  });

  it('gives each command its own job, so a re-run of a reviewed SHA is possible', () => {
    const a = bullmqJobId(job(7, 'a'.repeat(40), { trigger: 'command', deliveryId: 'd1' }));
    const b = bullmqJobId(job(7, 'a'.repeat(40), { trigger: 'command', deliveryId: 'd2' }));
    expect(a).not.toBe(b);
  });
});

describe.skipIf(unavailable !== undefined)('BullMQ queue on a real redis-server', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  // Each queue gets its own key prefix, so tests never see each other's jobs.
  queueContract('BullMQ queue', async (opts) =>
    createBullmqQueue({ redisUrl: redis.url, prefix: `t${randomUUID().slice(0, 8)}`, supersedePollMs: 50, ...opts }),
  );

  it('retries a failed job with backoff, up to three tries', async () => {
    const q = createBullmqQueue({ redisUrl: redis.url, prefix: `t${randomUUID().slice(0, 8)}`, retry: { maxAttempts: 3, baseDelayMs: 20 } });
    let tries = 0;
    await q.start(async () => {
      tries += 1;
      throw new Error('GitHub is down');
    });
    await q.enqueue(job(1, 'a'.repeat(40)));
    await expect.poll(() => tries, { timeout: 5_000 }).toBe(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(tries).toBe(3);
    await q.close(1_000);
  });

  it('reports Redis unreachable as unhealthy', async () => {
    const q = createBullmqQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: 'x', commandTimeoutMs: 300 });
    expect(await q.healthy()).toBe(false);
    await q.close(100);
  });

  it('resumes the job of a kill -9ed worker process on another worker within about 20 s', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const script = fileURLToPath(new URL('./bullmq-worker-process.ts', import.meta.url));
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, redis.url, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const producer = createBullmqQueue({ redisUrl: redis.url, prefix });
    const rescuer = createBullmqQueue({ redisUrl: redis.url, prefix });
    try {
      await waitFor(() => out.includes('ready'), 20_000);
      const j = job(60, 'a'.repeat(40));
      expect(await producer.enqueue(j)).toBe(true);
      await waitFor(() => out.includes(`started ${j.deliveryId}`), 10_000);
      let finishedAt = 0;
      const attempts: number[] = [];
      await rescuer.start(async (_j, _signal, attempt) => {
        attempts.push(attempt.attempt);
        finishedAt = Date.now();
      });
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await waitFor(() => finishedAt > 0, 28_000);
      const seconds = (finishedAt - killedAt) / 1000;
      console.info(`BullMQ: a kill -9ed worker's job finished on another worker after ${seconds.toFixed(1)} s`);
      expect(seconds).toBeLessThan(25); // lock 15 s + stalled check every 5 s; BullMQ defaults and our old claim made it ~70 s
      expect(attempts).toEqual([1]); // a stall uses up no try
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await producer.close(1_000);
      await rescuer.close(1_000);
    }
  }, 60_000);

  it('puts a job interrupted by shutdown back in the queue, without using up a try', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const first = createBullmqQueue({ redisUrl: redis.url, prefix });
    const tries: number[] = [];
    await first.start(async (_j, signal, attempt) => {
      tries.push(attempt.attempt);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    });
    await first.enqueue(job(61, 'a'.repeat(40)));
    await waitFor(() => tries.length === 1);
    const t0 = Date.now();
    await first.close(200);
    expect(Date.now() - t0).toBeLessThan(3_000);
    const second = createBullmqQueue({ redisUrl: redis.url, prefix });
    let rerun: number | undefined;
    await second.start(async (_j, _signal, attempt) => void (rerun = attempt.attempt));
    await waitFor(() => rerun !== undefined, 5_000);
    expect(rerun).toBe(1);
    await second.close(1_000);
  });

  it('closes in bounded time when Redis is gone, even with a job running', async () => {
    const own = await startRedis();
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const worker = createBullmqQueue({ redisUrl: own.url, prefix });
    const web = createBullmqQueue({ redisUrl: own.url, prefix });
    let started = false;
    await worker.start(async (_j, signal) => {
      started = true;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    });
    await web.enqueue(job(62, 'a'.repeat(40)));
    await waitFor(() => started);
    await own.stop();
    const t0 = Date.now();
    await Promise.all([worker.close(1_000), web.close(1_000)]);
    const ms = Date.now() - t0;
    console.info(`BullMQ: close(1000) with Redis down returned after ${ms} ms`);
    expect(ms).toBeLessThan(6_000); // the grace period plus a few seconds
  });
});

