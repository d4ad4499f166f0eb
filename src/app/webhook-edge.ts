import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { Logger } from '../review/ports.js';
import { EVENT_SCHEMAS, checkPayload } from './webhook-schemas.js';

/** GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub. */
export const DEFAULT_WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

/** GitHub gives an app 10 s to answer a delivery; Probot answers 202 at 9 s, and so do we. */
export const DEFAULT_ACK_TIMEOUT_MS = 9_000;

/** A verified, parsed delivery, as handed to Probot. */
export interface VerifiedDelivery {
  id: string;
  name: string;
  payload: Record<string, unknown>;
}

export interface WebhookEdgeOptions {
  /** The webhook secret GitHub signs deliveries with. */
  secret: string;
  /** Where GitHub posts deliveries (`WEBHOOK_PATH`). */
  path: string;
  /** Hands a verified, valid delivery to the app (Probot's `webhooks.receive`); its rejection means a handler failed. */
  receive: (delivery: VerifiedDelivery) => Promise<void>;
  log: Logger;
  /** Bodies larger than this are refused with 413, unread (`WEBHOOK_MAX_BYTES`). */
  maxBytes?: number;
  /**
   * At most this many body bytes are held at once, over all deliveries being read (default twice
   * `maxBytes`); a delivery that would go over is refused with 503. Many large forged bodies sent
   * at once then cost a bounded amount of memory instead of all of it.
   */
  maxInFlightBytes?: number;
  /** After this long the delivery is answered 202 and the handlers go on (GitHub's limit is 10 s). */
  ackTimeoutMs?: number;
  /** Called once per refused delivery (metrics). `event` is a known event name or `other`. */
  onRejected?: (event: string, status: number) => void;
}

/** A Probot server handler: resolves `true` once it has answered the request, `false` to pass it on. */
export type ServerHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const EVENT_NAME = /^[a-z_]{1,64}$/;
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const JSON_CONTENT = /^\s*application\/json\s*(?:;|$)/i;

/** A refusal: the status, and a short reason for the sender and the log (never payload text). */
class Refusal {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {}
}

/**
 * The webhook edge, in front of Probot's own middleware: for POSTs to the webhook path it limits
 * the body size while streaming (413, the rest never read) and the bytes held over all deliveries
 * being read (503), checks the `X-Hub-Signature-256` HMAC
 * on the raw bytes in constant time, parses the JSON and validates the fields the handlers use
 * (see `webhook-schemas.ts`), and only then hands the event to Probot. A forged, oversized or
 * malformed delivery gets a 4xx with a short reason, never a 500, and nothing here logs a payload
 * or a raw body. Answers like Probot: 200 `ok` once the handlers are done, 202 at 9 s if they are
 * still running, 500 if one failed (Probot's error handler has logged it).
 *
 * A malformed but correctly signed payload gets 400, not a 2xx "ignored": GitHub never redelivers
 * on its own, so a 400 costs nothing and marks the delivery as failed in the app's "Recent
 * Deliveries", with the reason, where an operator can see it.
 *
 * @example
 * const edge = createWebhookEdge({ secret, path: '/api/github/webhooks', receive: (e) => probot.webhooks.receive(e as never), log });
 * createServer((req, res) => void edge(req, res).then((done) => done || res.writeHead(404).end()));
 */
