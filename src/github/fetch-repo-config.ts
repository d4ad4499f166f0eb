import deepmerge from 'deepmerge';
import { configFromObject } from '../config/config-from-object.js';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { CONFIG_FILE } from './check-run-outcome.js';
import { hasStatus, translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

type RepoRef = Pick<PullRequestRef, 'owner' | 'repo'>;

/** One file the configuration was read from. */
interface ConfigFileRef {
  owner: string;
  repo: string;
  path: string;
}

/**
 * The repository's arch-review configuration, read in a worker (no Probot context) the way
 * `context.config('arch-review.yml')` reads it: `.github/arch-review.yml` on the default branch, else the
 * owner's `.github` repository, following `_extends` (via `octokit.config.get` from
 * `@probot/octokit-plugin-config`). No file gives the defaults. Files are merged deeply, as
 * `context.config` merges them (`deepmerge`, its default options): a repository's `agent: { enabled: false }`
 * keeps the org's `agent.min_confidence`; lists are concatenated (the org's `skip_labels` plus the repository's).
 *
 * A file that cannot be used throws a `ConfigError` with its line: the plugin parses YAML without
 * positions, so on failure the contributing files are read again as text and checked one by one with
 * `loadConfig`. GitHub failures throw `ExternalServiceError` (retryable when GitHub is).
 *
 * @example
 * const { config, warnings } = await fetchRepoConfig(octokit, { owner: 'acme', repo: 'api' });
 */
export async function fetchRepoConfig(octokit: GitHubClient, ref: RepoRef): Promise<{ config: Config; warnings: string[] }> {
  const label = (f: ConfigFileRef) => (f.owner === ref.owner && f.repo === ref.repo && f.path === CONFIG_FILE ? CONFIG_FILE : `${f.owner}/${f.repo}:${f.path}`);

  async function locate(files: readonly ConfigFileRef[], fallback: ConfigError): Promise<never> {
    for (const f of files) {
      const text = await readText(octokit, f);
      if (text === undefined) continue;
      try {
        loadConfig(text, label(f));
      } catch (err) {
        if (err instanceof ConfigError) throw err;
        throw fallback;
      }
    }
    throw fallback;
  }

  let got: Awaited<ReturnType<GitHubClient['config']['get']>>;
  try {
    got = await octokit.config.get({ owner: ref.owner, repo: ref.repo, path: CONFIG_FILE, defaults: mergeConfigs });
  } catch (err) {
    if (isHttpError(err)) throw translateGitHubError(err);
    // The plugin's own failures: invalid YAML, a bad `_extends`, recursion, a directory at the path.
    const message = err instanceof Error ? err.message.replace(/^\[@probot\/octokit-plugin-config\]\s*/, '') : String(err);
    const file = fileFromMessage(message);
    const fallback = new ConfigError(message.replace(/\s*from https?:\/\/\S+/, "").replace(/https?:\/\/\S+/, file ? label(file) : CONFIG_FILE), file ? label(file) : CONFIG_FILE, { cause: err });
    return locate(file ? [file] : [], fallback);
  }

  const present = got.files.filter((f) => f.config !== null && f.config !== undefined);
  if (present.length === 0) return configFromObject(undefined, CONFIG_FILE);
  const name = present.map(label).join(' + ');
  try {
    return configFromObject(got.config, name);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return locate(present, err);
  }
}

/**
 * The plugin's `defaults` hook, doing what Probot's `context.config` does: `deepmerge.all` over the files,
 * the base first and the repository's file last (the plugin hands them over in that order). Without it
 * the plugin merges with `Object.assign`, so a repository's `agent:` replaced the org's whole `agent:`.
 */
function mergeConfigs(configs: Array<Record<string, unknown>>): Record<string, unknown> {
  return deepmerge.all<Record<string, unknown>>([{}, ...configs]);
}

function isHttpError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

/** The file named by a plugin error's contents URL (`…/repos/{owner}/{repo}/contents/{path}`). */
function fileFromMessage(message: string): ConfigFileRef | undefined {
  const m = /\/repos\/([^/\s]+)\/([^/\s]+)\/contents\/([^\s?]+)/.exec(message);
  if (!m) return undefined;
  return { owner: decodeURIComponent(m[1]!), repo: decodeURIComponent(m[2]!), path: decodeURIComponent(m[3]!) };
}

async function readText(octokit: GitHubClient, f: ConfigFileRef): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: f.owner, repo: f.repo, path: f.path, mediaType: { format: 'raw' } });
    const raw: unknown = data;
    if (typeof raw === 'string') return raw;
    if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
    return undefined;
  } catch (err) {
    if (hasStatus(err, 404)) return undefined;
    throw translateGitHubError(err);
  }
}
