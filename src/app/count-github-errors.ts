import { isNetworkFailure } from '../github/translate-error.js';
import type { Metrics } from '../metrics.js';

/** The slice of Octokit's hook API the plugin uses. */
interface Hookable {
  hook: { error(name: 'request', hook: (error: unknown) => unknown): void };
}

/**
 * An Octokit plugin counting failed GitHub requests in `github_api_errors_total{status}`. Apply it to
 * the Probot Octokit class (`ProbotOctokit.plugin(countGitHubErrors(metrics))`), so handlers and
 * workers count alike. Applied before the retry policy (`withGitHubRetryPolicy`), it counts every try,
 * which is what rate-limit alerts need. A failure without an HTTP answer (network error, reset, timeout)
 * is `status="network"`, not Octokit's stand-in 500; a caller's abort is not counted.
 *
 * @example const Octokit = withGitHubRetryPolicy(ProbotOctokit.plugin(countGitHubErrors(metrics)));
 */
export function countGitHubErrors(metrics: Metrics): (octokit: Hookable) => void {
  return (octokit) => {
    octokit.hook.error('request', (error) => {
      // A caller's abort (a superseded job) is not a GitHub failure.
      if ((error as { name?: unknown }).name === 'AbortError') throw error;
      const status = (error as { status?: unknown }).status;
      // No answer at all (reset, refused, timeout): Octokit says 500 without a response; count it apart.
      const network = isNetworkFailure(error) || typeof status !== 'number' || status <= 0;
      metrics.githubApiErrors.inc({ status: network ? 'network' : String(status) });
      throw error;
    });
  };
}
