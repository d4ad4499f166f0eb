import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Redis } from 'ioredis';
import { ExternalServiceError } from '../errors.js';
import type { BaseModelData } from '../integration/repository-model.js';
import type { BaseModelCache, CacheLookup } from '../review/base-model-cache.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A base model is kept this long after it was written: a base commit nobody opens pull requests on is forgotten. */
export const BASE_MODEL_TTL_S = 7 * 24 * 3600;
/** Models larger than this (as JSON) are stored gzipped. */
export const GZIP_OVER_BYTES = 32 * 1024;

export interface RedisBaseModelCacheOptions {
  /** Key prefix; default `arch-review:base-model`. */
  prefix?: string;
  ttlSeconds?: number;
  /** Hears every lookup's result (a failed one is a miss): the App counts them as `base_model_cache_lookups_total{layer="redis"}`. */
  onLookup?: (result: CacheLookup) => void;
}

/**
 * The base-model cache on Redis, shared by every worker: one key per (repository, base SHA, budget),
 * `<prefix>:<key>`, holding compact JSON (gzipped, with a leading `z`, when over {@link GZIP_OVER_BYTES}),
 * expiring {@link BASE_MODEL_TTL_S} seconds after it was written. Commands fail fast (one try, 2 s); a failure
 * throws, and the tiered cache in front of it logs it and reads the snapshot instead.
 *
 * @example const cache = tieredBaseModelCache(memoryBaseModelCache(), createRedisBaseModelCache(env.redisUrl), log);
 */
export function createRedisBaseModelCache(redisUrl: string, opts: RedisBaseModelCacheOptions = {}): BaseModelCache & { close(): Promise<void> } {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2_000, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  const prefix = opts.prefix ?? 'arch-review:base-model';
  const ttl = opts.ttlSeconds ?? BASE_MODEL_TTL_S;
  async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new ExternalServiceError('redis', `base model cache: ${what} failed: ${(err as Error).message}`, { retryable: true, cause: err });
    }
  }
  return {
    get: async (key) => {
      let found: BaseModelData | undefined;
      try {
        found = await guarded('get', async () => {
          const raw = await redis.getBuffer(`${prefix}:${key}`);
          if (!raw || raw.length === 0) return undefined;
          const json = raw[0] === 0x7a /* z */ ? (await gunzipAsync(raw.subarray(1))).toString('utf8') : raw.toString('utf8');
          return JSON.parse(json) as BaseModelData;
        });
      } finally {
        opts.onLookup?.(found ? 'hit' : 'miss');
      }
      return found;
    },
    set: (key, data) =>
      guarded('set', async () => {
        const json = Buffer.from(JSON.stringify(data), 'utf8');
        const value = json.length > GZIP_OVER_BYTES ? Buffer.concat([Buffer.from('z'), await gzipAsync(json)]) : json;
        await redis.set(`${prefix}:${key}`, value, 'EX', ttl);
      }),
    async close() {
      redis.disconnect();
    },
  };
}
