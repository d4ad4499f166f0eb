/** Pull-request heads whose review job ended without failure in this process (reviewed, skipped by a filter, …). */
export interface SettledReviews {
  add(key: string): void;
  has(key: string): boolean;
}

/** The key of one head: `owner/repo#number@sha`. */
export const headKey = (job: { owner: string; repo: string; number: number; headSha: string }): string => `${job.owner}/${job.repo}#${job.number}@${job.headSha}`;

/**
 * A bounded LRU of settled heads. The reconciler consults it so a head that needs no check run (a
 * draft, a skip label, `check_run.enabled: false`) is not queued again every pass.
 *
 * @example
 * const settled = createSettledReviews(2);
 * settled.add(headKey(job));
 * settled.has(headKey(job)); // true
 */
export function createSettledReviews(max = 10_000): SettledReviews {
  const keys = new Set<string>();
  return {
    add(key) {
      keys.delete(key);
      keys.add(key);
      if (keys.size > max) {
        const oldest = keys.values().next().value;
        if (oldest !== undefined) keys.delete(oldest);
      }
    },
    has(key) {
      return keys.has(key);
    },
  };
}
