import { appSlugOf, hasCompletedCheckRun } from '../github/check-run.js';
import { translateGitHubError } from '../github/translate-error.js';
import type { GitHubClient } from '../github/types.js';
import type { Metrics } from '../metrics.js';
import type { ReviewJob } from '../queue/review-job.js';
import type { Logger } from '../review/ports.js';
import { headKey, type SettledReviews } from './settled-reviews.js';

export interface ReconcilerSettings {
  /** Pause between passes; 0 turns the reconciler off (RECONCILE_INTERVAL_MS). */
  intervalMs: number;
  /** GitHub requests one pass may make (RECONCILE_MAX_REQUESTS). */
  maxRequests: number;
  /** Wall time one pass may take (RECONCILE_MAX_MS). */
  maxMs: number;
  /** Only pull requests updated this recently are looked at (RECONCILE_LOOKBACK_HOURS). */
  lookbackHours: number;
}

export interface ReconcilerDeps extends ReconcilerSettings {
  /** An app-authenticated (JWT) Octokit: lists the installations. */
  appOctokit(): Promise<GitHubClient>;
  /** An installation-authenticated Octokit. */
  installationOctokit(installationId: number): Promise<GitHubClient>;
  /** This app's bot login: its check runs are recognised by the slug. */
  botLogin(): Promise<string>;
  enqueue(job: ReviewJob): Promise<boolean>;
  /** Heads whose job ended without failure in this process: not queued again. */
  settled?: SettledReviews;
  log: Logger;
  metrics?: Pick<Metrics, 'reconcilerEnqueued'>;
  now?: () => number;
  /**
   * Asks whether this process runs the pass (several BullMQ workers: one per interval, see
   * `createRedisPassLock`). When it cannot be asked (Redis down), the pass runs.
   */
  claimPass?: (ttlMs: number) => Promise<boolean>;
}

/** What one pass did (logged as its summary). */
export interface ReconcileSummary {
  installations: number;
  repositories: number;
  pullRequests: number;
  enqueued: number;
  requests: number;
  ms: number;
  /** Why the pass ended early, if it did: the next pass resumes at the installation it stopped in. */
  stoppedBy?: 'budget' | 'time' | 'stopping';
  /** Another process holds this interval's pass. */
  skipped?: true;
}

export interface Reconciler {
  /** Runs a pass now, then one every `intervalMs` (nothing when it is 0). */
  start(): void;
  /** One pass (tests; `start` uses it). */
  runOnce(): Promise<ReconcileSummary>;
  /** Stops the timer and ends a running pass at its next request (waits for it at most 2 s). */
  stop(): Promise<void>;
}

class Stop extends Error {
  constructor(readonly why: 'budget' | 'time' | 'stopping') {
    super(why);
  }
}

interface Page<T> {
  data: T[];
}

/**
 * The reconciler: GitHub is the source of truth, so a review lost anywhere (a webhook acked but its
 * job dropped, a process killed, a retry budget spent) is found again. Each pass lists the app's
 * installations, their repositories, and each repository's open pull requests, most recently updated
 * first, down to `lookbackHours`; a pull request whose head has no completed `arch-review` check run
 * of this app gets a review job (trigger `reconcile`; the worker applies the repository's filters).
 * A pass stops at `maxRequests` GitHub requests or `maxMs`, whichever comes first, and the next one
 * starts where it stopped. Heads whose job ended without failure here (e.g. a draft skipped by the
 * filters: no check run by design) are not queued again by this process. With BullMQ, several workers
 * may reconcile: the queue's job ids dedupe.
 *
 * @example
 * const reconciler = createReconciler({ appOctokit: () => probot.auth(), installationOctokit: (id) => probot.auth(id), botLogin, enqueue: (j) => queue.enqueue(j), log, intervalMs: 600_000, maxRequests: 300, maxMs: 60_000, lookbackHours: 24 });
 * reconciler.start();
 */
