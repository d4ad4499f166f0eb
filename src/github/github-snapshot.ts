import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { SnapshotCollector, type RepositorySnapshot, type SnapshotBudget } from '../integration/snapshot.js';
import { translateGitHubError } from './translate-error.js';
import type { GitHubClient } from './types.js';

export interface TarballSnapshotOptions {
  owner: string;
  repo: string;
  /** The commit to read (the merge base). */
  ref: string;
  budget: SnapshotBudget;
  changedPaths: readonly string[];
  maxFileBytes?: number;
  signal?: AbortSignal;
}

/**
 * The repository snapshot at `ref` from GitHub: `GET /repos/{owner}/{repo}/tarball/{ref}` (under `/api/v3` on
 * GHES, through the client's base URL). GitHub answers 302 to a short-lived codeload URL that carries its own
 * token; `fetch` follows it (and drops the `Authorization` header when the host changes, which codeload does
 * not need). The body is streamed through gunzip and a tar parser, never buffered whole: each entry's path
 * (the top folder `owner-repo-sha/` stripped) and size go to the collector, only the entries it wants are
 * read, and the download is aborted as soon as the budget is spent (files, bytes, or `timeoutMs`, which also
 * bounds the requests themselves).
 *
 * ONE request when the repository fits the budget. Over it (the snapshot is cut to the packages the change
 * touches and what they import), a module they import that came in the archive before its importer was seen
 * but not kept: then, and only then, a second request reads the archive again for those files alone, within
 * what is left of the time budget (see {@link SnapshotCollector.secondPass}).
 *
 * @example const snap = await readTarballSnapshot(octokit, { owner, repo, ref: mergeBase, budget, changedPaths });
 */
export async function readTarballSnapshot(octokit: GitHubClient, opts: TarballSnapshotOptions): Promise<RepositorySnapshot> {
  const collector = new SnapshotCollector({ budget: opts.budget, changedPaths: opts.changedPaths, ...(opts.maxFileBytes ? { maxFileBytes: opts.maxFileBytes } : {}) });
  const timeout = AbortSignal.timeout(opts.budget.timeoutMs);
  await readPass(octokit, opts, collector, timeout, false);
  if (collector.secondPass().length > 0 && !collector.done) {
    try {
      await readPass(octokit, opts, collector, timeout, true);
    } catch (err) {
      // The second pass only completes the first: if it fails, the snapshot is what the first read (the note counts what was left out).
      if (opts.signal?.aborted) throw err;
    }
  }
  return collector.finish(opts.ref);
}

/** One pass over the archive: one request, its entries offered to the collector until it is done or the archive ends. */
async function readPass(octokit: GitHubClient, opts: TarballSnapshotOptions, collector: SnapshotCollector, timeout: AbortSignal, second: boolean): Promise<void> {
  const abort = new AbortController();
  const signal = AbortSignal.any([abort.signal, timeout, ...(opts.signal ? [opts.signal] : [])]);
  let body: unknown;
  try {
    // `parseSuccessResponseBody: false`: Octokit hands over the response body as a stream instead of reading it whole.
    ({ data: body } = await octokit.rest.repos.downloadTarballArchive({ owner: opts.owner, repo: opts.repo, ref: opts.ref, request: { signal, parseSuccessResponseBody: false } }));
  } catch (err) {
    // Out of time before the second pass's response: keep what the first pass read.
    if (second && timeout.aborted && !opts.signal?.aborted) {
      collector.timedOut();
      return;
    }
    throw translateGitHubError(err);
  }
  if (!body || typeof (body as WebReadableStream).getReader !== 'function') throw new Error('the tarball response has no body');
  const gunzip = createGunzip();
  const extract = tar.extract();
  const input = Readable.fromWeb(body as WebReadableStream);
  const failed = new Promise<never>((_, reject) => {
    for (const s of [input, gunzip]) s.once('error', (err) => reject(err));
  });
  failed.catch(() => undefined);
  input.pipe(gunzip).pipe(extract);
  try {
    const entries = (async () => {
      for await (const entry of extract) {
        const size = entry.header.size ?? 0;
        const path = stripTopFolder(entry.header.name);
        if (entry.header.type === 'file' && path && collector.wants(path, size)) {
          const chunks: Buffer[] = [];
          for await (const chunk of entry) chunks.push(chunk as Buffer);
          collector.add(path, Buffer.concat(chunks).toString('utf8'));
        } else entry.resume();
        if (collector.done) break;
      }
    })();
    await Promise.race([entries, failed]);
  } catch (err) {
    // Out of time (the budget's, or the transport's own per-request timeout): keep what was read, and the
    // collector notes the cut. A caller's abort (a newer head superseded the review) or any other failure is the caller's.
    if (opts.signal?.aborted || !(timeout.aborted || isTimeout(err))) throw err;
    collector.timedOut();
  } finally {
    abort.abort();
    input.destroy();
    gunzip.destroy();
    extract.destroy();
  }
}

/** An aborted or timed-out body stream (`AbortSignal.timeout` under the transport). */
function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** `acme-shop-1a2b3c/src/pay.ts` → `src/pay.ts` (GitHub's archives put everything under one top folder). */
function stripTopFolder(name: string): string {
  const i = name.indexOf('/');
  return i < 0 ? '' : name.slice(i + 1);
}
