import { InputError } from '../errors.js';
import { runGit } from './git.js';

/**
 * The repository's default branch, as a ref usable by `git merge-base`: `origin/HEAD`'s target when
 * the clone has one, else `main`, else `master` (local branch first, then the remote-tracking one).
 * Throws an `InputError` asking for `--base` when none exists.
 */
export async function findDefaultBranch(cwd: string): Promise<string> {
  const originHead = await runGit(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], { cwd, okCodes: [0, 1, 128] });
  if (originHead.code === 0) {
    const ref = originHead.stdout.toString('utf8').trim();
    if (ref.startsWith('refs/remotes/')) return ref.slice('refs/remotes/'.length);
  }
  for (const candidate of ['refs/heads/main', 'refs/remotes/origin/main', 'refs/heads/master', 'refs/remotes/origin/master']) {
    const found = await runGit(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], { cwd, okCodes: [0, 1, 128] });
    if (found.code === 0) return candidate.replace(/^refs\/(heads|remotes)\//, '');
  }
  throw new InputError('cannot find the default branch (no origin/HEAD, main or master): pass --base <ref>');
}
