import type { ReviewTarget } from '../review/ports.js';
import { translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** How many commit messages are handed to the reviewer as context. */
export const MAX_COMMIT_MESSAGES = 50;

/** A pull request as the job runner needs it: the review target plus what gates a review. */
export interface PullRequestInfo {
  target: ReviewTarget;
  state: 'open' | 'closed';
  draft: boolean;
  labels: string[];
  authorLogin?: string;
  /** `Bot`, `User` or `Organization`, as GitHub reports it. */
  authorType?: string;
  headSha: string;
  baseSha: string;
  /** How many files GitHub says the PR changes (tells a capped file list apart). */
  changedFiles: number;
  htmlUrl: string;
}

/**
 * Loads a pull request's metadata (`pulls.get`) and its first {@link MAX_COMMIT_MESSAGES} commit
 * messages (`pulls.listCommits`). GitHub failures are translated to `ExternalServiceError`.
 *
 * @example
 * const pr = await loadPullRequest(octokit, { owner: 'acme', repo: 'api', number: 7 });
 * if (pr.headSha !== job.headSha) return; // stale job
 */
export async function loadPullRequest(octokit: GitHubClient, ref: PullRequestRef): Promise<PullRequestInfo> {
  try {
    const params = { owner: ref.owner, repo: ref.repo, pull_number: ref.number };
    const { data: pr } = await octokit.rest.pulls.get(params);
    const { data: commits } = await octokit.rest.pulls.listCommits({ ...params, per_page: MAX_COMMIT_MESSAGES });
    const target: ReviewTarget = {
      repository: `${ref.owner}/${ref.repo}`,
      number: ref.number,
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      title: pr.title,
      ...(pr.body ? { body: pr.body } : {}),
      ...(pr.user?.login ? { author: pr.user.login } : {}),
      commitMessages: commits.slice(0, MAX_COMMIT_MESSAGES).map((c) => c.commit.message),
    };
    return {
      target,
      state: pr.state === 'closed' ? 'closed' : 'open',
      draft: pr.draft ?? false,
      labels: pr.labels.map((l) => l.name).filter((n): n is string => typeof n === 'string'),
      ...(pr.user?.login ? { authorLogin: pr.user.login } : {}),
      ...(pr.user?.type ? { authorType: pr.user.type } : {}),
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      changedFiles: pr.changed_files,
      htmlUrl: pr.html_url,
    };
  } catch (err) {
    throw translateGitHubError(err);
  }
}
