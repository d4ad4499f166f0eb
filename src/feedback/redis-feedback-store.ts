import { Redis } from 'ioredis';
import { FeedbackEventSchema, type FeedbackEvent } from '../review/feedback.js';
import { ExternalServiceError } from '../errors.js';
import { MAX_EVENTS_PER_REPO, MAX_PRS_PER_REPO, eventField, repoKeyOf, type FeedbackStore, type RepoRef } from './feedback-store.js';

/** Keys of a repository expire this long after its last write: a repository nobody reviews forgets. */
export const FEEDBACK_TTL_S = 180 * 24 * 3600;

export interface RedisFeedbackStoreOptions {
  /** Key prefix; default `arch-review:feedback`. */
  prefix?: string;
  now?: () => number;
}

/**
 * The feedback store on Redis: cross-PR learning for each repository. Keys are
 * `<prefix>:{owner/repo}:events|order|forgotten|prs|harvest:<n>` (the braces keep one repository's keys on
 * one Redis Cluster slot). At most {@link MAX_EVENTS_PER_REPO} events per repository (the oldest go), at most
 * {@link MAX_PRS_PER_REPO} pull requests remembered for reading their reactions, and every key expires
 * {@link FEEDBACK_TTL_S} seconds (180 days) after the repository's last write. Commands fail fast (one try,
 * 5 s) as an `ExternalServiceError` of service `redis`; the review then goes on without the store's learnings.
 *
 * @example const store = createRedisFeedbackStore(env.redisUrl);
 */
export function createRedisFeedbackStore(redisUrl: string, opts: RedisFeedbackStoreOptions = {}): FeedbackStore {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 5_000, connectTimeout: 5_000 });
  redis.on('error', () => undefined);
  const prefix = opts.prefix ?? 'arch-review:feedback';
  const now = opts.now ?? Date.now;
  const keys = (repo: RepoRef) => {
    const base = `${prefix}:{${repoKeyOf(repo)}}`;
    return { events: `${base}:events`, order: `${base}:order`, forgotten: `${base}:forgotten`, prs: `${base}:prs`, harvest: (pr: number) => `${base}:harvest:${pr}` };
  };
  const touch = (multi: ReturnType<Redis['multi']>, ...ks: string[]) => {
    for (const k of ks) multi.expire(k, FEEDBACK_TTL_S);
  };

  async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new ExternalServiceError('redis', `feedback store: ${what} failed: ${(err as Error).message}`, { retryable: true, cause: err });
    }
  }

  return {
    record: (repo, events) =>
      guarded('record', async () => {
        const k = keys(repo);
        const forgotten = await redis.hgetall(k.forgotten);
        const fresh = events.filter((e) => !(e.ruleId !== undefined && forgotten[e.ruleId] !== undefined && e.at <= forgotten[e.ruleId]!));
        if (fresh.length === 0) return [];
        const multi = redis.multi();
        for (const e of fresh) multi.hsetnx(k.events, eventField(e), JSON.stringify(e));
        const answers = (await multi.exec()) ?? [];
        const added = fresh.filter((_, i) => answers[i]?.[1] === 1);
        const write = redis.multi();
        for (const e of added) write.zadd(k.order, Date.parse(e.at) || now(), eventField(e));
        touch(write, k.events, k.order);
        await write.exec();
        const excess = (await redis.zcard(k.order)) - MAX_EVENTS_PER_REPO;
        if (excess > 0) {
          const oldest = await redis.zrange(k.order, 0, excess - 1);
          if (oldest.length > 0) await redis.multi().hdel(k.events, ...oldest).zrem(k.order, ...oldest).exec();
        }
        return added;
      }),
    retract: (repo, fingerprint, reason) =>
      guarded('retract', async () => {
        const k = keys(repo);
        const field = eventField({ kind: 'dismissed', fingerprint });
        const raw = await redis.hget(k.events, field);
        const event = raw ? parseEvent(raw) : undefined;
        if (event?.reason !== reason) return false;
        await redis.multi().hdel(k.events, field).zrem(k.order, field).exec();
        return true;
      }),
    load: (repo) =>
      guarded('load', async () => {
        const k = keys(repo);
        const [raw, forgotten] = await Promise.all([redis.hvals(k.events), redis.hgetall(k.forgotten)]);
        return { events: raw.map(parseEvent).filter((e): e is FeedbackEvent => e !== undefined), forgotten: new Map(Object.entries(forgotten)) };
      }),
    forget: (repo, ruleId, at) =>
      guarded('forget', async () => {
        const k = keys(repo);
        const all = await redis.hgetall(k.events);
        const gone = Object.entries(all)
          .filter(([, raw]) => {
            const e = parseEvent(raw);
            return e?.ruleId === ruleId && e.at <= at;
          })
          .map(([field]) => field);
        const multi = redis.multi().hset(k.forgotten, ruleId, at);
        if (gone.length > 0) multi.hdel(k.events, ...gone).zrem(k.order, ...gone);
        touch(multi, k.forgotten, k.events, k.order);
        await multi.exec();
        return gone.length;
      }),
    claimHarvest: (repo, prNumber, limit, everyMs) =>
      guarded('claim harvest', async () => {
        const k = keys(repo);
        const t = now();
        const multi = redis.multi().zadd(k.prs, t, String(prNumber));
        multi.zremrangebyrank(k.prs, 0, -(MAX_PRS_PER_REPO + 1));
        touch(multi, k.prs);
        await multi.exec();
        if (limit <= 0) return [];
        const recent = (await redis.zrevrange(k.prs, 0, MAX_PRS_PER_REPO - 1)).map(Number).filter((n) => Number.isInteger(n) && n !== prNumber);
        const claimed: number[] = [];
        for (const pr of recent) {
          if (claimed.length >= limit) break;
          // One reader per pull request per interval, across workers.
          if ((await redis.set(k.harvest(pr), '1', 'PX', Math.max(1, everyMs), 'NX')) === 'OK') claimed.push(pr);
        }
        return claimed;
      }),
    async close() {
      redis.disconnect();
    },
  };
}

function parseEvent(raw: string): FeedbackEvent | undefined {
  try {
    const r = FeedbackEventSchema.safeParse(JSON.parse(raw));
    return r.success ? (r.data as FeedbackEvent) : undefined;
  } catch {
    return undefined;
  }
}
