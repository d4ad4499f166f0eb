import { agentOptionsFromEnv } from '../agent/agent-options-from-env.js';
import { createAnthropicReviewer } from '../agent/anthropic-reviewer.js';
import type { Config } from '../config/schema.js';
import type { Logger, Reviewer } from '../review/ports.js';

export interface CreateReviewerOptions {
  config: Config;
  log: Logger;
}

/**
 * The seam where the Claude reviewer plugs into the CLI: given the environment, returns the agent
 * reviewer, or `undefined` for a rules-only review (no `ANTHROPIC_API_KEY` with the default provider, or
 * `agent.enabled: false`). The CLI calls it only without `--no-agent`. `ARCH_REVIEW_PROVIDER`
 * (anthropic, bedrock, vertex) and the variables of each provider are honoured, as are
 * `ARCH_REVIEW_MODEL` and `ARCH_REVIEW_AGENT_DEADLINE_MS` (see `agentOptionsFromEnv`).
 *
 * @example
 * const reviewer = createReviewer({ ARCH_REVIEW_PROVIDER: 'vertex', CLOUD_ML_REGION: 'global', ANTHROPIC_VERTEX_PROJECT_ID: 'acme' }, { config, log });
 * @throws ConfigError when the chosen provider's region or project is missing, or a variable is invalid.
 */
export function createReviewer(env: Readonly<Record<string, string | undefined>>, options: CreateReviewerOptions): Reviewer | undefined {
  if (!options.config.agent.enabled) return undefined;
  const opts = agentOptionsFromEnv(env, options.log);
  if (!opts) return undefined;
  options.log.debug({ provider: opts.provider?.kind ?? 'anthropic', model: opts.model ?? options.config.agent.model }, 'agent reviewer enabled');
  return createAnthropicReviewer(opts);
}
