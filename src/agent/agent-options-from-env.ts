import { ConfigError } from '../errors.js';
import type { Logger } from '../review/ports.js';
import type { AnthropicReviewerOptions } from './anthropic-reviewer.js';

/**
 * The agent reviewer's options from the environment, or `undefined` when `ANTHROPIC_API_KEY` is not
 * set (a rules-only review). Reads `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL` (a proxy or a fake server)
 * and `ARCH_REVIEW_AGENT_DEADLINE_MS` (the hard deadline of the agent part of one review, default
 * 120,000). Empty values count as unset, like `readEnv`.
 *
 * @example
 * const opts = agentOptionsFromEnv(process.env, log);
 * const reviewer = opts ? createAnthropicReviewer(opts) : undefined;
 * @throws ConfigError when `ARCH_REVIEW_AGENT_DEADLINE_MS` is not a positive integer (the key is named, never a value).
 */
export function agentOptionsFromEnv(env: Readonly<Record<string, string | undefined>>, log: Logger): AnthropicReviewerOptions | undefined {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey) return undefined;
  const opts: AnthropicReviewerOptions = { apiKey, log };
  const baseURL = env.ANTHROPIC_BASE_URL?.trim();
  if (baseURL) opts.baseURL = baseURL;
  const deadline = env.ARCH_REVIEW_AGENT_DEADLINE_MS?.trim();
  if (deadline) {
    const ms = Number(deadline);
    if (!Number.isInteger(ms) || ms <= 0) throw new ConfigError('ARCH_REVIEW_AGENT_DEADLINE_MS must be a positive integer (milliseconds)');
    opts.deadlineMs = ms;
  }
  return opts;
}
