import { ProbotOctokit } from 'probot';
import { fetchWithTimeout } from '../github/fetch-with-timeout.js';
import { withGitHubRetryPolicy } from '../github/octokit-policy.js';
import type { GitHubClient } from '../github/types.js';
import type { Logger } from '../review/ports.js';

/** Probot's Octokit with arch-review's retry policy: the client every GitHub adapter takes. */
const ActionOctokit = withGitHubRetryPolicy(ProbotOctokit);

export interface ActionOctokitOptions {
  /** The workflow's `GITHUB_TOKEN` (or another token that can read the repository). */
  token: string;
  /** `GITHUB_API_URL`: GitHub Enterprise Server's `https://<host>/api/v3` works as well. */
  apiUrl: string;
  log: Logger;
  /** Per-request timeout; default 30 s (the App's `GITHUB_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/**
 * The Action's GitHub client, authenticated with a token: the same Octokit the App's worker uses
 * (`@octokit/rest`'s endpoint methods, pagination, throttling, `config.get`, and the retry policy of
 * `octokit-policy.ts`), so `runReviewJob` runs unchanged. `@octokit/rest` alone lacks `config.get`,
 * which the configuration loader needs.
 *
 * @example
 * const octokit = createActionOctokit({ token: process.env['INPUT_GITHUB-TOKEN']!, apiUrl: 'https://api.github.com', log });
 */
export function createActionOctokit(opts: ActionOctokitOptions): GitHubClient {
  return new ActionOctokit({
    auth: { token: opts.token },
    baseUrl: opts.apiUrl,
    log: opts.log,
    request: { fetch: fetchWithTimeout(opts.timeoutMs ?? 30_000) },
  }) as GitHubClient;
}
