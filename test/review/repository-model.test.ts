import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import type { DiffFile } from '../../src/diff/types.js';
import { SnapshotCollector, type RepositorySnapshot, type SnapshotBudget } from '../../src/integration/snapshot.js';
import { memoryBaseModelCache } from '../../src/review/base-model-cache.js';
import type { PullRequestSource, Reviewer, ReviewerInput } from '../../src/review/ports.js';
import { silentLogger } from '../../src/review/ports.js';
import { readRepositoryModel, repositorySummary, snapshotBasePoints } from '../../src/review/repository-model.js';
import { loadFixture } from '../integration/load-fixture.js';

const DIRECT = "import Stripe from 'stripe';\nconst stripe = new Stripe(process.env.KEY!);\nexport async function pay(id: string) {\n  return stripe.refunds.create({ payment_intent: id });\n}\n";

function sourceOf(opts: { fail?: boolean; ref?: string } = {}) {
  const reads: Array<{ budget: SnapshotBudget; changedPaths: readonly string[] }> = [];
  const source: PullRequestSource = {
    loadDiff: () => Promise.resolve({ kind: 'unified', text: '' }),
    readFile: () => Promise.resolve(undefined),
    baseSnapshotRef: () => Promise.resolve(opts.ref ?? 'base1'),
    readBaseSnapshot(o): Promise<RepositorySnapshot> {
      reads.push(o);
      if (opts.fail) return Promise.reject(new Error('HTTP 502'));
      const c = new SnapshotCollector({ budget: o.budget, changedPaths: o.changedPaths });
      for (const f of loadFixture('ts-shop')) if (c.wants(f.path, f.source.length)) c.add(f.path, f.source);
      return Promise.resolve(c.finish(opts.ref ?? 'base1'));
    },
  };
  return { source, reads };
}

const added = (path: string): DiffFile => ({ path, status: 'added', binary: false, hunks: [], additions: 5, deletions: 0 });
const input = (source: PullRequestSource, cache = memoryBaseModelCache(), config = defaultConfig()) => ({
  source,
  repository: 'acme/shop',
  config,
  files: [added('src/orders/pay.ts'), { ...added('src/webhooks/stripe.ts'), status: 'deleted' as const }],
  head: [{ path: 'src/orders/pay.ts', language: 'typescript' as const, source: DIRECT }],
  cache,
  log: silentLogger,
});

describe('readRepositoryModel', () => {
  it('reads the snapshot once per base commit: the next change on the same base uses the cache', async () => {
    const cache = memoryBaseModelCache();
    const { source, reads } = sourceOf();
    const first = await readRepositoryModel(input(source, cache));
    expect(first.view?.cached).toBe(false);
    expect(reads).toHaveLength(1);
    expect(reads[0]!.budget).toEqual({ maxFiles: 5000, maxBytes: 50 * 1024 * 1024, timeoutMs: 20_000 });
    const second = await readRepositoryModel(input(source, cache));
    expect(second.view?.cached).toBe(true);
    expect(reads).toHaveLength(1);
    // Another base commit is another snapshot.
    await readRepositoryModel(input(sourceOf({ ref: 'base2' }).source, cache));
    expect(cache.entries).toBe(2);
  });

  it('the head model has the change applied: the new direct Stripe call, the deleted webhook gone, the adapter kept', async () => {
    const { view } = await readRepositoryModel(input(sourceOf().source));
    const model = view!.model;
    expect(model.points.filter((p) => p.path === 'src/orders/pay.ts').map((p) => p.service)).toEqual(['Stripe']);
    expect(model.points.some((p) => p.path === 'src/webhooks/stripe.ts')).toBe(false);
    expect(view!.baseModel.points.some((p) => p.path === 'src/webhooks/stripe.ts')).toBe(true);
    expect(repositorySummary(view!)).toMatchObject({ services: 4, files: 6, truncated: false });
    expect(repositorySummary(view!).adapters.map((a) => [a.service, a.module])).toContainEqual(['Stripe', 'src/lib/payments']);
  });

  it('a cut snapshot is reused only by a change inside its scope', async () => {
    const cache = memoryBaseModelCache();
    const config = defaultConfig();
    const small = { ...config, integration_map: { ...config.integration_map, snapshot: { ...config.integration_map.snapshot, max_files: 2 } } };
    const { source, reads } = sourceOf();
    const first = await readRepositoryModel(input(source, cache, small));
    expect(first.view?.base.truncated).toBe(true);
    expect(first.notes).toEqual(['The repository snapshot was cut at 2 files: the repository model covers `src/orders`, `src/webhooks`; 1 more file they import was left out to stay within the budget.']);
    await readRepositoryModel(input(source, cache, small));
    expect(reads).toHaveLength(1);
    await readRepositoryModel({ ...input(source, cache, small), files: [added('src/notify/x.ts')] });
    expect(reads).toHaveLength(2);
  });

  it('reports each snapshot it needed by outcome, with its duration; a cached base model reads none (and the cache hears the hit)', async () => {
    const lookups: string[] = [];
    const cache = memoryBaseModelCache(undefined, { onLookup: (r) => lookups.push(r) });
    const heard: Array<[string, number | undefined]> = [];
    const onSnapshot = (outcome: string, seconds?: number) => heard.push([outcome, seconds]);
    const config = defaultConfig();
    const small = { ...config, integration_map: { ...config.integration_map, snapshot: { ...config.integration_map.snapshot, max_files: 2 } } };
    await readRepositoryModel({ ...input(sourceOf().source, cache), onSnapshot });
    await readRepositoryModel({ ...input(sourceOf().source, cache), onSnapshot });
    await readRepositoryModel({ ...input(sourceOf({ ref: 'base2' }).source, cache, small), onSnapshot });
    await readRepositoryModel({ ...input(sourceOf({ fail: true, ref: 'base3' }).source, cache), onSnapshot });
    expect(heard.map(([o]) => o)).toEqual(['read', 'truncated', 'failed']);
    for (const [, seconds] of heard) expect(seconds).toBeGreaterThanOrEqual(0);
    expect(lookups).toEqual(['miss', 'hit', 'miss', 'miss']);
  });

  it('a failed snapshot is logged and noted; the review goes on without a model', async () => {
    const out = await readRepositoryModel(input(sourceOf({ fail: true }).source));
    expect(out.view).toBeUndefined();
    expect(out.notes).toEqual(['The repository snapshot could not be read, so the integration map covers the changed files only.']);
  });

  it('gives the change map the base points of parsed files only (others are read as before)', async () => {
    const { view } = await readRepositoryModel(input(sourceOf().source));
    const base = snapshotBasePoints(view!.base);
    expect(base('src/lib/payments.ts', 'src/lib/pay.ts', 'src/lib/pay')!.map((p) => [p.path, p.module, p.service])).toEqual([
      ['src/lib/pay.ts', 'src/lib/pay', 'Stripe'],
      ['src/lib/pay.ts', 'src/lib/pay', 'Stripe'],
    ]);
    expect(base('src/lib/errors.ts', 'src/lib/errors.ts', 'src/lib/errors')).toBeUndefined();
  });
});

