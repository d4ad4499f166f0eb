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
 * reviewer, or `undefined` for a rules-only review (no `ANTHROPIC_API_KEY`, or `agent.enabled: false`).
 * The CLI calls it only without `--no-agent`. `ANTHROPIC_BASE_URL` and `ARCH_REVIEW_AGENT_DEADLINE_MS`
 * are honoured (see `agentOptionsFromEnv`).
 */
export function createReviewer(env: Readonly<Record<string, string | undefined>>, options: CreateReviewerOptions): Reviewer | undefined {
  if (!options.config.agent.enabled) return undefined;
  const opts = agentOptionsFromEnv(env, options.log);
  if (!opts) return undefined;
  options.log.debug({ model: options.config.agent.model }, 'agent reviewer enabled');
  return createAnthropicReviewer(opts);
}
