import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { FileContent, Logger, PullRequestSource, RawDiff, ReviewTarget } from '../review/ports.js';
import { silentLogger } from '../review/ports.js';
import { toFileContent } from '../diff/file-content.js';
import { findDefaultBranch } from './find-default-branch.js';
import { runGit } from './git.js';
import { readWorkingFile } from './read-working-file.js';
import { readLocalSnapshot } from './local-snapshot.js';
import type { RepositorySnapshot, SnapshotBudget } from '../integration/snapshot.js';

export interface LocalGitSourceOptions {
  /** Any folder inside the repository. */
  cwd: string;
  /** The branch the change goes into; default: the default branch (see `findDefaultBranch`). */
  base?: string;
  /** Review `base...head` and read files at `head`; default: the working tree. */
  head?: string;
  /** With the working tree, also review untracked (not ignored) files as added. Default true. */
  includeUntracked?: boolean;
  /** At most this many untracked files are added to the diff. Default 500. */
  maxUntracked?: number;
  log?: Logger;
}

/** Options that make `git diff` print exactly the format the parser expects, whatever the user's git config says. */
const DIFF_ARGS = ['--no-color', '--no-ext-diff', '--no-textconv', '--no-relative', '--src-prefix=a/', '--dst-prefix=b/', '-M'] as const;

/**
 * The change in a local git repository, as a `PullRequestSource`: the diff from the merge base of
 * `base` and the head to either the working tree (default) or the commit `head`, the head version
 * of each file, and its version at the merge base. Every git call goes through `execFile` (no shell).
 *
 * @example
 * const source = await LocalGitSource.open({ cwd: process.cwd() });   // working tree vs merge base with main
 * const source = await LocalGitSource.open({ cwd, base: 'main', head: 'feature' });
 */
export class LocalGitSource implements PullRequestSource {
  private constructor(
    /** Absolute path of the repository's top level. */
    readonly root: string,
    readonly mergeBase: string,
    /** The commit reviewed, or `undefined` for the working tree. */
    readonly headCommit: string | undefined,
    readonly target: ReviewTarget,
    private readonly opts: Required<Pick<LocalGitSourceOptions, 'includeUntracked' | 'maxUntracked'>> & { log: Logger },
  ) {}

  /** Resolves the repository, refs and merge base; throws an `InputError` with a clear message when any is wrong. */
  static async open(options: LocalGitSourceOptions): Promise<LocalGitSource> {
    const cwd = path.resolve(options.cwd);
    const dir = await stat(cwd).catch(() => undefined);
    if (!dir?.isDirectory()) throw new InputError(`${cwd} is not a directory`);
    const inside = await runGit(['rev-parse', '--show-toplevel'], { cwd, okCodes: [0, 128] });
    if (inside.code !== 0) throw new InputError(`${cwd} is not inside a git repository`);
    const root = inside.stdout.toString('utf8').trim();

    const headRef = options.head ?? 'HEAD';
    const headSha = await resolveCommit(root, headRef, options.head === undefined ? 'the repository has no commits yet' : undefined);
    const baseRef = options.base ?? (await findDefaultBranch(root));
    const baseSha = await resolveCommit(root, baseRef);
    const mb = await runGit(['merge-base', baseSha, headSha], { cwd: root, okCodes: [0, 1] });
    if (mb.code !== 0) throw new InputError(`${baseRef} and ${headRef} have no common ancestor`);
    const mergeBase = mb.stdout.toString('utf8').trim();

    const log = await runGit(['log', '--format=%B%x00', '-z', '--max-count=50', `${mergeBase}..${headSha}`], { cwd: root });
    const commitMessages = log.stdout
      .toString('utf8')
      .split('\0')
      .map((m) => m.trim())
      .filter((m) => m.length > 0);
    const target: ReviewTarget = {
      repository: path.basename(root),
      headSha,
      baseSha: mergeBase,
      ...(commitMessages.length > 0 ? { commitMessages } : {}),
    };
    return new LocalGitSource(root, mergeBase, options.head === undefined ? undefined : headSha, target, {
      includeUntracked: options.includeUntracked ?? true,
      maxUntracked: options.maxUntracked ?? 500,
      log: options.log ?? silentLogger,
    });
  }

