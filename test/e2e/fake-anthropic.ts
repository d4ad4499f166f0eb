import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The `usage` object of a Messages API response, as the API reports it. */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** A `POST /v1/messages` body, as far as the tests read it. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  system?: Array<{ type: string; text: string; cache_control?: { type: string } }>;
  messages: Array<{ role: 'user' | 'assistant'; content: string | Array<{ type: string; text?: string }> }>;
  output_config?: { format?: { type: string; schema?: Record<string, unknown> } };
  [key: string]: unknown;
}

/** One request the fake answered, as the tests assert on it. */
export interface RecordedAnthropicRequest {
  method: string;
  path: string;
  /** The query string, without `?` (empty when none). */
  query: string;
  /** The model: the body's `model`, or on Bedrock and Vertex the one in the path (URL-decoded). */
  model: string | undefined;
  /** The `authorization` header as sent (a SigV4 signature on Bedrock, a bearer token on Vertex). */
  authorization: string | undefined;
  /** The key as sent: `x-api-key`, or the token of `authorization: Bearer …` (what SDK 1.x sends). */
  apiKey: string | undefined;
  anthropicVersion: string | undefined;
  /** `x-stainless-retry-count`: 0 for a first attempt, n for the SDK's n-th retry. */
  retryCount: number | undefined;
  /** The parsed JSON body (the raw text when it is not JSON). */
  body: MessagesRequestBody;
  raw: string;
  /** The status answered (0 while the script is deciding). */
  status: number;
  /** `performance.now()` when the request arrived. */
  at: number;
}

/** What the fake answers one request with. */
export type FakeAnthropicReply =
  | { kind: 'message'; text: string; stopReason?: 'end_turn' | 'max_tokens' | 'refusal'; usage?: Partial<FakeUsage> }
  | { kind: 'error'; status: number; errorType: string; message?: string; headers?: Record<string, string> };

/**
 * Decides the answer to one valid request. `request` is already in `fake.requests` (last), so a
 * script can count the attempts it has seen for the same pull request.
 */
export type FakeAnthropicScript = (request: RecordedAnthropicRequest) => FakeAnthropicReply;

/**
 * Serve the Messages API as a cloud does instead of at `POST /v1/messages`:
 * - `bedrock`: `POST /model/{modelId}/invoke` (the runtime's InvokeModel, non-streaming), signed with
 *   SigV4 by `accessKeyId` for `region` and service `bedrock` (else 403 `UnrecognizedClientException`);
 *   with `secretAccessKey`, the signature is recomputed over the method, path, signed headers and body
 *   as received (else 403 `SignatureDoesNotMatch`). Base URL `baseUrl`.
 * - `vertex`: `POST /v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict`
 *   with `authorization: Bearer <accessToken>` (else Google's 401 `UNAUTHENTICATED`); base URL
 *   `${baseUrl}/v1`. It also serves an STS token exchange at `POST /sts/token` that hands out
 *   `accessToken` for `subjectToken`, so a workload-identity credentials file (`external_account` with
 *   `token_url` here) authenticates without Google.
 * Both require `anthropic_version` in the body, no `model` in it and no `anthropic-version` header, as the
 * clouds do; the answers are the same as the Anthropic API's.
 */
export type FakePlatform =
  | { kind: 'bedrock'; region: string; accessKeyId: string; /** When given, the signature itself is checked (else only its form and scope). */ secretAccessKey?: string }
  | { kind: 'vertex'; project: string; region: string; accessToken: string; subjectToken?: string };

export interface FakeAnthropicOptions {
  /** The only key accepted (as `x-api-key` or a bearer token); any other gets the API's 401 `authentication_error`. Not used with `platform`. */
  apiKey: string;
  /** Serve Bedrock's or Vertex AI's endpoint instead of Anthropic's. */
  platform?: FakePlatform;
  /** Default: every request gets an answer with no findings. */
  respond?: FakeAnthropicScript;
}

/** A fake Anthropic Messages API on 127.0.0.1 (`ANTHROPIC_BASE_URL=<baseUrl>`). */
export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  requests: RecordedAnthropicRequest[];
  /** Replace to script the next answers. */
  respond: FakeAnthropicScript;
  close(): Promise<void>;
}

/** A realistic default usage: a first request that writes the prompt cache. */
/**
 * The agent finding the provider suites ask for: a coupling problem on the demo PR's Stripe webhook.
 * `webhookFindingAnswer(prompt)` answers with it when the prompt shows that file.
 */
export const WEBHOOK_COUPLING_FINDING = {
  path: 'src/payments/stripe-webhook.ts',
  line: 7,
  category: 'coupling',
  severity: 'high',
  title: 'Webhook handler owns a concrete BillingService',
  body: 'The router builds its own BillingService at import time, so the webhook cannot be tested or pointed at another implementation without module mocking. Inject it through a factory.',
  confidence: 0.9,
} as const;

