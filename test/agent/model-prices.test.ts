import { describe, expect, it } from 'vitest';
import { MODEL_PRICES, modelFamily, requestCostUsd } from '../../src/agent/model-prices.js';
import { DEFAULT_MODEL } from '../../src/config/schema.js';

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens });

describe('requestCostUsd', () => {
  it('prices input, output, cache writes and cache reads at their own rates', () => {
    // Sonnet 5.5: $2 in, $10 out, $2.50 cache write, $0.10 cache read per million.
    expect(requestCostUsd('claude-sonnet-5-5', usage(1_000_000, 0))).toBeCloseTo(2);
    expect(requestCostUsd('claude-sonnet-5-5', usage(0, 1_000_000))).toBeCloseTo(10);
    expect(requestCostUsd('claude-sonnet-5-5', usage(0, 0, 1_000_000))).toBeCloseTo(0.1);
    expect(requestCostUsd('claude-sonnet-5-5', usage(0, 0, 0, 1_000_000))).toBeCloseTo(2.5);
    expect(requestCostUsd('claude-sonnet-5-5', usage(10_000, 1_000, 3_000, 0))).toBeCloseTo(0.02 + 0.01 + 0.0003);
  });

  it('prices dated snapshots and aliases like their family', () => {
    expect(modelFamily('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(modelFamily('claude-opus-4-20250514')).toBe('claude-opus-4');
    expect(modelFamily('claude-sonnet-5-5[1m]')).toBe('claude-sonnet-5-5');
    expect(requestCostUsd('claude-haiku-4-5-20251001', usage(1_000_000, 0))).toBeCloseTo(1);
  });

  it('prices Haiku 5.5 by the prompt length of each request', () => {
    expect(requestCostUsd('claude-haiku-5-5', usage(100_000, 1_000_000))).toBeCloseTo(0.01 + 0.5);
    expect(requestCostUsd('claude-haiku-5-5', usage(90_000, 1_000_000, 20_000))).toBeCloseTo(0.045 + 2.5 + 0.001);
  });

  it('gives no cost for a model it does not know, rather than a wrong one', () => {
    expect(requestCostUsd('claude-future-9', usage(1000, 1000))).toBeUndefined();
  });

  it('knows the default model', () => {
    expect(MODEL_PRICES[modelFamily(DEFAULT_MODEL)]).toBeDefined();
  });
});
