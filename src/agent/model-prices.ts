import { anthropicModelId } from './provider-model-id.js';

/** US dollars per million tokens. Cache writes are the 5-minute TTL rate (the only TTL arch-review uses). */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** A price that depends on the request's prompt length (input + cache reads + cache writes). */
export interface TieredPrice {
  /** Prompts up to this many tokens pay `base`; longer ones pay `long` on every token, output included. */
  threshold: number;
  base: ModelPrice;
  long: ModelPrice;
}

/** When the table below was last checked against Anthropic's pricing page. */
export const PRICES_CHECKED = '2026-11-25';

const p = (input: number, output: number, cacheWrite: number, cacheRead: number): ModelPrice => ({ input, output, cacheWrite, cacheRead });

/**
 * Anthropic's list prices by model family (platform.claude.com/docs/en/about-claude/pricing and the
 * model overview pages, checked {@link PRICES_CHECKED}; Sonnet 5.5 and Opus 5.5 cache reads at 0.05×
 * input since 2026-10-07). Batch, priority-tier, fast-mode and regional (`inference_geo`) surcharges or
 * discounts are not modelled: the cost line is an estimate, and says so.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice | TieredPrice>> = {
  'claude-fable-5-1': p(10, 50, 12.5, 0.25),
  'claude-mythos-5-1': p(10, 50, 12.5, 0.25),
  'claude-fable-5': p(10, 50, 12.5, 1),
  'claude-mythos-5': p(10, 50, 12.5, 1),
  'claude-opus-5-5': p(4, 20, 5, 0.2),
  'claude-opus-5': p(5, 25, 6.25, 0.5),
  'claude-opus-4-8': p(5, 25, 6.25, 0.5),
  'claude-opus-4-7': p(5, 25, 6.25, 0.5),
  'claude-opus-4-6': p(5, 25, 6.25, 0.5),
  'claude-opus-4-5': p(5, 25, 6.25, 0.5),
  'claude-opus-4-1': p(15, 75, 18.75, 1.5),
  'claude-opus-4': p(15, 75, 18.75, 1.5),
  'claude-sonnet-5-5': p(2, 10, 2.5, 0.1),
  'claude-sonnet-5': p(2, 10, 2.5, 0.2),
  'claude-sonnet-4-6': p(3, 15, 3.75, 0.3),
  'claude-sonnet-4-5': p(3, 15, 3.75, 0.3),
  'claude-sonnet-4': p(3, 15, 3.75, 0.3),
  'claude-haiku-5-5': { threshold: 100_000, base: p(0.1, 0.5, 0.125, 0.01), long: p(0.5, 2.5, 0.625, 0.05) },
  'claude-haiku-4-5': p(1, 5, 1.25, 0.1),
  'claude-3-5-haiku': p(0.8, 4, 1, 0.08),
};

/** Token counts of one response, as the API reports them. */
export interface RequestUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/**
 * The family key of a model id: a dated snapshot (`claude-sonnet-4-5-20250929`), a `-latest` alias or a
 * `[1m]` context suffix prices like its family, and so do the Bedrock and Vertex ids of a model
 * (`global.anthropic.claude-sonnet-4-5-20250929-v1:0`, `claude-sonnet-4-5@20250929`): both clouds list
 * Claude at Anthropic's prices (their regional-endpoint surcharges are not modelled).
 */
export function modelFamily(model: string): string {
  return anthropicModelId(model.toLowerCase())
    .replace(/\[[^\]]*\]$/, '')
    .replace(/-(\d{8}|latest)$/, '')
    .replace(/-0$/, '');
}

/**
 * Estimated cost in US dollars of one request, or `undefined` for a model not in {@link MODEL_PRICES}
 * (an unknown model shows no cost rather than a wrong one). Priced per request because some prices
 * depend on the request's prompt length.
 *
 * @example requestCostUsd('claude-sonnet-5-5', { inputTokens: 10_000, outputTokens: 1_000, cacheReadTokens: 0, cacheWriteTokens: 0 }) // 0.03
 */
export function requestCostUsd(model: string, u: RequestUsage): number | undefined {
  const entry = MODEL_PRICES[modelFamily(model)];
  if (!entry) return undefined;
  const price = 'threshold' in entry ? (u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens > entry.threshold ? entry.long : entry.base) : entry;
  return (u.inputTokens * price.input + u.outputTokens * price.output + u.cacheWriteTokens * price.cacheWrite + u.cacheReadTokens * price.cacheRead) / 1_000_000;
}
