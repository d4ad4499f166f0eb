import type { BaseModelData } from '../integration/repository-model.js';
import type { SnapshotBudget } from '../integration/snapshot.js';
import type { Logger } from './ports.js';

/**
 * Where the per-file model data of a repository's base commit is kept between reviews, so the next pull request
 * on the same base reads no snapshot. Keys come from {@link baseModelKey}.
 */
export interface BaseModelCache {
  get(key: string): Promise<BaseModelData | undefined>;
  set(key: string, data: BaseModelData): Promise<void>;
}

/**
 * The version of the cached per-file model data: raised when `FileModel` gains what older entries lack (2: the
 * vendor types a file exports and its signatures use, its token requests; 3: message consumers as inbound
 * points; 4: the vendor clients a file builds and hands out), so no review reads a stale shape.
 */
export const MODEL_DATA_VERSION = 4;

/** The cache key of a repository's base model: repository, base commit, budget (a smaller budget reads less) and data version. */
export function baseModelKey(repository: string, ref: string, budget: SnapshotBudget): string {
  return `${repository}@${ref}#${budget.maxFiles}/${budget.maxBytes}/${budget.timeoutMs}/m${MODEL_DATA_VERSION}`;
}

/** A cache lookup's result, for metrics: `hit` or `miss` (a failed lookup is a miss). */
export type CacheLookup = 'hit' | 'miss';

/** Default bound of the in-memory cache: 64 MB of model data (as JSON characters). */
export const MEMORY_CACHE_MAX_SIZE = 64 * 1024 * 1024;

/**
 * An in-memory LRU of base models, bounded by the size of their JSON (a 5,000-file repository's model is a
 * few MB): the least recently used go first. A model larger than the whole bound is not kept.
 *
 * `onLookup` hears every lookup's result (the App counts them by layer).
 *
 * @example const cache = memoryBaseModelCache(); await cache.set(key, data); await cache.get(key)
 */
export function memoryBaseModelCache(maxSize = MEMORY_CACHE_MAX_SIZE, opts: { onLookup?: (result: CacheLookup) => void } = {}): BaseModelCache & { readonly size: number; readonly entries: number } {
  // A Map iterates in insertion order: re-inserting on every hit makes its first key the least recently used.
  const entries = new Map<string, { data: BaseModelData; size: number }>();
  let size = 0;
  return {
    get size() {
      return size;
    },
    get entries() {
      return entries.size;
    },
    get(key) {
      const hit = entries.get(key);
      opts.onLookup?.(hit ? 'hit' : 'miss');
      if (!hit) return Promise.resolve(undefined);
      entries.delete(key);
      entries.set(key, hit);
      return Promise.resolve(hit.data);
    },
    set(key, data) {
      const entrySize = JSON.stringify(data).length;
      const old = entries.get(key);
      if (old) {
        entries.delete(key);
        size -= old.size;
      }
      if (entrySize > maxSize) return Promise.resolve();
      entries.set(key, { data, size: entrySize });
      size += entrySize;
      for (const [k, v] of entries) {
        if (size <= maxSize) break;
        entries.delete(k);
        size -= v.size;
      }
      return Promise.resolve();
    },
  };
}

/**
 * Two caches in a row: the fast one first, the shared one (Redis) behind it, filling the fast one on a hit.
 * A failure of either is logged and treated as a miss (or a lost write): the review reads the snapshot again.
 */
export function tieredBaseModelCache(first: BaseModelCache, second: BaseModelCache, log: Logger): BaseModelCache {
  const safe = async <T>(what: string, key: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      log.warn({ key, err: (err as Error).message }, `base model cache: ${what} failed`);
      return undefined;
    }
  };
  return {
    async get(key) {
      const near = await safe('get', key, () => first.get(key));
      if (near) return near;
      const far = await safe('get', key, () => second.get(key));
      if (far) await safe('set', key, () => first.set(key, far));
      return far;
    },
    async set(key, data) {
      await safe('set', key, () => first.set(key, data));
      await safe('set', key, () => second.set(key, data));
    },
  };
}