export function createWebhookEdge(options: WebhookEdgeOptions): ServerHandler {
  if (!options.secret) throw new Error('the webhook edge needs a webhook secret (WEBHOOK_SECRET)');
  const maxBytes = options.maxBytes ?? DEFAULT_WEBHOOK_MAX_BYTES;
  const ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  const path = trimSlashes(options.path);
  const budget = byteBudget(options.maxInFlightBytes ?? 2 * maxBytes);

  return async (req, res) => {
    if (requestPath(req.url) !== path) return false;
    const event = header(req, 'x-github-event');
    const id = header(req, 'x-github-delivery');
    const known = event !== undefined && EVENT_NAME.test(event) ? event : undefined;
    const context = { deliveryId: id !== undefined && DELIVERY_ID.test(id) ? id : '[invalid]', event: known ?? '[invalid]' };
    try {
      const delivery = await readDelivery(req, { secret: options.secret, maxBytes, budget });
      const check = checkPayload(delivery.name, delivery.payload);
      if (!check.ok) throw new Refusal(400, `malformed ${delivery.name} payload: ${check.reason}`);
      return await handOver(delivery, res, options, ackTimeoutMs, context);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      options.log.warn({ ...context, status: err.status, reason: err.reason }, 'webhook delivery refused');
      options.onRejected?.(known !== undefined && known in EVENT_SCHEMAS ? known : 'other', err.status);
      answer(res, err.status, JSON.stringify({ error: err.reason }), 'application/json');
      // Stop a body that is still coming: nothing more of it will be read.
      if (err.status === 413 || err.status === 503) res.once('finish', () => req.destroy());
      return true;
    }
  };
}

/** Checks headers, reads the body within the limit, verifies the signature, parses the JSON. */
async function readDelivery(req: IncomingMessage, opts: { secret: string; maxBytes: number; budget: ByteBudget }): Promise<VerifiedDelivery> {
  if (req.method !== 'POST') throw new Refusal(405, `use POST for webhook deliveries, not ${req.method === undefined ? '?' : req.method.slice(0, 10)}`);
  const declared = req.headers['content-length'];
  // Before any byte of the body is read: a declared size over the limit is refused unread.
  if (declared !== undefined && Number(declared) > opts.maxBytes) throw new Refusal(413, `body over ${opts.maxBytes} bytes`);
  if (!JSON_CONTENT.test(req.headers['content-type'] ?? '')) throw new Refusal(415, 'content-type must be application/json');
  const name = header(req, 'x-github-event');
  const id = header(req, 'x-github-delivery');
  const signature = header(req, 'x-hub-signature-256');
  if (name === undefined || id === undefined || signature === undefined) throw new Refusal(400, 'missing X-GitHub-Event, X-GitHub-Delivery or X-Hub-Signature-256');
  if (!EVENT_NAME.test(name)) throw new Refusal(400, 'invalid X-GitHub-Event');
  if (!DELIVERY_ID.test(id)) throw new Refusal(400, 'invalid X-GitHub-Delivery');
  const sent = SIGNATURE.exec(signature);
  if (!sent) throw new Refusal(400, 'invalid X-Hub-Signature-256 (expected sha256=<64 hex digits>)');

  const hmac = createHmac('sha256', opts.secret);
  let held = 0;
  let payload: unknown;
  try {
    const chunks = await readBody(req, opts.maxBytes, (chunk) => {
      if (!opts.budget.take(chunk.length)) throw new Refusal(503, 'too many large deliveries at once; try again');
      held += chunk.length;
      hmac.update(chunk);
    });
    // Constant time: both sides are 32 bytes, compared without an early exit. A forged body is
    // dropped here, before it is ever joined into one buffer or decoded.
    if (!timingSafeEqual(hmac.digest(), Buffer.from(sent[1]!, 'hex'))) throw new Refusal(400, 'signature does not match the payload and the webhook secret');
    const body = Buffer.concat(chunks);
    chunks.length = 0;
    try {
      payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      throw new Refusal(400, 'body is not valid UTF-8 JSON');
    }
  } finally {
    opts.budget.give(held);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Refusal(400, `malformed ${name} payload: (payload): expected object`);
  return { id, name, payload: payload as Record<string, unknown> };
}

interface ByteBudget {
  /** Takes `n` bytes if they fit; `false` (and nothing taken) if they do not. */
  take(n: number): boolean;
  give(n: number): void;
}

function byteBudget(limit: number): ByteBudget {
  let used = 0;
  return {
    take(n) {
      if (used + n > limit) return false;
      used += n;
      return true;
    },
    give(n) {
      used -= n;
    },
  };
}

/**
 * Reads the request body, at most `maxBytes` of it, feeding each chunk to `onChunk` as it arrives.
 * Past the limit it stops reading (the rest is never buffered) and refuses with 413; if `onChunk`
 * throws, it stops reading and rejects with that error.
 */
function readBody(req: IncomingMessage, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const stop = (err: unknown) => {
      cleanup();
      chunks.length = 0;
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return stop(new Refusal(413, `body over ${maxBytes} bytes`));
      try {
        onChunk(chunk);
      } catch (err) {
        return stop(err);
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks);
    };
    const onError = () => {
      cleanup();
      reject(new Refusal(400, 'request body could not be read'));
    };
    const onAborted = onError;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** Runs the handlers; answers 200 when they are done, 202 at `ackTimeoutMs`, 500 if one failed. */
async function handOver(
  delivery: VerifiedDelivery,
  res: ServerResponse,
  options: WebhookEdgeOptions,
  ackTimeoutMs: number,
  context: { deliveryId: string; event: string },
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ackTimeoutMs)));
  const handled = options.receive(delivery).then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  const first = await Promise.race([handled, late]);
  clearTimeout(timer);
  if (first === 'late') {
    answer(res, 202, 'still processing\n', 'text/plain');
    const outcome = await handled;
    // Probot's error handler has logged the error itself (redacted); this only ties it to the ack.
    if (!outcome.ok) options.log.warn({ ...context, error: errorName(outcome.err) }, 'webhook handler failed after the 202');
    return true;
  }
  if (first.ok) answer(res, 200, 'ok\n', 'text/plain');
  else answer(res, 500, JSON.stringify({ error: errorName(first.err) }), 'application/json');
  return true;
}

