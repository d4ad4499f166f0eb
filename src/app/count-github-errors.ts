import type { Metrics } from '../metrics.js';

/** The slice of Octokit's hook API the plugin uses. */
interface Hookable {
  hook: { error(name: 'request', hook: (error: unknown) => unknown): void };
}

/**
 * An Octokit plugin counting failed GitHub requests in `github_api_errors_total{status}`. Apply it to
 * the Probot Octokit class (`ProbotOctokit.plugin(countGitHubErrors(metrics))`), so handlers and
 * workers count alike. Retries are counted per try, which is what rate-limit alerts need.
 */
export function countGitHubErrors(metrics: Metrics): (octokit: Hookable) => void {
  return (octokit) => {
    octokit.hook.error('request', (error) => {
      const status = (error as { status?: unknown }).status;
      metrics.githubApiErrors.inc({ status: typeof status === 'number' && status > 0 ? String(status) : 'network' });
      throw error;
    });
  };
}