/** The model's answer to a review prompt: the webhook finding when the prompt shows its file. */
export const webhookFindingAnswer = (prompt: string) => ({
  findings: prompt.includes(WEBHOOK_COUPLING_FINDING.path) ? [WEBHOOK_COUPLING_FINDING] : [],
  questions: [],
  assessment: 'The webhook does the work inline.',
});

export const DEFAULT_USAGE: FakeUsage = { input_tokens: 2_048, output_tokens: 512, cache_creation_input_tokens: 4_096, cache_read_input_tokens: 0 };

/** An `end_turn` answer whose text is `answer` (serialised when it is not already a string). */
export function messageReply(answer: unknown, usage?: Partial<FakeUsage>): FakeAnthropicReply {
  return { kind: 'message', text: typeof answer === 'string' ? answer : JSON.stringify(answer), ...(usage ? { usage } : {}) };
}

/** The API's 529 `overloaded_error`, asking the client to wait `retryAfterMs` (the SDK honours `retry-after-ms`). */
export function overloadedReply(retryAfterMs = 10): FakeAnthropicReply {
  return { kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after-ms': String(retryAfterMs) } };
}

/** The text of every user turn of a request, joined (string content or text blocks). */
export function userText(body: MessagesRequestBody): string {
  return (body.messages ?? [])
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : m.content.map((b) => b.text ?? '').join('')))
    .join('\n');
}

