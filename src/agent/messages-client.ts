import Anthropic from '@anthropic-ai/sdk';
import type { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import type { Logger } from '../review/ports.js';
import type { Provider } from './provider-model-id.js';

/** What the reviewer needs of a client: `messages.create`, the same on all three SDKs. */
export interface MessagesClient {
  messages: Pick<Anthropic['messages'], 'create'>;
}

/** Amazon Bedrock (`@anthropic-ai/bedrock-sdk`): SigV4-signed `POST /model/{id}/invoke`. */
export interface BedrockSettings {
  kind: 'bedrock';
  /** `AWS_REGION` (or `AWS_DEFAULT_REGION`). */
  region: string;
  /** Static keys. Without them the AWS default chain resolves credentials at the first request (env, `AWS_PROFILE`, SSO, web identity, container or instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** A Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`), sent as a bearer token instead of SigV4. */
  bearerToken?: string;
  /** `ANTHROPIC_BEDROCK_BASE_URL`: a VPC endpoint, a proxy, or a fake in tests. Default `https://bedrock-runtime.<region>.amazonaws.com`. */
  baseURL?: string;
}

/** Google Vertex AI (`@anthropic-ai/vertex-sdk`): OAuth-authorised `POST …/publishers/anthropic/models/{id}:rawPredict`. */
export interface VertexSettings {
  kind: 'vertex';
  /** `CLOUD_ML_REGION`: a region such as `us-east5`, or `global`, `us`, `eu`. */
  region: string;
  /** `ANTHROPIC_VERTEX_PROJECT_ID`. */
  projectId: string;
  /** `ANTHROPIC_VERTEX_BASE_URL`: a Private Service Connect endpoint, a proxy, or a fake in tests. */
  baseURL?: string;
  /** Google credentials to use instead of Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud, the metadata server). */
  authClient?: VertexAuthClient;
}

/** The Anthropic API itself. */
export interface AnthropicSettings {
  kind: 'anthropic';
  apiKey: string;
  /** `ANTHROPIC_BASE_URL`. */
  baseURL?: string;
}

/** google-auth-library's `AuthClient`, as the Vertex SDK takes it. */
export type VertexAuthClient = NonNullable<NonNullable<ConstructorParameters<typeof AnthropicVertex>[0]>['authClient']>;

export type ProviderSettings = AnthropicSettings | BedrockSettings | VertexSettings;

/** Options every client gets. */
export interface ClientCommon {
  maxRetries: number;
  timeoutMs: number;
  fetch?: typeof fetch;
  log: Logger;
}

/**
 * Builds the Messages client of a provider. Each SDK takes its credentials only from the settings
 * given here or its own provider chain: an `ANTHROPIC_API_KEY` in the environment is never sent to
 * AWS or Google (both SDKs pass `null` to the base client for it). The Bedrock and Vertex SDKs (and the
 * AWS SDK behind the first) are loaded only when chosen, so the CLI and the App start as fast as before
 * on the Anthropic API.
 *
 * @example
 * const client = await createMessagesClient({ kind: 'bedrock', region: 'eu-central-1' }, { maxRetries: 2, timeoutMs: 90_000, log });
 * await client.messages.create({ model: 'global.anthropic.claude-sonnet-5-5', max_tokens: 1024, messages });
 */
export async function createMessagesClient(settings: ProviderSettings, common: ClientCommon): Promise<MessagesClient> {
  const { log } = common;
  const shared = {
    maxRetries: common.maxRetries,
    timeout: common.timeoutMs,
    ...(common.fetch ? { fetch: common.fetch } : {}),
    // The SDKs mask key headers in their debug logs; warn level keeps request dumps out of ours altogether.
    logLevel: 'warn' as const,
    logger: {
      error: (msg: string) => log.error({ sdk: settings.kind }, msg),
      warn: (msg: string) => log.warn({ sdk: settings.kind }, msg),
      info: (msg: string) => log.info({ sdk: settings.kind }, msg),
      debug: (msg: string) => log.debug({ sdk: settings.kind }, msg),
    },
  };
  switch (settings.kind) {
    case 'anthropic':
      return new Anthropic({ ...shared, apiKey: settings.apiKey, ...(settings.baseURL ? { baseURL: settings.baseURL } : {}) });
    case 'bedrock': {
      const { AnthropicBedrock } = await import('@anthropic-ai/bedrock-sdk');
      const base = { ...shared, awsRegion: settings.region, apiKey: settings.bearerToken ?? null, ...(settings.baseURL ? { baseURL: settings.baseURL } : {}) };
      return settings.accessKeyId && settings.secretAccessKey
        ? new AnthropicBedrock({ ...base, awsAccessKey: settings.accessKeyId, awsSecretKey: settings.secretAccessKey, awsSessionToken: settings.sessionToken ?? null })
        : new AnthropicBedrock(base);
    }
    case 'vertex': {
      const { AnthropicVertex } = await import('@anthropic-ai/vertex-sdk');
      return new AnthropicVertex({
        ...shared,
        region: settings.region,
        projectId: settings.projectId,
        ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
        authClient: settings.authClient ?? lazyApplicationDefault(settings.projectId),
      });
    }
  }
}

/**
 * Application Default Credentials, looked up at the first request rather than when the client is built.
 * Given a `googleAuth`, the Vertex SDK calls its `getClient()` in the constructor and keeps the promise:
 * on a machine without credentials that promise rejects with nobody waiting on it, and Node ends the
 * process on the unhandled rejection. The SDK reads only `getRequestHeaders()` and `projectId` of its
 * `authClient`, so this stands in for one; a failure then surfaces at the request, as the SDK's
 * "Failed to acquire Google OAuth credentials" (a note in the review). The project is known, so ADC
 * need not look it up (for workload identity that would be a Cloud Resource Manager call).
 */
function lazyApplicationDefault(projectId: string): VertexAuthClient {
  let auth: Promise<{ getClient(): Promise<{ getRequestHeaders(): Promise<Headers> }> }> | undefined;
  const lazy = {
    projectId,
    getRequestHeaders: async () => {
      auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes: 'https://www.googleapis.com/auth/cloud-platform', projectId }));
      return (await (await auth).getClient()).getRequestHeaders();
    },
  };
  return lazy as unknown as VertexAuthClient;
}

/** The provider's name as a reader knows it, for notes and logs. */
export function providerLabel(provider: Provider): string {
  return provider === 'bedrock' ? 'Amazon Bedrock' : provider === 'vertex' ? 'Google Vertex AI' : 'the Anthropic API';
}
