import type { Logger } from '../review/ports.js';
import { hasStatus, translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** GitHub's compare API lists at most this many files; a list that long may be cut. */
const COMPARE_FILE_CAP = 300;

/**
 * Paths changed between an earlier reviewed head and the current head (`repos.compareCommitsWithBasehead`),
 * renamed files under both names. Returns `undefined` when the answer would not be trustworthy, so the
 * caller reviews everything: the old commit is gone (force push, 404/422), the new head does not simply
 * extend the old one (a rebase: `diverged` or `behind`), or the file list may be capped.
 *
 * @example
 * const onlyPaths = await changedPathsSince(octokit, ref, prior.lastReviewedSha, job.headSha, log);
 */
export async function changedPathsSince(
  octokit: GitHubClient,
  ref: Pick<PullRequestRef, 'owner' | 'repo'>,
  fromSha: string,
  toSha: string,
  log: Logger,
): Promise<Set<string> | undefined> {
  let data;
  try {
    ({ data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner: ref.owner, repo: ref.repo, basehead: `${fromSha}...${toSha}`, per_page: 1 }));
  } catch (err) {
    if (hasStatus(err, 404) || hasStatus(err, 422)) {
      log.info({ fromSha, toSha }, 'earlier reviewed commit is gone (force push?); reviewing everything');
      return undefined;
    }
    throw translateGitHubError(err);
  }
  if (data.status !== 'ahead') {
    log.info({ fromSha, toSha, status: data.status }, 'head does not extend the reviewed commit; reviewing everything');
    return undefined;
  }
  const files = data.files ?? [];
  if (files.length >= COMPARE_FILE_CAP) return undefined;
  const paths = new Set<string>();
  for (const f of files) {
    paths.add(f.filename);
    if (f.previous_filename) paths.add(f.previous_filename);
  }
  return paths;
}
