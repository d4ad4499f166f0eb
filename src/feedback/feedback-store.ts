import type { FeedbackEvent } from '../review/feedback.js';
import { markerKey } from '../review/marker.js';

/** The repository feedback belongs to. Keys use `owner/repo` (lower-cased): a repository keeps its learnings across reinstalls. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** Everything the store holds for one repository. */
export interface StoredFeedback {
  events: FeedbackEvent[];
  /** Rule id → ISO time of its last `/arch-review forget`. */
  forgotten: Map<string, string>;
}

/**
 * Cross-PR memory of feedback for a repository (the Redis backend when `REDIS_URL` is set). Without a store,
 * feedback lives on each pull request (the bot's comments, their reactions and hidden markers) and learning
 * is per pull request.
 */
export interface FeedbackStore {
  /** Records events (the first per finding and kind wins); returns the ones that were new. Events older than their rule's `forget` are ignored. */
  record(repo: RepoRef, events: readonly FeedbackEvent[]): Promise<FeedbackEvent[]>;
  /** Takes back a dismissal of `reason` (a thread unresolved again). Returns true when there was one. */
  retract(repo: RepoRef, fingerprint: string, reason: NonNullable<FeedbackEvent['reason']>): Promise<boolean>;
  load(repo: RepoRef): Promise<StoredFeedback>;
  /** Undoes what was learned about `ruleId`: its events are removed, and older feedback is ignored from now on. Returns how many were removed. */
  forget(repo: RepoRef, ruleId: string, at: string): Promise<number>;
  /**
   * Notes that pull request `prNumber` was reviewed (its comments may collect 👎 from now on), and claims up to
   * `limit` other recently reviewed pull requests, most recent first, none handed out in the last `everyMs`
   * (across workers): the caller reads their reactions.
   */
  claimHarvest(repo: RepoRef, prNumber: number, limit: number, everyMs: number): Promise<number[]>;
  close(): Promise<void>;
}

/** Most events kept per repository: the oldest go first. */
export const MAX_EVENTS_PER_REPO = 5_000;
/** Most pull requests remembered per repository for harvesting reactions. */
export const MAX_PRS_PER_REPO = 200;

export const eventField = (e: Pick<FeedbackEvent, 'kind' | 'fingerprint'>): string => `${e.kind}:${markerKey(e.fingerprint)}`;
export const repoKeyOf = (repo: RepoRef): string => `${repo.owner}/${repo.repo}`.toLowerCase();

/**
 * An in-memory store with the Redis store's behaviour (tests, and one-process deployments that want
 * cross-PR learning without Redis until restart).
 *
 * @example const store = createMemoryFeedbackStore();
 */
export function createMemoryFeedbackStore(now: () => number = Date.now): FeedbackStore {
  const repos = new Map<string, { events: Map<string, FeedbackEvent>; forgotten: Map<string, string>; prs: Map<number, number>; harvested: Map<number, number> }>();
  const of = (repo: RepoRef) => {
    const key = repoKeyOf(repo);
    let r = repos.get(key);
    if (!r) repos.set(key, (r = { events: new Map(), forgotten: new Map(), prs: new Map(), harvested: new Map() }));
    return r;
  };
  return {
    async record(repo, events) {
      const r = of(repo);
      const added: FeedbackEvent[] = [];
      for (const e of events) {
        const forgetAt = e.ruleId !== undefined ? r.forgotten.get(e.ruleId) : undefined;
        if (forgetAt !== undefined && e.at <= forgetAt) continue;
        const field = eventField(e);
        if (r.events.has(field)) continue;
        r.events.set(field, e);
        added.push(e);
      }
      const excess = r.events.size - MAX_EVENTS_PER_REPO;
      if (excess > 0) for (const [field] of [...r.events].sort((a, b) => (a[1].at < b[1].at ? -1 : 1)).slice(0, excess)) r.events.delete(field);
      return added;
    },
    async retract(repo, fingerprint, reason) {
      const r = of(repo);
      const field = eventField({ kind: 'dismissed', fingerprint });
      if (r.events.get(field)?.reason !== reason) return false;
      return r.events.delete(field);
    },
    async load(repo) {
      const r = of(repo);
      return { events: [...r.events.values()], forgotten: new Map(r.forgotten) };
    },
    async forget(repo, ruleId, at) {
      const r = of(repo);
      r.forgotten.set(ruleId, at);
      let removed = 0;
      for (const [field, e] of r.events) if (e.ruleId === ruleId && e.at <= at) removed += r.events.delete(field) ? 1 : 0;
      return removed;
    },
    async claimHarvest(repo, prNumber, limit, everyMs) {
      const r = of(repo);
      const t = now();
      // `harvested` holds when each claim ends (as the Redis store's key expiry does). The pull request under
      // review is not claimed: 👎 given after its review are read by the next review of another pull request.
      r.prs.set(prNumber, t);
      if (r.prs.size > MAX_PRS_PER_REPO) for (const [pr] of [...r.prs].sort((a, b) => a[1] - b[1]).slice(0, r.prs.size - MAX_PRS_PER_REPO)) r.prs.delete(pr);
      const due = [...r.prs]
        .filter(([pr]) => pr !== prNumber && t >= (r.harvested.get(pr) ?? 0))
        .sort((a, b) => b[1] - a[1] || b[0] - a[0])
        .slice(0, limit)
        .map(([pr]) => pr);
      for (const pr of due) r.harvested.set(pr, t + everyMs);
      return due;
    },
    async close() {},
  };
}
