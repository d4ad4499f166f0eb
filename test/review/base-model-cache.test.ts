import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBaseModelCache } from '../../src/app/redis-base-model-cache.js';
import type { BaseModelData } from '../../src/integration/repository-model.js';
import { baseModelKey, memoryBaseModelCache, tieredBaseModelCache, type BaseModelCache } from '../../src/review/base-model-cache.js';
import { redisUnavailableReason, startRedis, type TestRedis } from '../queue/redis-server.js';

const data = (ref: string, files = 1): BaseModelData => ({
  ref,
  files: Array.from({ length: files }, (_, i) => ({ path: `src/m${i}.ts`, language: 'typescript' as const, points: [], imports: [`src/m${i + 1}`] })),
  truncated: false,
  stats: { scanned: files, kept: files, bytes: 100, elapsedMs: 1 },
});

const recordingLog = () => {
  const warnings: string[] = [];
  return { warnings, log: { debug() {}, info() {}, error() {}, warn: (_o: object | string, msg?: string) => void warnings.push(msg ?? '') } };
};

/** What every adapter of the cache port does (run for the in-memory LRU and for Redis). */
function baseModelCacheContract(make: () => BaseModelCache): void {
  it('contract: a key never set is a miss; a set model reads back equal; a second set replaces it', async () => {
    const cache = make();
    expect(await cache.get('acme/shop@none#1/2/3')).toBeUndefined();
    await cache.set('acme/shop@abc#1/2/3', data('abc', 3));
    expect(await cache.get('acme/shop@abc#1/2/3')).toEqual(data('abc', 3));
    await cache.set('acme/shop@abc#1/2/3', data('abc', 1));
    expect(await cache.get('acme/shop@abc#1/2/3')).toEqual(data('abc', 1));
  });
}

describe('memoryBaseModelCache', () => {
  baseModelCacheContract(() => memoryBaseModelCache());

  it('keeps models up to its size bound, dropping the least recently used', async () => {
    const one = JSON.stringify(data('a')).length;
    const cache = memoryBaseModelCache(one * 2 + 10);
    await cache.set('a', data('a'));
    await cache.set('b', data('b'));
    expect(await cache.get('a')).toEqual(data('a')); // a is now the most recently used
    await cache.set('c', data('c'));
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual(data('a'));
    expect(await cache.get('c')).toEqual(data('c'));
    expect(cache.entries).toBe(2);
    expect(cache.size).toBeLessThanOrEqual(one * 2 + 10);
  });

  it('does not keep a model larger than the whole bound', async () => {
    const cache = memoryBaseModelCache(50);
    await cache.set('big', data('big', 10));
    expect(await cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keys by repository, base SHA and budget', () => {
    expect(baseModelKey('acme/shop', 'abc', { maxFiles: 5000, maxBytes: 1000, timeoutMs: 20_000 })).toBe('acme/shop@abc#5000/1000/20000/m4');
  });
});

describe('tieredBaseModelCache', () => {
  const failing: BaseModelCache = { get: () => Promise.reject(new Error('ECONNREFUSED')), set: () => Promise.reject(new Error('ECONNREFUSED')) };

  it('fills the near cache from the far one', async () => {
    const near = memoryBaseModelCache();
    const far = memoryBaseModelCache();
    await far.set('k', data('k'));
    const { log } = recordingLog();
    expect(await tieredBaseModelCache(near, far, log).get('k')).toEqual(data('k'));
    expect(await near.get('k')).toEqual(data('k'));
  });

  it('a failing far cache only logs: a miss, and the write still lands near', async () => {
    const near = memoryBaseModelCache();
    const { log, warnings } = recordingLog();
    const cache = tieredBaseModelCache(near, failing, log);
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', data('k'));
    expect(await near.get('k')).toEqual(data('k'));
    expect(warnings).toEqual(['base model cache: get failed', 'base model cache: set failed']);
  });
});

describe.skipIf(redisUnavailableReason() !== undefined)('the Redis base-model cache (a real redis-server)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await redis?.stop();
  });

  baseModelCacheContract(() => createRedisBaseModelCache(redis.url, { prefix: `c${Math.random()}` }));

  it('stores small models as JSON and large ones gzipped, with a TTL, and reads both back', async () => {
    const lookups: string[] = [];
    const cache = createRedisBaseModelCache(redis.url, { prefix: 't', ttlSeconds: 60, onLookup: (r) => lookups.push(r) });
    const small = data('s');
    const large = data('l', 2000);
    await cache.set('small', small);
    await cache.set('large', large);
    expect(await cache.get('small')).toEqual(small);
    expect(await cache.get('large')).toEqual(large);
    expect(await cache.get('none')).toBeUndefined();
    expect(lookups).toEqual(['hit', 'hit', 'miss']);
    const { Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    expect((await raw.getBuffer('t:small'))![0]).toBe('{'.charCodeAt(0));
    const stored = (await raw.getBuffer('t:large'))!;
    expect(stored[0]).toBe('z'.charCodeAt(0));
    expect(stored.length).toBeLessThan(JSON.stringify(large).length / 5);
    expect(await raw.ttl('t:large')).toBeGreaterThan(50);
    raw.disconnect();
    await cache.close();
  });

  it('a Redis that is gone makes get and set fail fast (the tiered cache logs them)', async () => {
    const lookups: string[] = [];
    const cache = createRedisBaseModelCache('redis://127.0.0.1:1', { prefix: 't', onLookup: (r) => lookups.push(`redis ${r}`) });
    const { log, warnings } = recordingLog();
    const tiered = tieredBaseModelCache(memoryBaseModelCache(undefined, { onLookup: (r) => lookups.push(`memory ${r}`) }), cache, log);
    await tiered.set('k', data('k'));
    expect(await tiered.get('k')).toEqual(data('k')); // from memory
    expect(await tiered.get('other')).toBeUndefined();
    expect(warnings).toEqual(['base model cache: set failed', 'base model cache: get failed']);
    // A failed Redis lookup counts as a miss of that layer.
    expect(lookups).toEqual(['memory hit', 'memory miss', 'redis miss']);
    await cache.close();
  });
});
