import { translateGitHubError } from './translate-error.js';
import type { GitHubClient } from './types.js';

/**
 * The login this app posts as, `<app-slug>[bot]`, from `GET /app`. Needs an app-authenticated
 * (JWT) Octokit, such as `await probot.auth()`: call it once at startup, not per job.
 *
 * @example
 * const botLogin = await resolveBotLogin(await probot.auth());
 */
export async function resolveBotLogin(appOctokit: GitHubClient): Promise<string> {
  try {
    const { data } = await appOctokit.rest.apps.getAuthenticated();
    if (!data?.slug) throw new Error('GET /app returned no slug');
    return `${data.slug}[bot]`;
  } catch (err) {
    throw translateGitHubError(err);
  }
}