export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ReconcileSummary> | undefined;
  let stopped = false;
  /** The installation id the last pass ran out of budget in: the next pass starts there. */
  let resumeAt: number | undefined;

  async function pass(): Promise<ReconcileSummary> {
    const started = now();
    const deadline = started + deps.maxMs;
    const cutoff = started - deps.lookbackHours * 3_600_000;
    const summary: ReconcileSummary = { installations: 0, repositories: 0, pullRequests: 0, enqueued: 0, requests: 0, ms: 0 };
    /** Throws when the pass may not make another request. */
    const mayRequest = () => {
      if (stopped) throw new Stop('stopping');
      if (summary.requests >= deps.maxRequests) throw new Stop('budget');
      if (now() >= deadline) throw new Stop('time');
    };
    const spend = () => {
      mayRequest();
      summary.requests++;
    };
    /** Each page costs one request of the budget (the end of the pages costs none). */
    async function* pages<T>(iterable: AsyncIterable<Page<T>>): AsyncGenerator<T[]> {
      const iterator = iterable[Symbol.asyncIterator]();
      for (;;) {
        mayRequest();
        let next: IteratorResult<Page<T>>;
        try {
          next = await iterator.next();
        } catch (err) {
          throw translateGitHubError(err);
        }
        if (next.done) return;
        summary.requests++;
        yield next.value.data;
      }
    }

    if (deps.claimPass) {
      // Held a little less than an interval, so the next interval's pass is free to claim.
      const ttl = Math.max(1_000, (deps.intervalMs > 0 ? deps.intervalMs : deps.maxMs) - 1_000);
      const mine = await deps.claimPass(ttl).catch((err: unknown) => {
        deps.log.warn({ err: (err as Error).message }, 'reconciler: could not ask for the pass lock; running the pass anyway');
        return true;
      });
      if (!mine) {
        deps.log.debug('reconciler: another process runs this interval’s pass');
        return { ...summary, skipped: true };
      }
    }

    let current: number | undefined;
    try {
      spend();
      const slug = appSlugOf(await deps.botLogin());
      spend();
      const app = await deps.appOctokit();
      const installations: number[] = [];
      for await (const page of pages(app.paginate.iterator(app.rest.apps.listInstallations, { per_page: 100 }))) {
        for (const i of page) if (!i.suspended_at) installations.push(i.id);
      }
      installations.sort((a, b) => a - b);
      // Resume where the last pass ran out, then wrap around.
      const from = resumeAt === undefined ? 0 : Math.max(0, installations.findIndex((id) => id >= resumeAt!));
      const order = [...installations.slice(from), ...installations.slice(0, from)];
      for (const installationId of order) {
        current = installationId;
        summary.installations++;
        try {
          await reconcileInstallation(installationId, slug, cutoff, summary, spend, pages);
        } catch (err) {
          if (err instanceof Stop) throw err;
          deps.log.warn({ installationId, err: (err as Error).message }, 'reconciler: could not check an installation; going on with the next');
        }
      }
      resumeAt = undefined;
    } catch (err) {
      if (!(err instanceof Stop)) {
        deps.log.error({ err: (err as Error).message }, 'reconciler: pass failed');
      } else {
        summary.stoppedBy = err.why;
        resumeAt = current;
      }
    }
    summary.ms = now() - started;
    deps.log.info({ ...summary }, summary.stoppedBy ? `reconciler: pass stopped early (${summary.stoppedBy})` : 'reconciler: pass done');
    return summary;
  }

  async function reconcileInstallation(
    installationId: number,
    slug: string,
    cutoff: number,
    summary: ReconcileSummary,
    spend: () => void,
    pages: <T>(iterable: AsyncIterable<Page<T>>) => AsyncGenerator<T[]>,
  ): Promise<void> {
    spend();
    const octokit = await deps.installationOctokit(installationId);
    for await (const repos of pages(octokit.paginate.iterator(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 }))) {
      for (const repo of repos) {
        if (repo.archived || repo.disabled) continue;
        summary.repositories++;
        const ref = { owner: repo.owner.login, repo: repo.name };
        let recent = true;
        const pulls = octokit.paginate.iterator(octokit.rest.pulls.list, { ...ref, state: 'open', sort: 'updated', direction: 'desc', per_page: 50 });
        for await (const page of pages(pulls)) {
          for (const pr of page) {
            if (Date.parse(pr.updated_at) < cutoff) {
              recent = false;
              break;
            }
            summary.pullRequests++;
            const target = { ...ref, number: pr.number, headSha: pr.head.sha };
            if (deps.settled?.has(headKey(target))) continue;
            spend();
            if (await hasCompletedCheckRun(octokit, ref, pr.head.sha, slug)) continue;
            const added = await deps.enqueue({
              type: 'review',
              installationId,
              ...target,
              trigger: 'reconcile',
              // Stable per head, so passes (and processes) asking for the same head are one job.
              deliveryId: `reconcile+${pr.head.sha.slice(0, 12)}`,
              full: false,
              enqueuedAt: now(),
            });
            if (added) {
              summary.enqueued++;
              deps.metrics?.reconcilerEnqueued.inc();
            }
            deps.log.info({ repository: `${ref.owner}/${ref.repo}`, pr: pr.number, sha: pr.head.sha, added }, 'reconciler: head has no completed check run; review queued');
          }
          if (!recent) break;
        }
      }
    }
  }

  function schedule(): void {
    if (stopped || deps.intervalMs <= 0) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        schedule();
      });
    }, deps.intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (deps.intervalMs <= 0) {
        deps.log.info('reconciler off (RECONCILE_INTERVAL_MS=0)');
        return;
      }
      running = pass().finally(() => {
        running = undefined;
        schedule();
      });
    },
    runOnce: () => pass(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // The pass ends at its next request; one in flight (GitHub slow or down) must not hold up a shutdown.
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([running?.catch(() => undefined), new Promise((resolve) => (wait = setTimeout(resolve, 2_000)))]);
      clearTimeout(wait);
    },
  };
}
