import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { ExternalServiceError } from '../errors.js';
import type { Provider } from './provider-model-id.js';

/** An Anthropic failure in the project's terms, with the note a reader of the review should see. */
export interface AnthropicFailure {
  error: ExternalServiceError;
  /** One sentence for the review's notes (no secrets, no response bodies). */
  note: string;
  /** Further requests of this review would fail the same way (bad key, no access, aborted). */
  fatal: boolean;
  /** `timeout`, `aborted`, `connection`, or the HTTP status, for logs and metrics. */
  kind: string;
}

/**
 * Translates whatever the SDK threw into an {@link ExternalServiceError} plus an operator hint. Called
 * after the SDK's own retries (429, 529, 5xx, timeouts) are spent, so every failure here is final for
 * the request. Messages are built from the status and error type only: response bodies and request
 * headers (which hold the key) are never copied. `provider` names the endpoint and its credentials in the
 * notes (Bedrock and Vertex throw the same SDK errors).
 *
 * @example translateAnthropicError(new AuthenticationError(401, …)).note
 * // 'Anthropic rejected the API key (401), so this review ran with the deterministic rules only. …'
 */
export function translateAnthropicError(err: unknown, provider: Provider = 'anthropic'): AnthropicFailure {
  const api = API_NAMES[provider];
  const fail = (kind: string, message: string, note: string, opts: { status?: number; retryable: boolean; fatal: boolean }) => ({
    error: new ExternalServiceError(provider, message, { ...(opts.status !== undefined ? { status: opts.status } : {}), retryable: opts.retryable, cause: err }),
    note,
    fatal: opts.fatal,
    kind,
  });

  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return fail('aborted', 'request aborted', 'The agent reviewer was stopped at the review deadline before it finished.', { retryable: true, fatal: true });
  }
  if (err instanceof APIConnectionTimeoutError) {
    return fail('timeout', 'request timed out', 'The agent reviewer timed out (after retries).', { retryable: true, fatal: false });
  }
  if (err instanceof APIConnectionError) {
    // The Bedrock and Vertex SDKs report credentials they could not get (provider chain, token endpoint) as connection errors.
    if (provider !== 'anthropic' && /credentials/i.test(err.message)) {
      return fail('credentials', `no ${provider === 'bedrock' ? 'AWS' : 'Google'} credentials`, `The agent reviewer could not get ${CREDENTIALS[provider]} (after retries), so this review ran with the deterministic rules only.`, { retryable: true, fatal: true });
    }
    return fail('connection', 'could not connect', `The agent reviewer could not reach ${api} (after retries).`, { retryable: true, fatal: true });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const type = errorType(err);
    const message = `HTTP ${status}${type ? ` ${type}` : ''}${err.requestID ? ` (request ${err.requestID})` : ''}`;
    if (status === 401) {
      return fail(String(status), message, `${provider === 'anthropic' ? 'Anthropic rejected the API key' : `${API_NAMES[provider]} rejected the credentials`} (401), so this review ran with the deterministic rules only. Check ${CREDENTIALS[provider]}.`, {
        status,
        retryable: false,
        fatal: true,
      });
    }
    if (status === 403) {
      return fail(String(status), message, provider === 'anthropic'
        ? 'The Anthropic API key has no access to this model or feature (403); the agent part of the review was skipped.'
        : `${cap(api)} refused the ${provider === 'bedrock' ? 'AWS' : 'Google'} credentials or their access to this model (403: invalid or expired credentials, model access not granted in the ${provider === 'bedrock' ? 'region' : 'project'}, or a missing ${provider === 'bedrock' ? '`bedrock:InvokeModel`' : '`aiplatform.endpoints.predict`'} permission); the agent part of the review was skipped.`, {
        status,
        retryable: false,
        fatal: true,
      });
    }
    if (status === 404) {
      return fail(String(status), message, `${cap(api)} does not know the configured model (404); check \`agent.model\` in the configuration${provider === 'anthropic' ? '' : ' or `ARCH_REVIEW_MODEL` (the model must be enabled in the region)'}.`, {
        status,
        retryable: false,
        fatal: true,
      });
    }
    if (status === 429) {
      return fail(String(status), message, `${cap(api)} rate limit was reached (429, after retries).`, { status, retryable: true, fatal: true });
    }
    if (status === 529 || status >= 500) {
      return fail(String(status), message, `${cap(api)} was ${status === 529 ? 'overloaded (529' : `failing (${status}`}, after retries).`, {
        status,
        retryable: true,
        fatal: true,
      });
    }
    return fail(String(status), message, `${cap(api)} refused a request (${status}${type ? ` ${type}` : ''}).`, { status, retryable: false, fatal: false });
  }
  const message = err instanceof Error ? err.name : 'unknown error';
  return fail('unknown', message, 'The agent reviewer failed unexpectedly (see the logs).', { retryable: false, fatal: false });
}

const API_NAMES: Readonly<Record<Provider, string>> = { anthropic: 'the Anthropic API', bedrock: 'Amazon Bedrock', vertex: 'Google Vertex AI' };
const CREDENTIALS: Readonly<Record<Provider, string>> = {
  anthropic: '`ANTHROPIC_API_KEY`',
  bedrock: 'AWS credentials (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, a role, or `AWS_BEARER_TOKEN_BEDROCK`)',
  vertex: 'Google credentials (`GOOGLE_APPLICATION_CREDENTIALS` or Application Default Credentials)',
};
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The API's error type (`overloaded_error`, `authentication_error`) from the parsed body, if any. */
function errorType(err: APIError): string | undefined {
  const body = err.error as { error?: { type?: unknown }; type?: unknown } | undefined;
  const t = body?.error?.type ?? body?.type;
  return typeof t === 'string' && /^[a-z_]{1,64}$/.test(t) ? t : undefined;
}
