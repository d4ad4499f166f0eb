import { toFileContent } from '../diff/file-content.js';
import type { FileContent, PullRequestSource, RawDiff } from '../review/ports.js';
import type { SnapshotBudget } from '../integration/snapshot.js';
import { readTarballSnapshot } from './github-snapshot.js';
import { gitHubErrorCodes, hasStatus, translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** GitHub lists at most this many files of a pull request. */
export const MAX_LISTED_FILES = 3000;

export interface GitHubSourceRef extends PullRequestRef {
  headSha: string;
  /**
   * The pull request's `base.sha` (the tip of its base branch when GitHub last computed the PR). When set, the
   * source reads base versions too, at the merge base of this and the head (see `readBaseFile`).
   */
  baseSha?: string;
  /** GitHub's `changed_files`, when known: tells a file list cut at the cap apart from a complete one. */
  changedFiles?: number;
  /** Aborts in-flight requests (a newer head SHA superseded the job). */
  signal?: AbortSignal;
}

type RawFiles = Extract<RawDiff, { kind: 'files' }>['files'];

/**
 * The pull-request source port over GitHub. `loadDiff` asks for the whole unified diff; when GitHub
 * answers 406 `too_large` (over 300 files or 20,000 lines) it falls back to the paginated files API,
 * capped at 3,000 files. `readFile` reads the head version at `headSha`, capped at `maxBytes`; with `baseSha`,
 * `readBaseFile` reads the base version the same way, at the merge base. Every call goes through the client's
 * GitHub retry policy (octokit-policy.ts).
 *
 * @example
 * const source = createGitHubSource(octokit, { owner: 'acme', repo: 'api', number: 7, headSha });
 * const raw = await source.loadDiff();
 */
export function createGitHubSource(octokit: GitHubClient, ref: GitHubSourceRef): PullRequestSource {
  const base = { owner: ref.owner, repo: ref.repo };
  const signalOpt = ref.signal ? { signal: ref.signal } : {};

  async function loadFiles(): Promise<RawDiff> {
    const files: RawFiles = [];
    await octokit.paginate(
      octokit.rest.pulls.listFiles,
      { ...base, pull_number: ref.number, per_page: 100, request: signalOpt },
      (response, done) => {
        for (const f of response.data) {
          if (files.length >= MAX_LISTED_FILES) break;
          files.push({
            filename: f.filename,
            ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
            status: f.status,
            ...(f.patch !== undefined ? { patch: f.patch } : {}),
            additions: f.additions,
            deletions: f.deletions,
          });
        }
        if (files.length >= MAX_LISTED_FILES) done();
        return [];
      },
    );
    const truncated = files.length >= MAX_LISTED_FILES || (ref.changedFiles !== undefined && ref.changedFiles > files.length);
    return { kind: 'files', files, ...(truncated ? { truncated: true } : {}) };
  }

  /**
   * The commit the pull request's diff is taken against. GitHub's PR diff is a three-dot diff, from the merge
   * base of `base.sha` and the head, and `base.sha` is only the base branch's tip: once that branch moves on,
   * its files differ from the merge base, and the diff's deleted lines and line numbers (which differential
   * analysis pairs base matches by) no longer describe them. So one compare request (`merge_base_commit`) is
   * worth it: it is made once per review, only when a base file is read, against one read per base file.
   * If it fails, `base.sha` is the best remaining guess (right whenever the base branch has not moved).
   */
  let mergeBase: Promise<string> | undefined;
  const resolveMergeBase = (baseSha: string): Promise<string> =>
    (mergeBase ??= octokit.rest.repos
      .compareCommitsWithBasehead({ ...base, basehead: `${baseSha}...${ref.headSha}`, per_page: 1, request: signalOpt })
      .then(({ data }) => data.merge_base_commit.sha)
      .catch((err: unknown) => {
        if (ref.signal?.aborted) throw translateGitHubError(err);
        return baseSha;
      }));

  async function readAt(commit: string, path: string, maxBytes: number): Promise<FileContent | undefined> {
    let data: unknown;
    try {
      ({ data } = await octokit.rest.repos.getContent({ ...base, path, ref: commit, request: signalOpt }));
    } catch (err) {
      if (hasStatus(err, 404)) return undefined;
      throw translateGitHubError(err);
    }
    // A directory lists entries; a symlink or submodule has no text worth reviewing.
    if (Array.isArray(data) || typeof data !== 'object' || data === null) return undefined;
    const file = data as { type?: string; size?: number; encoding?: string; content?: string };
    if (file.type !== 'file') return undefined;
    const size = file.size ?? 0;
    if (size > maxBytes) return { size, binary: false, tooLarge: true };
    if (file.encoding === 'base64' && typeof file.content === 'string') {
      return toFileContent(Buffer.from(file.content, 'base64'), size, maxBytes);
    }
    // Over 1 MB GitHub sends no content in JSON (`encoding: none`): ask for the raw bytes.
    return toFileContent(await readRaw(commit, path), size, maxBytes);
  }

  const baseSha = ref.baseSha;
  return {
    ...(baseSha !== undefined ? { readBaseFile: async (path: string, maxBytes: number) => readAt(await resolveMergeBase(baseSha), path, maxBytes) } : {}),
    ...(baseSha !== undefined
      ? {
          // One tarball request per base commit (the review caches the model it gives).
          readBaseSnapshot: async (opts: { budget: SnapshotBudget; changedPaths: readonly string[]; signal?: AbortSignal }) => {
            const signal = opts.signal && ref.signal ? AbortSignal.any([opts.signal, ref.signal]) : (opts.signal ?? ref.signal);
            return readTarballSnapshot(octokit, { ...base, ref: await resolveMergeBase(baseSha), budget: opts.budget, changedPaths: opts.changedPaths, ...(signal ? { signal } : {}) });
          },
          baseSnapshotRef: () => resolveMergeBase(baseSha),
        }
      : {}),

    async loadDiff() {
      try {
        // The retry policy (octokit-policy.ts) retries a 5xx, 429 or reset here, never a 406: a diff
        // that is too large stays too large.
        const { data } = await octokit.rest.pulls.get({ ...base, pull_number: ref.number, mediaType: { format: 'diff' }, request: signalOpt });
        return { kind: 'unified', text: typeof data === 'string' ? data : String(data) };
      } catch (err) {
        if (!(hasStatus(err, 406) && gitHubErrorCodes(err).includes('too_large'))) throw translateGitHubError(err);
      }
      try {
        return await loadFiles();
      } catch (err) {
        throw translateGitHubError(err);
      }
    },

    readFile(path: string, maxBytes: number): Promise<FileContent | undefined> {
      return readAt(ref.headSha, path, maxBytes);
    },
  };

  async function readRaw(commit: string, path: string): Promise<Buffer> {
    try {
      const { data } = await octokit.rest.repos.getContent({ ...base, path, ref: commit, mediaType: { format: 'raw' }, request: signalOpt });
      const raw: unknown = data;
      if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
      if (raw instanceof ArrayBuffer) return Buffer.from(raw);
      throw new Error(`unexpected raw content for ${path}`);
    } catch (err) {
      throw translateGitHubError(err);
    }
  }
}
