import { SeveritySchema, type Severity } from '../review/finding.js';
import { InputError } from '../errors.js';

/** The Action's `config` input when none is given: where the App reads the configuration too. */
export const DEFAULT_CONFIG_PATH = '.github/arch-review.yml';

/** The Action's inputs, as `action.yml` declares them. */
export interface ActionInputs {
  /** The configuration file, relative to the workspace (the checkout). */
  configPath: string;
  /** Exit 1 when a finding at or above this severity is open at the head. */
  failOn?: Severity;
  /** Enables the agent reviewer; without it the review is rules only. */
  anthropicApiKey?: string;
  /** Overrides the configuration's `agent.model`. */
  model?: string;
  githubToken: string;
}

/**
 * One input the way the Actions runner passes it (and `@actions/core`'s `getInput` reads it):
 * `INPUT_<NAME>` with spaces as underscores, upper-cased, dashes kept (`INPUT_GITHUB-TOKEN`), trimmed.
 * A composite step may only be able to export `INPUT_GITHUB_TOKEN`, so the underscore spelling is read
 * as a fallback. Empty counts as unset.
 *
 * @example inputOf({ 'INPUT_FAIL-ON': ' high ' }, 'fail-on') // 'high'
 */
export function inputOf(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  const value = (env[key] ?? env[key.replace(/-/g, '_')])?.trim();
  return value ? value : undefined;
}

/**
 * The Action's inputs from the environment. `github-token` is required (the default in `action.yml`
 * is the workflow's `github.token`); `fail-on` must be `high`, `medium` or `low`.
 *
 * @example readActionInputs({ 'INPUT_GITHUB-TOKEN': 'ghs_x', 'INPUT_FAIL-ON': 'high' })
 * // { configPath: '.github/arch-review.yml', failOn: 'high', githubToken: 'ghs_x' }
 * @throws InputError naming the input (never its value) when one is missing or invalid.
 */
export function readActionInputs(env: Readonly<Record<string, string | undefined>>): ActionInputs {
  const githubToken = inputOf(env, 'github-token');
  if (!githubToken) throw new InputError('the github-token input is empty: pass `github-token: ${{ github.token }}` (the default) or a token that can read the repository');
  const rawFailOn = inputOf(env, 'fail-on');
  let failOn: Severity | undefined;
  if (rawFailOn !== undefined) {
    const parsed = SeveritySchema.safeParse(rawFailOn.toLowerCase());
    if (!parsed.success) throw new InputError(`the fail-on input must be high, medium or low (got "${rawFailOn}")`);
    failOn = parsed.data;
  }
  const model = inputOf(env, 'model');
  const anthropicApiKey = inputOf(env, 'anthropic-api-key');
  const configPath = inputOf(env, 'config') ?? DEFAULT_CONFIG_PATH;
  return { configPath, githubToken, ...(failOn ? { failOn } : {}), ...(model ? { model } : {}), ...(anthropicApiKey ? { anthropicApiKey } : {}) };
}
