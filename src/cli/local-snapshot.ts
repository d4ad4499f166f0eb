import { SnapshotCollector, type RepositorySnapshot, type SnapshotBudget } from '../integration/snapshot.js';
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
 * streams their contents. Stops at the budget (files, bytes, time) like the GitHub tarball reader.
 *
 * @example const snap = await readLocalSnapshot({ root, ref: mergeBase, budget, changedPaths: ['src/pay.ts'] });
 */
export async function readLocalSnapshot(opts: LocalSnapshotOptions): Promise<RepositorySnapshot> {
  const collector = new SnapshotCollector({ budget: opts.budget, changedPaths: opts.changedPaths, ...(opts.maxFileBytes ? { maxFileBytes: opts.maxFileBytes } : {}) });
  const listing = await runGit(['ls-tree', '-r', '-l', '-z', '--full-tree', opts.ref], { cwd: opts.root });
  const wanted: Array<{ oid: string; path: string }> = [];
  for (const line of listing.stdout.toString('utf8').split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(line);
    if (m && collector.wants(m[3]!, Number(m[2]))) wanted.push({ oid: m[1]!, path: m[3]! });
  }
  if (wanted.length > 0) await catFiles(opts.root, wanted, collector, opts.signal);
  return collector.finish(opts.ref);
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
