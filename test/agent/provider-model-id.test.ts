import { describe, expect, it } from 'vitest';
import { MODEL_PRICES, modelFamily, requestCostUsd } from '../../src/agent/model-prices.js';
import { anthropicModelId, providerModelId } from '../../src/agent/provider-model-id.js';
import { DEFAULT_MODEL } from '../../src/config/schema.js';

describe('providerModelId', () => {
  it('maps the default model to each provider, through Bedrock\'s global inference profile', () => {
    expect(providerModelId('anthropic', DEFAULT_MODEL)).toBe(DEFAULT_MODEL);
    expect(providerModelId('bedrock', 'claude-sonnet-5-5')).toBe('global.anthropic.claude-sonnet-5-5');
    expect(providerModelId('vertex', 'claude-sonnet-5-5')).toBe('claude-sonnet-5-5');
  });

  it('maps dated snapshots: Bedrock anthropic.<id>-<date>-v1:0, Vertex <id>@<date>, a given date kept', () => {
    expect(providerModelId('bedrock', 'claude-sonnet-4-5')).toBe('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(providerModelId('bedrock', 'claude-opus-4-1')).toBe('us.anthropic.claude-opus-4-1-20250805-v1:0');
    expect(providerModelId('bedrock', 'claude-haiku-4-5-20251001')).toBe('global.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(providerModelId('vertex', 'claude-sonnet-4-5')).toBe('claude-sonnet-4-5@20250929');
    expect(providerModelId('vertex', 'claude-opus-4-20250514')).toBe('claude-opus-4@20250514');
    expect(providerModelId('vertex', 'claude-3-5-haiku')).toBe('claude-3-5-haiku@20241022');
  });

  it('passes provider ids and unknown ids through unchanged', () => {
    for (const id of ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc123', 'claude-sonnet-4-5@20250929', 'my-gateway-model', 'claude-sonnet-9-9']) {
      expect(providerModelId('bedrock', id)).toBe(id);
      expect(providerModelId('vertex', id)).toBe(id);
    }
  });

  it('maps every priced model somewhere the provider names it (no priced family passes through unmapped)', () => {
    for (const family of Object.keys(MODEL_PRICES)) {
      expect(providerModelId('bedrock', family), family).toMatch(/^(global|us)\.anthropic\./);
      expect(anthropicModelId(providerModelId('bedrock', family)).startsWith(family), family).toBe(true);
      expect(modelFamily(providerModelId('vertex', family)), family).toBe(family);
    }
  });
});

describe('anthropicModelId and pricing of provider ids', () => {
  it('reads the Anthropic id back out of Bedrock and Vertex ids', () => {
    expect(anthropicModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('claude-sonnet-4-5-20250929');
    expect(anthropicModelId('anthropic.claude-3-5-haiku-20241022-v1:0')).toBe('claude-3-5-haiku-20241022');
    expect(anthropicModelId('global.anthropic.claude-sonnet-5-5')).toBe('claude-sonnet-5-5');
    expect(anthropicModelId('claude-haiku-4-5@20251001')).toBe('claude-haiku-4-5-20251001');
    expect(anthropicModelId('arn:aws:bedrock:eu-central-1:1:application-inference-profile/x')).toBe('arn:aws:bedrock:eu-central-1:1:application-inference-profile/x');
  });

  it('prices a provider id like its Anthropic model, and an ARN not at all', () => {
    const u = { inputTokens: 10_000, outputTokens: 1_000, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(requestCostUsd('eu.anthropic.claude-sonnet-4-5-20250929-v1:0', u)).toBe(requestCostUsd('claude-sonnet-4-5', u));
    expect(requestCostUsd('claude-sonnet-4-5@20250929', u)).toBe(requestCostUsd('claude-sonnet-4-5', u));
    expect(requestCostUsd('arn:aws:bedrock:eu-central-1:1:application-inference-profile/x', u)).toBeUndefined();
  });
});
