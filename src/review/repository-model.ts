import type { Config } from '../config/schema.js';
import type { DiffFile } from '../diff/types.js';
import { mergeFileModels, type FileModel } from '../integration/build-model.js';
import { baseModelData, headRepositoryModel, type BaseModelData } from '../integration/repository-model.js';
import { packageFolder, type SnapshotBudget } from '../integration/snapshot.js';
import type { IntegrationModel, IntegrationPoint, SourceFile } from '../integration/types.js';
import { baseModelKey, type BaseModelCache } from './base-model-cache.js';
import type { Logger, PullRequestSource, ReviewResult } from './ports.js';

export interface RepositoryModelInput {
  source: PullRequestSource;
  /** `owner/repo` (the cache key's first part). */
  repository: string;
  config: Config;
  /** The change's files (deleted and renamed ones leave the base model). */
  files: readonly DiffFile[];
  /** The head versions of the changed files the rules read (their points are extracted here). */
  head: readonly SourceFile[];
  cache: BaseModelCache;
  log: Logger;
  signal?: AbortSignal;
  /** Hears each snapshot read (the App's metrics); none when the base model came from the cache. */
  onSnapshot?: SnapshotObserver;
}

/** How a snapshot a review needed ended: read whole, cut by the budget, failed, or turned off by config. */
export type SnapshotOutcome = 'read' | 'truncated' | 'failed' | 'disabled';

/** Hears each snapshot a review needed, with how long reading it took (absent for `disabled`). */
export type SnapshotObserver = (outcome: SnapshotOutcome, seconds?: number) => void;

/** The repository around a change: its model at the base (from the snapshot, or the cache) and at the head. */
export interface RepositoryView {
  /** The head repository model: the base with the change applied, adapters found again. */
  model: IntegrationModel;
  /** The base repository model. */
  baseModel: IntegrationModel;
  /** The base's per-file data (what is cached). */
  base: BaseModelData;
  /** The base model came from the cache: no snapshot was read. */
  cached: boolean;
}

/** The snapshot budget of a configuration. */
export function snapshotBudget(config: Config): SnapshotBudget {
  const s = config.integration_map.snapshot;
  return { maxFiles: s.max_files, maxBytes: s.max_bytes, timeoutMs: s.timeout_seconds * 1000 };
}

/**
 * The repository model of a change: the base commit's per-file model data from the cache (keyed by repository,
 * base SHA and budget) or, on a miss, from one snapshot read through the source (then cached), and the head
 * model made from it by replacing the changed files with their head versions. A cut
 * snapshot is reused only by changes inside its scope. Never throws: a failure is logged and noted, and the
 * review goes on with the change map alone.
 *
 * @example const { view, notes } = await readRepositoryModel({ source, repository: 'acme/shop', config, files, head, cache, log });
 */
export async function readRepositoryModel(input: RepositoryModelInput): Promise<{ view?: RepositoryView; notes: string[] }> {
  const { source, log } = input;
  if (!source.readBaseSnapshot) return { notes: [] };
  const budget = snapshotBudget(input.config);
  const changedPaths = [...new Set(input.files.flatMap((f) => (f.oldPath ? [f.path, f.oldPath] : [f.path])))];
  let key: string | undefined;
  try {
    if (source.baseSnapshotRef) key = baseModelKey(input.repository, await source.baseSnapshotRef(), budget);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'repository snapshot: could not resolve the base commit; not cached');
  }
  let base = key ? await input.cache.get(key).catch(() => undefined) : undefined;
  if (base && base.truncated && !covers(base.scope ?? [], changedPaths)) base = undefined;
  const cached = base !== undefined;
  if (!base) {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const snapshot = await source.readBaseSnapshot({ budget, changedPaths, ...(input.signal ? { signal: input.signal } : {}) });
      if (!snapshot) return { notes: [] };
      input.onSnapshot?.(snapshot.truncated ? 'truncated' : 'read', seconds());
      base = baseModelData(snapshot);
      log.info({ ref: snapshot.ref, ...snapshot.stats, truncated: snapshot.truncated }, 'repository snapshot read');
      await input.cache.set(key ?? baseModelKey(input.repository, snapshot.ref, budget), base).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'base model cache: set failed'));
    } catch (err) {
      input.onSnapshot?.('failed', seconds());
      log.warn({ err: (err as Error).message }, 'repository snapshot could not be read');
      return { notes: ['The repository snapshot could not be read, so the integration map covers the changed files only.'] };
    }
  }
  const removed = input.files.flatMap((f) => (f.status === 'deleted' ? [f.path] : f.oldPath && f.oldPath !== f.path ? [f.oldPath] : []));
  const head = input.head.map((f) => ({ file: { path: f.path, language: f.language, source: f.source } }));
  const model = headRepositoryModel(base.files, { removed, head }).model;
  return { view: { model, baseModel: mergeFileModels(base.files), base, cached }, notes: base.note ? [base.note] : [] };
}

/** The base points of a changed file from the snapshot, on its head path (a pure rename is no new edge); `undefined` when the snapshot cannot tell (the file is then read). */
export function snapshotBasePoints(base: BaseModelData): (basePath: string, headPath: string, moduleOfHead: string) => IntegrationPoint[] | undefined {
  const byPath = new Map<string, FileModel>(base.files.map((f) => [f.path, f]));
  return (basePath, headPath, moduleOfHead) => {
    const file = byPath.get(basePath);
    // Files the snapshot left out or did not parse (no integration signals) may still have a probable point
    // (a call on a `paymentsClient` passed in): their base version is read as before.
    if (!file || file.unparsed) return undefined;
    return file.points.map((p) => ({ ...p, path: headPath, module: moduleOfHead }));
  };
}

/** The summary of a repository model on `ReviewResult.repository`. */
export function repositorySummary(view: RepositoryView): NonNullable<ReviewResult['repository']> {
  const services = new Set(view.model.points.filter((p) => p.direction === 'outbound').map((p) => p.service));
  return { adapters: view.model.adapters, services: services.size, files: view.base.files.length, truncated: view.base.truncated };
}

/** Every changed path's package folder is one a cut snapshot read. */
function covers(scope: readonly string[], paths: readonly string[]): boolean {
  const folders = new Set(scope);
  return paths.every((p) => folders.has(packageFolder(p)));
}