  async loadDiff(): Promise<RawDiff> {
    const revs = this.headCommit === undefined ? [this.mergeBase] : [this.mergeBase, this.headCommit];
    const tracked = await runGit(['-c', 'core.quotePath=false', 'diff', ...DIFF_ARGS, ...revs, '--'], { cwd: this.root });
    const parts = [tracked.stdout.toString('utf8')];
    if (this.headCommit === undefined && this.opts.includeUntracked) parts.push(...(await this.untrackedDiffs()));
    return { kind: 'unified', text: parts.map((p) => (p === '' || p.endsWith('\n') ? p : `${p}\n`)).join('') };
  }

  async readFile(filePath: string, maxBytes: number): Promise<FileContent | undefined> {
    if (this.headCommit === undefined) return readWorkingFile(this.root, filePath, maxBytes);
    return this.readAt(this.headCommit, filePath, maxBytes);
  }

  /** The version of `filePath` at the merge base the diff is taken against, for differential analysis. */
  readBaseFile(filePath: string, maxBytes: number): Promise<FileContent | undefined> {
    return this.readAt(this.mergeBase, filePath, maxBytes);
  }

  /** The repository at the merge base, for the repository model (see `readLocalSnapshot`). */
  readBaseSnapshot(opts: { budget: SnapshotBudget; changedPaths: readonly string[]; signal?: AbortSignal }): Promise<RepositorySnapshot> {
    return readLocalSnapshot({ root: this.root, ref: this.mergeBase, ...opts });
  }

  baseSnapshotRef(): Promise<string> {
    return Promise.resolve(this.mergeBase);
  }

  /** `filePath` at `commit`; `undefined` when it is not a file there. */
  private async readAt(commit: string, filePath: string, maxBytes: number): Promise<FileContent | undefined> {
    // ls-tree gives type and size in one call, so an oversized blob is never read.
    const entry = await runGit(['--literal-pathspecs', 'ls-tree', '-z', '--long', commit, '--', filePath], { cwd: this.root });
    const line = entry.stdout.toString('utf8').split('\0')[0] ?? '';
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t/.exec(line);
    if (!m || m[2] !== 'blob') return undefined;
    const size = Number(m[4]);
    if (size > maxBytes) return { size, binary: false, tooLarge: true };
    const blob = await runGit(['cat-file', 'blob', m[3]!], { cwd: this.root });
    return toFileContent(blob.stdout, blob.stdout.length, maxBytes);
  }

  /** Untracked files as "new file" diffs, so work not yet `git add`ed is reviewed too. */
  private async untrackedDiffs(): Promise<string[]> {
    const listed = await runGit(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: this.root });
    const files = listed.stdout.toString('utf8').split('\0').filter((f) => f.length > 0);
    if (files.length > this.opts.maxUntracked) {
      this.opts.log.warn({ untracked: files.length, reviewed: this.opts.maxUntracked }, 'too many untracked files; reviewing the first ones only');
    }
    const out: string[] = [];
    for (const file of files.slice(0, this.opts.maxUntracked)) {
      const d = await runGit(['-c', 'core.quotePath=false', 'diff', '--no-index', ...DIFF_ARGS, '--', '/dev/null', file], { cwd: this.root, okCodes: [0, 1] });
      out.push(d.stdout.toString('utf8'));
    }
    return out;
  }
}

async function resolveCommit(cwd: string, ref: string, missingMessage?: string): Promise<string> {
  if (ref.startsWith('-')) throw new InputError(`invalid git ref "${ref}"`);
  const res = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, okCodes: [0, 1, 128] });
  if (res.code !== 0) throw new InputError(missingMessage ?? `unknown git ref "${ref}"`);
  return res.stdout.toString('utf8').trim();
}
