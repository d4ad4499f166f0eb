import { Redis } from 'ioredis';

/** One pass per interval across processes. */
export interface PassLock {
  /** True when this process may run the pass; holds the claim for `ttlMs`. */
  claim(ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A lock on Redis (`SET key owner NX PX ttl`), so that of several BullMQ workers only one reconciles
 * per interval (the others would only find the same heads; the queue's job ids dedupe them anyway).
 * The claim is never released: it expires, so the next interval's pass can be anyone's. Redis
 * commands fail fast (one try, 5 s), and the caller runs the pass when the lock cannot be asked.
 *
 * @example
 * const lock = createRedisPassLock(env.redisUrl);
 * if (await lock.claim(540_000)) await reconciler.runOnce();
 */
export function createRedisPassLock(redisUrl: string, key = 'arch-review:reconcile-pass'): PassLock {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 5_000, connectTimeout: 5_000 });
  // Errors surface on the command; without a listener ioredis would also print them.
  redis.on('error', () => undefined);
  const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  return {
    async claim(ttlMs) {
      return (await redis.set(key, owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
    },
    async close() {
      redis.disconnect();
    },
  };
}
