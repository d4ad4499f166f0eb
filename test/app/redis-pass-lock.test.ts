import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPassLock } from '../../src/app/redis-pass-lock.js';
import { redisUnavailableReason, startRedis, type TestRedis } from '../queue/redis-server.js';

describe.skipIf(redisUnavailableReason() !== undefined)('createRedisPassLock', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('lets one of several processes run the pass until the claim expires', async () => {
    const [a, b] = [createRedisPassLock(redis.url, 'test-lock'), createRedisPassLock(redis.url, 'test-lock')];
    try {
      expect(await a.claim(300)).toBe(true);
      expect(await b.claim(300)).toBe(false);
      expect(await a.claim(300)).toBe(false);
      await new Promise((r) => setTimeout(r, 400));
      expect(await b.claim(300)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails fast (the caller then runs the pass) when Redis is unreachable', async () => {
    const lock = createRedisPassLock('redis://127.0.0.1:1', 'test-lock');
    const started = Date.now();
    await expect(lock.claim(1_000)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(6_000);
    await lock.close();
  });
});
