import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { fetchRepoConfig } from '../github/fetch-repo-config.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import { DEFAULT_CONFIG_PATH } from './action-inputs.js';

export interface ActionConfigOptions {
  /** The `config` input, relative to `workspace`. */
  configPath: string;
  /** The checkout (`GITHUB_WORKSPACE`). */
  workspace: string;
  /** The `model` input: replaces `agent.model`. */
  model?: string;
}

export type ConfigLoader = (octokit: GitHubClient, ref: PullRequestRef) => Promise<{ config: Config; warnings: string[] }>;

/**
 * How the Action finds its configuration: the file at `configPath` in the checkout when it is there
 * (`actions/checkout` ran; its errors name the file and line); else, for the default path, what the App
 * reads (`.github/arch-review.yml` on the default branch, org defaults, `_extends`: `fetchRepoConfig`);
 * a non-default path that is not in the checkout is a configuration error. The `model` input replaces
 * `agent.model` either way.
 *
 * @example
 * const loader = actionConfigLoader({ configPath: '.github/arch-review.yml', workspace: '/home/runner/work/api/api' });
 * await runReviewJob({ ...deps, loadConfig: loader });
 */
export function actionConfigLoader(opts: ActionConfigOptions): ConfigLoader {
  return async (octokit, ref) => {
    const loaded = (await readLocal(opts)) ?? (await fromGitHub(octokit, ref, opts.configPath));
    if (!opts.model) return loaded;
    return { ...loaded, config: { ...loaded.config, agent: { ...loaded.config.agent, model: opts.model } } };
  };
}

async function readLocal(opts: ActionConfigOptions): Promise<{ config: Config; warnings: string[] } | undefined> {
  const file = path.resolve(opts.workspace, opts.configPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${opts.configPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, opts.configPath, { cause: err });
  }
  return loadConfig(text, opts.configPath);
}

async function fromGitHub(octokit: GitHubClient, ref: PullRequestRef, configPath: string): Promise<{ config: Config; warnings: string[] }> {
  if (path.posix.normalize(configPath.replace(/\\/g, '/')).replace(/^\.\//, '') !== DEFAULT_CONFIG_PATH) {
    throw new ConfigError(`not in the checkout: run actions/checkout before arch-review, or leave the config input at its default`, configPath);
  }
  return fetchRepoConfig(octokit, ref);
}