describe('reviewPullRequest with a repository snapshot', () => {
  const diffAdding = (path: string, text: string) => {
    const lines = text.split('\n').slice(0, -1);
    return [`diff --git a/${path} b/${path}`, 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n');
  };
  const withDiff = (text: string) => {
    const { source, reads } = sourceOf();
    return { source: { ...source, loadDiff: () => Promise.resolve({ kind: 'unified' as const, text }) }, reads };
  };

  it('puts the repository summary on the result, and reads no snapshot for a change without source files', async () => {
    const { reviewPullRequest } = await import('../../src/review/review-pull-request.js');
    const code = withDiff(diffAdding('src/orders/pay.ts', DIRECT));
    const result = await reviewPullRequest({ source: code.source, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(code.reads).toHaveLength(1);
    expect(result.repository).toMatchObject({ truncated: false, files: 6 });
    expect(result.repository!.adapters.map((a) => a.module)).toContain('src/lib/payments');
    expect(result.integrationMap?.headlines).toEqual(['adds a dependency on `Stripe` from `src/orders/pay` (no retry)']);

    const docs = withDiff(diffAdding('docs/guide.md', '# Guide\n'));
    const docsResult = await reviewPullRequest({ source: docs.source, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(docs.reads).toHaveLength(0);
    expect(docsResult.repository).toBeUndefined();
  });

  it('extracts the changed files’ points once: the rule run is not asked again when the model has them', async () => {
    const { reviewPullRequest } = await import('../../src/review/review-pull-request.js');
    const { runRulesInProcess } = await import('../../src/rules/run-rules-in-process.js');
    const asked: boolean[] = [];
    const ruleRunner: typeof runRulesInProcess = (inputs, rules) => {
      asked.push(...inputs.map((i) => i.integration === true));
      return runRulesInProcess(inputs, rules);
    };
    const code = withDiff(diffAdding('src/orders/pay.ts', DIRECT));
    const result = await reviewPullRequest({ source: code.source, ruleRunner, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(asked).toEqual([false]);
    expect(result.integrationMap?.edges.map((e) => [e.module, e.service, e.status, e.timeout, e.points.map((p) => p.line)])).toEqual([['src/orders/pay', 'Stripe', 'added', 'unknown', [4]]]);
    // Without a snapshot the rule run extracts them, and the map is the same.
    const { readBaseSnapshot: _r, baseSnapshotRef: _b, ...plain } = code.source;
    asked.length = 0;
    const without = await reviewPullRequest({ source: plain, ruleRunner, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(asked).toEqual([true]);
    expect(without.integrationMap?.edges.map((e) => [e.module, e.service, e.status, e.timeout, e.points.map((p) => p.line)])).toEqual([['src/orders/pay', 'Stripe', 'added', 'unknown', [4]]]);
  });

  it('hands the agent the repository’s adapters with the change’s edges', async () => {
    const { reviewPullRequest } = await import('../../src/review/review-pull-request.js');
    const code = withDiff(diffAdding('src/orders/pay.ts', DIRECT));
    let given: ReviewerInput | undefined;
    const reviewer: Reviewer = {
      name: 'capture',
      review(i) {
        given = i;
        return Promise.resolve({ findings: [], questions: [], notes: [] });
      },
    };
    await reviewPullRequest({ source: code.source, reviewer, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(given?.integration?.adapters?.map((a) => [a.service, a.module])).toContainEqual(['Stripe', 'src/lib/payments']);
    expect(given?.integration?.map?.edges.map((e) => [e.module, e.service, e.status])).toContainEqual(['src/orders/pay', 'Stripe', 'added']);
    expect(given?.integration?.truncated).toBeUndefined();
  });
});