/**
 * Starts a fake Anthropic API that serves `POST /v1/messages` like the real one where arch-review
 * depends on it: the key in `x-api-key` or `authorization: Bearer`, an `anthropic-version` header and a body with `model`,
 * `max_tokens` and `messages` are required (else 401/400 with the API's error shape); a valid request
 * gets what the script says: a `message` (one text block, `stop_reason`, `usage` with the cache
 * counters, a `request-id` header) or an error with the API's `{type:'error', error:{type,message}}`
 * body. Every request is recorded with the status it got.
 *
 * @example
 * const anthropic = await startFakeAnthropic({ apiKey, respond: () => messageReply({ findings: [], questions: [], assessment: 'Fine.' }) });
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
  let n = 0;
  const fake: FakeAnthropic = {
    baseUrl: '',
    requests: [],
    respond: options.respond ?? (() => messageReply({ findings: [], questions: [], assessment: 'No integration concerns.' })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const keyOf = (h: IncomingMessage['headers']): string | undefined =>
    typeof h['x-api-key'] === 'string' ? h['x-api-key'] : (/^Bearer (.+)$/i.exec(h.authorization ?? '')?.[1] ?? undefined);
  const send = (res: ServerResponse, status: number, body: unknown, requestId: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers }).end(JSON.stringify(body));
  };
  const error = (type: string, message: string, requestId: string) => ({ type: 'error', error: { type, message }, request_id: requestId });

  type Answer = { status: number; body: unknown; headers?: Record<string, string> };
  const aws = (status: number, type: string, message: string): Answer => ({ status, body: { message }, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } });
  const google = (status: number, statusText: string, message: string): Answer => ({ status, body: { error: { code: status, message, status: statusText } } });

  /** Checks a cloud request's route and credentials; `undefined` when it may go on to the Messages checks. */
  function checkPlatform(platform: FakePlatform, req: RecordedAnthropicRequest, headers: IncomingMessage['headers']): Answer | undefined {
    if (platform.kind === 'bedrock') {
      const m = /^\/model\/([^/]+)\/invoke$/.exec(req.path);
      if (req.method !== 'POST' || !m) return aws(404, 'UnknownOperationException', `${req.method} ${req.path} is not an operation`);
      req.model = decodeURIComponent(m[1]!);
      const sig = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(req.authorization ?? '');
      const signed = sig?.[5]?.split(';') ?? [];
      if (!sig || sig[1] !== platform.accessKeyId || sig[3] !== platform.region || sig[4] !== 'bedrock' || !signed.includes('host') || !signed.includes('x-amz-date') || typeof headers['x-amz-date'] !== 'string') {
        return aws(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      if (platform.secretAccessKey !== undefined && sigV4Signature(req, headers, signed, sig[2]!, platform.region, platform.secretAccessKey) !== /Signature=([0-9a-f]{64})$/.exec(req.authorization!)![1]) {
        return aws(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
      }
      return undefined;
    }
    const m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):rawPredict$/.exec(req.path);
    if (req.method !== 'POST' || !m) return google(404, 'NOT_FOUND', `${req.method} ${req.path} not found`);
    req.model = decodeURIComponent(m[3]!);
    if (req.authorization !== `Bearer ${platform.accessToken}`) return google(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (m[1] !== platform.project || m[2] !== platform.region) return google(403, 'PERMISSION_DENIED', `Permission denied on resource project ${decodeURIComponent(m[1]!)}.`);
    return undefined;
  }

  /** The STS token exchange of Google's workload identity federation (`external_account` credentials). */
  function exchangeToken(platform: Extract<FakePlatform, { kind: 'vertex' }>, raw: string): Answer {
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' || (platform.subjectToken !== undefined && form.get('subject_token') !== platform.subjectToken)) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'The subject token is invalid.' } };
    }
    return { status: 200, body: { access_token: platform.accessToken, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 } };
  }

  function answer(req: RecordedAnthropicRequest, headers: IncomingMessage['headers'], requestId: string): Answer {
    const platform = options.platform;
    const b = req.body as Partial<MessagesRequestBody> | string;
    if (platform) {
      if (platform.kind === 'vertex' && req.method === 'POST' && req.path === '/sts/token') return exchangeToken(platform, req.raw);
      const refused = checkPlatform(platform, req, headers);
      if (refused) return refused;
      const bad = (message: string): Answer => (platform.kind === 'bedrock' ? aws(400, 'ValidationException', message) : google(400, 'INVALID_ARGUMENT', message));
      if (typeof b !== 'object' || b === null) return bad('the request body is not valid JSON');
      if (typeof b.anthropic_version !== 'string' || headers['anthropic-version'] !== undefined) return bad('anthropic_version belongs in the body');
      if ('model' in b) return bad('extraneous key [model] is not permitted');
    } else {
      if (req.method !== 'POST' || req.path !== '/v1/messages') return { status: 404, body: error('not_found_error', `${req.method} ${req.path} not found`, requestId) };
      if (req.apiKey !== options.apiKey) return { status: 401, body: error('authentication_error', 'invalid x-api-key', requestId) };
      if (!headers['anthropic-version']) return { status: 400, body: error('invalid_request_error', 'anthropic-version: header is required', requestId) };
      if (typeof b !== 'object' || b === null) return { status: 400, body: error('invalid_request_error', 'the request body is not valid JSON', requestId) };
      req.model = typeof b.model === 'string' ? b.model : undefined;
    }
    if (typeof req.model !== 'string' || typeof b.max_tokens !== 'number' || !Array.isArray(b.messages) || b.messages.length === 0) {
      return { status: 400, body: error('invalid_request_error', 'model, max_tokens and messages are required', requestId) };
    }
    const reply = fake.respond(req);
    if (reply.kind === 'error') {
      return { status: reply.status, body: error(reply.errorType, reply.message ?? reply.errorType, requestId), ...(reply.headers ? { headers: reply.headers } : {}) };
    }
    const usage = { ...DEFAULT_USAGE, ...reply.usage };
    return {
      status: 200,
      body: {
        id: `msg_e2e${String(n).padStart(6, '0')}`,
        type: 'message',
        role: 'assistant',
        model: req.model,
        content: [{ type: 'text', text: reply.text }],
        stop_reason: reply.stopReason ?? 'end_turn',
        stop_sequence: null,
        usage: {
          ...usage,
          cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
          service_tier: 'standard',
        },
      },
    };
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // kept as text: answered 400 below
      }
      const retry = req.headers['x-stainless-retry-count'];
      const recorded: RecordedAnthropicRequest = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://fake.invalid').pathname,
        query: new URL(req.url ?? '/', 'http://fake.invalid').search.replace(/^\?/, ''),
        model: undefined,
        authorization: req.headers.authorization,
        apiKey: keyOf(req.headers),
        anthropicVersion: typeof req.headers['anthropic-version'] === 'string' ? req.headers['anthropic-version'] : undefined,
        retryCount: typeof retry === 'string' ? Number(retry) : undefined,
        body: body as MessagesRequestBody,
        raw,
        status: 0,
        at: performance.now(),
      };
      fake.requests.push(recorded);
      const requestId = `req_e2e${String(++n).padStart(6, '0')}`;
      let out: Answer;
      try {
        out = answer(recorded, req.headers, requestId);
      } catch (err) {
        out = { status: 500, body: error('api_error', `fake Anthropic failed: ${(err as Error).message}`, requestId) };
      }
      recorded.status = out.status;
      send(res, out.status, out.body, requestId, out.headers);
    });
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `http://127.0.0.1:${port}`;
  return fake;
}

/**
 * AWS Signature Version 4 of a received request, written from the specification (not with the AWS
 * libraries the client signs with): canonical request over the method, the path (URI-encoded once more,
 * as for every service but S3), the query, the signed headers and the payload hash; then the string to
 * sign and the derived key for `date/region/bedrock/aws4_request`.
 */
function sigV4Signature(req: RecordedAnthropicRequest, headers: IncomingMessage['headers'], signedHeaders: string[], date: string, region: string, secret: string): string {
  const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  const escape = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const value = (name: string) => {
    const v = headers[name];
    return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
  };
  const query = [...new URLSearchParams(req.query)].map(([k, v]) => `${escape(k)}=${escape(v)}`).sort().join('&');
  const payloadHash = typeof headers['x-amz-content-sha256'] === 'string' ? headers['x-amz-content-sha256'] : sha256(req.raw);
  const canonical = [req.method, escape(req.path).replace(/%2F/g, '/'), query, ...signedHeaders.map((h) => `${h}:${value(h)}`), '', signedHeaders.join(';'), payloadHash].join('\n');
  const scope = `${date}/${region}/bedrock/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', value('x-amz-date'), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 'bedrock'), 'aws4_request');
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}
