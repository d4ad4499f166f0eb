import { moduleIndex, moduleOf, scannedImportedModules } from '../integration/module-graph.js';
import { packageFolder, ruleLanguageOf, SnapshotCollector, type RepositorySnapshot, type SnapshotBudget } from '../integration/snapshot.js';
import { catFileBatch } from './git-cat-file.js';
import { runGit } from './git.js';

export interface LocalSnapshotOptions {
  /** The repository's top level. */
  root: string;
  /** The commit to read (the merge base). */
  ref: string;
  budget: SnapshotBudget;
  changedPaths: readonly string[];
  maxFileBytes?: number;
  signal?: AbortSignal;
}

/**
 * The repository snapshot of a local repository at `ref`: `git ls-tree -r -l` lists every blob with its size
 * (one process), the collector picks the source files worth reading, and one `git cat-file --batch` process
 * streams their contents. Stops at the budget (files, bytes, time) like the GitHub tarball reader; over it, a
 * module of the touched packages' import closure read before its importer is read again by a second `cat-file`.
 *
 * @example const snap = await readLocalSnapshot({ root, ref: mergeBase, budget, changedPaths: ['src/pay.ts'] });
 */
export async function readLocalSnapshot(opts: LocalSnapshotOptions): Promise<RepositorySnapshot> {
  const collector = new SnapshotCollector({ budget: opts.budget, changedPaths: opts.changedPaths, ...(opts.maxFileBytes ? { maxFileBytes: opts.maxFileBytes } : {}) });
  const listing = await runGit(['ls-tree', '-r', '-l', '-z', '--full-tree', opts.ref], { cwd: opts.root });
  const wanted: Wanted[] = [];
  for (const line of listing.stdout.toString('utf8').split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(line);
    if (m && collector.wants(m[3]!, Number(m[2]))) wanted.push({ oid: m[1]!, path: m[3]! });
  }
  const ordered = wanted.length > opts.budget.maxFiles ? await touchedFirst(opts, wanted) : wanted;
  if (ordered.length > 0) await catFiles(opts.root, ordered, collector, opts.signal);
  // Cut, with a module the touched packages import read (only its imports) before its importer: read it again.
  const again = new Set(collector.secondPass());
  if (again.size > 0) await catFiles(opts.root, wanted.filter((w) => again.has(w.path)), collector, opts.signal);
  return collector.finish(opts.ref);
}

type Wanted = { oid: string; path: string };

/**
 * Over the file budget, the order in which the collector sees the files decides what a cut keeps. The local
 * listing is known up front (unlike the App's one-pass archive), so the packages the change touches and the
 * modules they import, transitively (import lines scanned, as the model does), come first, and the rest after:
 * a cut then keeps the touched packages with everything they import, within the budget.
 */
async function touchedFirst(opts: LocalSnapshotOptions, wanted: readonly Wanted[]): Promise<Wanted[]> {
  const folders = new Set(opts.changedPaths.map(packageFolder));
  const files = wanted.flatMap((w) => {
    const language = ruleLanguageOf(w.path);
    return language ? [{ ...w, language }] : [];
  });
  const index = moduleIndex(files.map((f) => ({ path: f.path, language: f.language, source: '' })));
  const byModule = new Map<string, typeof files>();
  for (const f of files) {
    const m = moduleOf(f.path, f.language);
    byModule.set(m, [...(byModule.get(m) ?? []), f]);
  }
  let frontier = files.filter((f) => folders.has(packageFolder(f.path)));
  const first = new Set(frontier);
  while (frontier.length > 0 && first.size < opts.budget.maxFiles) {
    const texts = new Map<string, string>();
    const reading = frontier;
    await catFileBatch(
      opts.root,
      reading.map((f) => f.oid),
      (i, type, body) => {
        if (type === 'blob') texts.set(reading[i]!.path, body.toString('utf8'));
        return true;
      },
      opts.signal,
    );
    const next: typeof files = [];
    for (const f of reading) {
      for (const m of scannedImportedModules({ path: f.path, language: f.language, source: texts.get(f.path) ?? '' }, index)) {
        for (const d of byModule.get(m) ?? []) {
          if (first.has(d)) continue;
          first.add(d);
          next.push(d);
        }
      }
    }
    frontier = next;
  }
  const firstPaths = new Set([...first].map((f) => f.path));
  return [...[...first].map(({ oid, path }) => ({ oid, path })), ...wanted.filter((w) => !firstPaths.has(w.path))];
}

/** Streams the blobs through one `git cat-file --batch`, handing each to the collector, until it is done. */
function catFiles(root: string, wanted: ReadonlyArray<{ oid: string; path: string }>, collector: SnapshotCollector, signal?: AbortSignal): Promise<void> {
  return catFileBatch(
    root,
    wanted.map((w) => w.oid),
    (i, type, body) => {
      if (type === 'blob') collector.add(wanted[i]!.path, body.toString('utf8'));
      return !collector.done;
    },
    signal,
  ).catch((err: Error) => {
    throw err.message === 'git cat-file aborted' ? new Error('repository snapshot aborted') : err;
  });
}
