/** Where the Messages API is served: Anthropic's own API, Amazon Bedrock or Google Vertex AI. */
export const PROVIDERS = ['anthropic', 'bedrock', 'vertex'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * Model ids by Anthropic name (the family, without a date), as each cloud names them. Models from 4.6 on
 * have undated ids everywhere: Bedrock serves them as `anthropic.<id>` (here through the `global.`
 * cross-region inference profile), Vertex under the Anthropic id itself. Older models are dated snapshots:
 * Bedrock `anthropic.<id>-<date>-v1:0`, Vertex `<id>@<date>`; where Bedrock has no global profile for
 * one, the `us.` profile is used. A team that needs another profile (`eu.`, `apac.`, provisioned
 * throughput) sets the provider's id itself (`ARCH_REVIEW_MODEL` or `agent.model`): ids already in a
 * provider's form pass through.
 */
const SNAPSHOTS: Readonly<Record<string, { date: string; bedrockProfile: 'global' | 'us' }>> = {
  'claude-opus-4-5': { date: '20251101', bedrockProfile: 'global' },
  'claude-sonnet-4-5': { date: '20250929', bedrockProfile: 'global' },
  'claude-haiku-4-5': { date: '20251001', bedrockProfile: 'global' },
  'claude-opus-4-1': { date: '20250805', bedrockProfile: 'us' },
  'claude-opus-4': { date: '20250514', bedrockProfile: 'us' },
  'claude-sonnet-4': { date: '20250514', bedrockProfile: 'global' },
  'claude-3-5-haiku': { date: '20241022', bedrockProfile: 'us' },
};

/** Undated Anthropic ids served under the same name (with Bedrock's `global.anthropic.` prefix). */
const UNDATED = new Set([
  'claude-fable-5-1',
  'claude-mythos-5-1',
  'claude-fable-5',
  'claude-mythos-5',
  'claude-opus-5-5',
  'claude-opus-5',
  'claude-opus-4-8',
  'claude-opus-4-7',
  'claude-opus-4-6',
  'claude-sonnet-5-5',
  'claude-sonnet-5',
  'claude-sonnet-4-6',
  'claude-haiku-5-5',
]);

const BEDROCK_PREFIX = /^(?:(?:global|us|us-gov|eu|apac|jp|au|ca)\.)?anthropic\./;

/**
 * The id to send to `provider` for an Anthropic model id (`agent.model`, the persona's default or
 * `ARCH_REVIEW_MODEL`). A dated Anthropic id (`claude-sonnet-4-5-20250929`) keeps its date. Ids this
 * table does not know, and ids already in the provider's form (`us.anthropic.…`, an ARN, `…@20250929`),
 * pass through unchanged, so any model the provider serves can be named directly.
 *
 * @example providerModelId('bedrock', 'claude-sonnet-4-5') // 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'
 * @example providerModelId('vertex', 'claude-sonnet-4-5-20250929') // 'claude-sonnet-4-5@20250929'
 * @example providerModelId('vertex', 'claude-sonnet-5-5') // 'claude-sonnet-5-5'
 */
export function providerModelId(provider: Provider, model: string): string {
  if (provider === 'anthropic') return model;
  const dated = /^(claude-[a-z0-9-]+?)-(\d{8})$/.exec(model);
  const family = dated ? dated[1]! : model;
  const snapshot = SNAPSHOTS[family];
  if (snapshot) {
    const date = dated ? dated[2]! : snapshot.date;
    return provider === 'bedrock' ? `${snapshot.bedrockProfile}.anthropic.${family}-${date}-v1:0` : `${family}@${date}`;
  }
  if (!dated && UNDATED.has(model)) return provider === 'bedrock' ? `global.anthropic.${model}` : model;
  return model;
}

/**
 * The Anthropic id behind a provider's id, for pricing and logs: drops Bedrock's inference-profile and
 * `anthropic.` prefixes and `-v1:0` suffix, and turns Vertex's `@date` into `-date`. Anything else is
 * returned as given.
 *
 * @example anthropicModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0') // 'claude-sonnet-4-5-20250929'
 * @example anthropicModelId('claude-haiku-4-5@20251001') // 'claude-haiku-4-5-20251001'
 */
export function anthropicModelId(model: string): string {
  return model
    .replace(BEDROCK_PREFIX, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@(\d{8})$/, '-$1');
}
