import { ConfigError } from '../errors.js';
import type { Logger } from '../review/ports.js';
import type { AnthropicReviewerOptions } from './anthropic-reviewer.js';
import type { BedrockSettings, VertexSettings } from './messages-client.js';
import { PROVIDERS, type Provider } from './provider-model-id.js';

/** The environment variables {@link agentOptionsFromEnv} reads (each is documented in `.env.example`). */
export const AGENT_ENV_KEYS = [
  'ARCH_REVIEW_PROVIDER',
  'ARCH_REVIEW_MODEL',
  'ARCH_REVIEW_STRUCTURED_OUTPUT',
  'ARCH_REVIEW_AGENT_DEADLINE_MS',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_BEARER_TOKEN_BEDROCK',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'CLOUD_ML_REGION',
  'ANTHROPIC_VERTEX_PROJECT_ID',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'ANTHROPIC_VERTEX_BASE_URL',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The agent reviewer's options from the environment, or `undefined` for a rules-only review.
 *
 * `ARCH_REVIEW_PROVIDER` picks the endpoint (default `anthropic`):
 * - `anthropic`: runs when `ANTHROPIC_API_KEY` is set; `ANTHROPIC_BASE_URL` for a proxy or a fake.
 * - `bedrock`: needs `AWS_REGION` (or `AWS_DEFAULT_REGION`). Credentials: `AWS_BEARER_TOKEN_BEDROCK` (a
 *   Bedrock API key), else `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), else the AWS default
 *   chain (`AWS_PROFILE`, SSO, web identity, container or instance role), resolved at the first request.
 *   `ANTHROPIC_BEDROCK_BASE_URL` for a VPC endpoint or a fake.
 * - `vertex`: needs `CLOUD_ML_REGION` and `ANTHROPIC_VERTEX_PROJECT_ID`; credentials are Google's
 *   Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud, the metadata server).
 *   `ANTHROPIC_VERTEX_BASE_URL` for a Private Service Connect endpoint or a fake.
 *
 * Choosing bedrock or vertex turns the agent on: instance roles and metadata servers cannot be seen in
 * the environment, so a missing credential shows at the first request (a note in the review), while a
 * missing region or project fails here. Also read: `ARCH_REVIEW_MODEL` (overrides `agent.model`; an
 * Anthropic id is mapped to the provider's naming, a provider id passes through),
 * `ARCH_REVIEW_STRUCTURED_OUTPUT` (`true`/`false`, default per provider) and
 * `ARCH_REVIEW_AGENT_DEADLINE_MS` (default 120,000). Empty values count as unset, like `readEnv`.
 *
 * @example
 * const opts = agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'bedrock', AWS_REGION: 'eu-central-1' }, log);
 * const reviewer = opts ? createAnthropicReviewer(opts) : undefined;
 * @throws ConfigError naming the variable that is missing or invalid (never a value).
 */
export function agentOptionsFromEnv(env: Env, log: Logger): AnthropicReviewerOptions | undefined {
  const get = (key: (typeof AGENT_ENV_KEYS)[number]) => {
    const v = env[key]?.trim();
    return v ? v : undefined;
  };
  const provider = (get('ARCH_REVIEW_PROVIDER') ?? 'anthropic') as Provider;
  if (!PROVIDERS.includes(provider)) throw new ConfigError(`ARCH_REVIEW_PROVIDER must be one of ${PROVIDERS.join(', ')}`);

  let opts: AnthropicReviewerOptions;
  if (provider === 'anthropic') {
    const apiKey = get('ANTHROPIC_API_KEY');
    if (!apiKey) return undefined;
    opts = { apiKey, log };
    const baseURL = get('ANTHROPIC_BASE_URL');
    if (baseURL) opts.baseURL = baseURL;
  } else if (provider === 'bedrock') {
    const region = get('AWS_REGION') ?? get('AWS_DEFAULT_REGION');
    if (!region) throw new ConfigError('ARCH_REVIEW_PROVIDER=bedrock needs AWS_REGION (the Bedrock region, e.g. us-east-1)');
    const settings: BedrockSettings = { kind: 'bedrock', region };
    const accessKeyId = get('AWS_ACCESS_KEY_ID');
    const secretAccessKey = get('AWS_SECRET_ACCESS_KEY');
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new ConfigError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
    if (accessKeyId && secretAccessKey) {
      Object.assign(settings, { accessKeyId, secretAccessKey });
      const sessionToken = get('AWS_SESSION_TOKEN');
      if (sessionToken) settings.sessionToken = sessionToken;
    }
    // As in the Bedrock SDK, a Bedrock API key wins over AWS keys.
    const bearerToken = get('AWS_BEARER_TOKEN_BEDROCK');
    if (bearerToken) settings.bearerToken = bearerToken;
    const baseURL = get('ANTHROPIC_BEDROCK_BASE_URL');
    if (baseURL) settings.baseURL = baseURL;
    opts = { provider: settings, log };
  } else {
    const region = get('CLOUD_ML_REGION');
    const projectId = get('ANTHROPIC_VERTEX_PROJECT_ID');
    const missing = [region ? undefined : 'CLOUD_ML_REGION', projectId ? undefined : 'ANTHROPIC_VERTEX_PROJECT_ID'].filter(Boolean);
    if (missing.length > 0) throw new ConfigError(`ARCH_REVIEW_PROVIDER=vertex needs ${missing.join(' and ')}`);
    const settings: VertexSettings = { kind: 'vertex', region: region!, projectId: projectId! };
    const baseURL = get('ANTHROPIC_VERTEX_BASE_URL');
    if (baseURL) settings.baseURL = baseURL;
    opts = { provider: settings, log };
  }

  const model = get('ARCH_REVIEW_MODEL');
  if (model) opts.model = model;
  const structured = get('ARCH_REVIEW_STRUCTURED_OUTPUT');
  if (structured !== undefined) {
    if (structured !== 'true' && structured !== 'false') throw new ConfigError('ARCH_REVIEW_STRUCTURED_OUTPUT must be true or false');
    opts.structuredOutput = structured === 'true';
  }
  const deadline = get('ARCH_REVIEW_AGENT_DEADLINE_MS');
  if (deadline) {
    const ms = Number(deadline);
    if (!Number.isInteger(ms) || ms <= 0) throw new ConfigError('ARCH_REVIEW_AGENT_DEADLINE_MS must be a positive integer (milliseconds)');
    opts.deadlineMs = ms;
  }
  return opts;
}
