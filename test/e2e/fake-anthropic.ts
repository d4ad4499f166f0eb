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

export interface FakeAnthropicOptions {
  /** The only key accepted (as `x-api-key` or a bearer token); any other gets the API's 401 `authentication_error`. */
  apiKey: string;
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

  function answer(req: RecordedAnthropicRequest, headers: IncomingMessage['headers'], requestId: string): { status: number; body: unknown; headers?: Record<string, string> } {
    if (req.method !== 'POST' || req.path !== '/v1/messages') return { status: 404, body: error('not_found_error', `${req.method} ${req.path} not found`, requestId) };
    if (req.apiKey !== options.apiKey) return { status: 401, body: error('authentication_error', 'invalid x-api-key', requestId) };
    if (!headers['anthropic-version']) return { status: 400, body: error('invalid_request_error', 'anthropic-version: header is required', requestId) };
    const b = req.body as Partial<MessagesRequestBody> | string;
    if (typeof b !== 'object' || b === null) return { status: 400, body: error('invalid_request_error', 'the request body is not valid JSON', requestId) };
    if (typeof b.model !== 'string' || typeof b.max_tokens !== 'number' || !Array.isArray(b.messages) || b.messages.length === 0) {
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
        model: b.model,
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
      let out: ReturnType<typeof answer>;
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
