import { spawn } from 'node:child_process';
import { SnapshotCollector, type RepositorySnapshot, type SnapshotBudget } from '../integration/snapshot.js';
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
  return new Promise((resolve, reject) => {
    const git = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
    let next = 0;
    let pending: Buffer = Buffer.alloc(0);
    let finished = false;
    const stop = (err?: Error) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      git.stdin.end();
      git.kill();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => stop(new Error('repository snapshot aborted'));
    signal?.addEventListener('abort', onAbort);
    git.on('error', (err) => stop(err));
    git.on('close', () => stop());
    git.stdin.on('error', () => undefined);
    git.stdout.on('data', (chunk: Buffer) => {
      if (finished) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const eol = pending.indexOf(10);
        if (eol < 0) return;
        const header = pending.subarray(0, eol).toString('utf8');
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) {
          // `<oid> missing`: skip the line.
          pending = pending.subarray(eol + 1);
          next++;
        } else {
          const size = Number(m[2]);
          if (pending.length < eol + 1 + size + 1) return;
          const body = pending.subarray(eol + 1, eol + 1 + size);
          collector.add(wanted[next]!.path, body.toString('utf8'));
          pending = pending.subarray(eol + 1 + size + 1);
          next++;
        }
        if (next >= wanted.length || collector.done) return stop();
      }
    });
    // One line per blob; git answers in order.
    git.stdin.write(wanted.map((w) => w.oid).join('\n') + '\n');
    git.stdin.end();
  });
}
