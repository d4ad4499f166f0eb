import type { Metrics } from '../metrics.js';

/** The slice of Octokit's hook API the plugin uses. */
interface Hookable {
  hook: { error(name: 'request', hook: (error: unknown) => unknown): void };
}

/**
 * An Octokit plugin counting failed GitHub requests in `github_api_errors_total{status}`. Apply it to
 * the Probot Octokit class (`ProbotOctokit.plugin(countGitHubErrors(metrics))`), so handlers and
 * workers count alike; a request without an answer counts as `network`. Retries are counted per try, which is what rate-limit alerts need.
 */
export function countGitHubErrors(metrics: Metrics): (octokit: Hookable) => void {
  return (octokit) => {
    octokit.hook.error('request', (error) => {
      // Octokit reports a request that got no answer (reset, timeout, DNS) as status 500 without a
      // response: that is the network, not GitHub answering 500.
      const { status, response } = error as { status?: unknown; response?: unknown };
      const answered = typeof status === 'number' && status > 0 && response !== undefined;
      metrics.githubApiErrors.inc({ status: answered ? String(status) : 'network' });
      throw error;
    });
  };
}
