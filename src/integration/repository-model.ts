import { fileModelOf, mergeFileModels, type FileModel } from './build-model.js';
import { moduleIndex } from './module-graph.js';
import { hasIntegrationSignals } from './snapshot.js';
import type { IntegrationModel, IntegrationPoint, SourceFile } from './types.js';

/** The per-file model data of a repository at one commit, as cached per (repository, base SHA, budget). */
export interface BaseModelData {
  ref: string;
  files: FileModel[];
  truncated: boolean;
  scope?: string[];
  note?: string;
  stats: { scanned: number; kept: number; bytes: number; elapsedMs: number };
}

/** A changed file at the head: its text, and its points when the rule run found them already. */
export interface HeadFile {
  file: SourceFile;
  points?: readonly IntegrationPoint[];
}

/**
 * The per-file model data of a snapshot's files: one parse for each file with integration signals, an import
 * scan for the others.
 *
 * @example const data = baseModelData(snapshot); cache.set(key, data)
 */
export function baseModelData(snapshot: { ref: string; files: readonly SourceFile[]; truncated: boolean; scope?: string[]; note?: string; stats: BaseModelData['stats'] }): BaseModelData {
  const index = moduleIndex(snapshot.files);
  return {
    ref: snapshot.ref,
    // Files without integration signals: imports by a scan, no parse (see `hasIntegrationSignals`).
    files: snapshot.files.map((f) => (hasIntegrationSignals(f) ? fileModelOf(f, index) : { ...fileModelOf(f, index, []), unparsed: true })),
    truncated: snapshot.truncated,
    ...(snapshot.scope ? { scope: snapshot.scope } : {}),
    ...(snapshot.note ? { note: snapshot.note } : {}),
    stats: snapshot.stats,
  };
}

/**
 * The repository model at the head: the base's per-file data with the changed files replaced by their head
 * versions (`removed` paths dropped: deleted files and the old paths of renamed ones; `head` files added or
 * replacing their base version), and the adapters found again on the result. A head file's imports are
 * resolved against the head's modules; its points are the rule run's when given (no second parse).
 *
 * @example headRepositoryModel(base.files, { removed: ['src/old.ts'], head: [{ file, points }] })
 */
export function headRepositoryModel(base: readonly FileModel[], change: { removed: readonly string[]; head: readonly HeadFile[] }): { model: IntegrationModel; files: FileModel[] } {
  const replaced = new Set([...change.removed, ...change.head.map((h) => h.file.path)]);
  const kept = base.filter((f) => !replaced.has(f.path));
  const index = moduleIndex([...kept.map((f) => ({ path: f.path, language: f.language, source: '' })), ...change.head.map((h) => h.file)]);
  const files = [...kept, ...change.head.map((h) => fileModelOf(h.file, index, h.points))];
  return { model: mergeFileModels(files), files };
}
