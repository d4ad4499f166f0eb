import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqJobId, createBullmqQueue } from '../../src/queue/bullmq-queue.js';
import { job, queueContract } from './queue-contract.js';
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
});
