/** Remembers recent webhook delivery ids, so a redelivered webhook does nothing the second time. */
export interface RecentDeliveries {
  /** True the first time an id is seen (and records it); false for a repeat. */
  claim(id: string): boolean;
  /** Forgets an id whose handling failed, so GitHub's redelivery can try again. */
  release(id: string): void;
}

/**
 * A bounded LRU of delivery ids (`X-GitHub-Delivery`). In-memory and per process: across processes
 * the BullMQ job id (PR + head SHA) dedupes instead.
 *
 * @example
 * const seen = createRecentDeliveries(2);
 * seen.claim('a'); // true
 * seen.claim('a'); // false
 */
export function createRecentDeliveries(max = 5_000): RecentDeliveries {
  const ids = new Map<string, true>();
  return {
    claim(id) {
      if (ids.has(id)) {
        ids.delete(id);
        ids.set(id, true);
        return false;
      }
      ids.set(id, true);
      if (ids.size > max) {
        const oldest = ids.keys().next().value;
        if (oldest !== undefined) ids.delete(oldest);
      }
      return true;
    },
    release(id) {
      ids.delete(id);
    },
  };
}
