import { describe, expect, it } from 'vitest';
import { createReconciler, type ReconcilerDeps } from '../../src/app/reconciler.js';
import { createSettledReviews, headKey } from '../../src/app/settled-reviews.js';
import { createMetrics } from '../../src/metrics.js';
import type { ReviewJob } from '../../src/queue/review-job.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();

const NOW = Date.parse('2026-12-03T08:00:00Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();
const sha = (c: string) => c.repeat(40);

function reconciler(over: Partial<ReconcilerDeps> = {}) {
  const queued: ReviewJob[] = [];
  const metrics = createMetrics({ processMetrics: false });
  const r = createReconciler({
    appOctokit: async () => testOctokit(),
    installationOctokit: async () => testOctokit(),
    botLogin: async () => BOT_LOGIN,
    enqueue: async (job) => (queued.push(job), true),
    log: silentLogger,
    metrics,
    now: () => NOW,
    intervalMs: 600_000,
    maxRequests: 300,
    maxMs: 60_000,
    lookbackHours: 24,
    ...over,
  });
  return { r, queued, metrics };
}

const installations = (...ids: number[]) => nock(API).get('/app/installations').query({ per_page: 100 }).reply(200, ids.map((id) => ({ id, account: { login: `org${id}` }, suspended_at: null })));
const repositories = (repos: Array<{ owner: string; name: string; archived?: boolean }>) =>
  nock(API)
    .get('/installation/repositories')
    .query({ per_page: 100 })
    .reply(200, { total_count: repos.length, repositories: repos.map((r) => ({ name: r.name, full_name: `${r.owner}/${r.name}`, owner: { login: r.owner }, archived: r.archived ?? false, disabled: false })) });
const pulls = (repo: string, prs: Array<{ number: number; head: string; updatedHoursAgo: number }>) =>
  nock(API)
    .get(`/repos/${repo}/pulls`)
    .query({ state: 'open', sort: 'updated', direction: 'desc', per_page: 50 })
    .reply(200, prs.map((p) => ({ number: p.number, state: 'open', head: { sha: p.head }, updated_at: hoursAgo(p.updatedHoursAgo) })));
const checkRuns = (repo: string, head: string, runs: Array<{ status: string; slug?: string; conclusion?: string }>) =>
  nock(API)
    .get(`/repos/${repo}/commits/${head}/check-runs`)
    .query(true)
    .reply(200, { total_count: runs.length, check_runs: runs.map((r, i) => ({ id: i + 1, name: 'arch-review', status: r.status, conclusion: r.conclusion ?? null, app: { slug: r.slug ?? 'arch-review' } })) });

describe('the reconciler', () => {
  it('queues a review for each recent open PR whose head has no completed check run of ours, and nothing else', async () => {
    const { r, queued, metrics } = reconciler();
    installations(7);
    repositories([{ owner: 'acme', name: 'api' }, { owner: 'acme', name: 'old', archived: true }]);
    pulls('acme/api', [
      { number: 1, head: sha('a'), updatedHoursAgo: 1 }, // no check run at all: lost
      { number: 2, head: sha('b'), updatedHoursAgo: 2 }, // reviewed
      { number: 3, head: sha('c'), updatedHoursAgo: 3 }, // only in progress (a killed worker), and another app's completed run
      { number: 5, head: sha('e'), updatedHoursAgo: 4 }, // its only run was cancelled by a restart: not reviewed
      { number: 4, head: sha('d'), updatedHoursAgo: 30 }, // older than the look-back: not even checked
    ]);
    checkRuns('acme/api', sha('a'), []);
    checkRuns('acme/api', sha('b'), [{ status: 'completed' }]);
    checkRuns('acme/api', sha('c'), [{ status: 'in_progress' }, { status: 'completed', slug: 'impostor' }]);
    checkRuns('acme/api', sha('e'), [{ status: 'completed', conclusion: 'cancelled' }]);

    const summary = await r.runOnce();
    expect(queued).toEqual([
      { type: 'review', installationId: 7, owner: 'acme', repo: 'api', number: 1, headSha: sha('a'), trigger: 'reconcile', deliveryId: `reconcile+${sha('a').slice(0, 12)}`, full: false, enqueuedAt: NOW },
      expect.objectContaining({ number: 3, headSha: sha('c'), trigger: 'reconcile' }),
      expect.objectContaining({ number: 5, headSha: sha('e'), trigger: 'reconcile' }),
    ]);
    expect(summary).toMatchObject({ installations: 1, repositories: 1, pullRequests: 4, enqueued: 3 });
    expect(summary.stoppedBy).toBeUndefined();
    expect(await metrics.registry.getSingleMetricAsString('reconciler_enqueued_total')).toContain('reconciler_enqueued_total 3');
  });

  it('does not queue again a head whose job already ended here without failure (e.g. a draft the filters skip)', async () => {
    const settled = createSettledReviews();
    settled.add(headKey({ owner: 'acme', repo: 'api', number: 1, headSha: sha('a') }));
    const { r, queued } = reconciler({ settled });
    installations(7);
    repositories([{ owner: 'acme', name: 'api' }]);
    pulls('acme/api', [{ number: 1, head: sha('a'), updatedHoursAgo: 1 }]);
    await r.runOnce();
    expect(queued).toEqual([]);
  });

  it('stops at its request budget before the request that would exceed it', async () => {
    // Budget 6: bot login + app auth + installations page + installation auth + repositories page + pulls page.
    const { r, queued } = reconciler({ maxRequests: 6 });
    installations(7, 9);
    repositories([{ owner: 'acme', name: 'api' }]);
    pulls('acme/api', [{ number: 1, head: sha('a'), updatedHoursAgo: 1 }]);
    // No check-run lookup is mocked: the budget must stop the pass before it (nock fails on an unmocked request).
    const summary = await r.runOnce();
    expect(summary).toMatchObject({ stoppedBy: 'budget', requests: 6, enqueued: 0, installations: 1 });
    expect(queued).toEqual([]);
  });

  it('resumes a budget-stopped pass at the installation it stopped in, not at the first one', async () => {
    const authed: number[] = [];
    const { r } = reconciler({ maxRequests: 6, installationOctokit: async (id) => (authed.push(id), testOctokit()) });
    installations(7, 9);
    repositories([]); // installation 7: nothing; installation 9 is stopped after its auth
    expect(await r.runOnce()).toMatchObject({ stoppedBy: 'budget', installations: 2 });
    expect(authed).toEqual([7, 9]);

    installations(7, 9);
    repositories([]);
    await r.runOnce();
    expect(authed.slice(2)).toEqual([9, 7]);
  });

  it('stops at its time budget', async () => {
    let clock = NOW;
    const { r } = reconciler({ maxMs: 1_000, now: () => (clock += 600) });
    const summary = await r.runOnce();
    expect(summary).toMatchObject({ stoppedBy: 'time', requests: 1 });
  });

  it('skips the pass, without a request, when another process holds this interval’s pass', async () => {
    const ttls: number[] = [];
    const { r } = reconciler({ claimPass: async (ttl) => (ttls.push(ttl), false) });
    expect(await r.runOnce()).toMatchObject({ skipped: true, requests: 0 });
    expect(ttls).toEqual([599_000]);
  });

  it('runs the pass when the lock cannot be asked (Redis down): the queue dedupes', async () => {
    const { r } = reconciler({ claimPass: async () => Promise.reject(new Error('redis down')) });
    installations();
    expect(await r.runOnce()).toMatchObject({ installations: 0, requests: 3 });
  });

  it('stops without waiting for a request that hangs (GitHub down) longer than a moment', async () => {
    const { r } = reconciler({ appOctokit: () => new Promise(() => undefined) });
    r.start();
    const started = Date.now();
    await r.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('is off with an interval of 0: start makes no request', async () => {
    const { r } = reconciler({ intervalMs: 0 });
    r.start();
    await r.stop();
  });
});