function answer(res: ServerResponse, status: number, body: string, type: string): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) };
  if (status === 413 || status === 503) headers.connection = 'close';
  if (status === 503) headers['retry-after'] = '1';
  res.writeHead(status, headers).end(body);
}

/** The first error's class and message, short (an AggregateError from @octokit/webhooks wraps the handlers' errors). */
function errorName(err: unknown): string {
  const first = err instanceof AggregateError && err.errors.length > 0 ? (err.errors[0] as unknown) : err;
  const text = first instanceof Error ? `${first.name}: ${first.message}` : 'handler failed';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function requestPath(url: string | undefined): string | undefined {
  try {
    return trimSlashes(new URL(url ?? '/', 'http://localhost').pathname);
  } catch {
    return undefined;
  }
}

function trimSlashes(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t === '' ? '/' : t;
}

/**
 * A Probot class whose node middleware is the webhook edge: Probot's `Server` puts
 * `probot.getNodeMiddleware()` first in its chain, so the edge sees every webhook before any
 * handler added with `addHandler`, and Probot's own (unbounded, payload-logging) middleware is
 * never mounted. Verified events go to `probot.webhooks.receive`, which runs the app's handlers.
 *
 * @example
 * new Server({ Probot: withWebhookEdge(Probot.defaults(opts), { secret, log, maxBytes }), webhookPath, log });
 */
export function withWebhookEdge(Base: typeof Probot, edge: Omit<WebhookEdgeOptions, 'path' | 'receive'>): typeof Probot {
  return class extends Base {
    override async getNodeMiddleware(opts: { path?: string } = {}): Promise<ServerHandler> {
      await this.ready();
      const webhooks = this.webhooks;
      return createWebhookEdge({
        ...edge,
        path: opts.path ?? this.webhookPath,
        // The payload has passed its event's schema; Probot's event type is a union over every event.
        receive: (delivery) => webhooks.receive(delivery as Parameters<typeof webhooks.receive>[0]),
      });
    }
  };
}
