import { IncomingMessage, ServerResponse } from 'node:http';
import { pino } from 'pino';

/** No log line may be longer than this (bytes of JSON, before the newline). */
export const MAX_LOG_LINE = 16 * 1024;

/** Keys whose values are never logged, at any depth: webhook payloads and raw HTTP bodies. */
export const PAYLOAD_KEYS: ReadonlySet<string> = new Set(['payload', 'body', 'rawBody']);

const CENSOR = '[redacted]';
const LIMITS = { string: 2_048, keys: 40, items: 20, depth: 6, nodes: 500 };

/**
 * A bounded, JSON-safe copy of a log record's fields: errors serialized as pino does (with their
 * aggregated errors), strings cut at 2 KB, arrays and objects cut to their first entries, at most 6
 * levels deep, cycles broken, and every `payload`, `body` and `rawBody` field replaced by
 * `[redacted]` wherever it sits (webhook payloads hang off errors as `err.event.payload`, Octokit
 * errors carry `request.body`). If the copy still serializes to more than
 * `maxChars`, only its short top-level values are kept.
 *
 * @example
 * boundLogRecord({ err: Object.assign(new Error('x'), { event: { id: 'd1', payload: huge } }) });
 * // { err: { type: 'Error', message: 'x', stack: '…', event: { id: 'd1', payload: '[redacted]' } } }
 */
export function boundLogRecord(record: Record<string, unknown>, maxChars = 12_000): Record<string, unknown> {
  const state = { nodes: 0, seen: new WeakSet<object>() };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    // pino-http's request and response: its own serializers pick a few small fields from them.
    if (value instanceof IncomingMessage || value instanceof ServerResponse) out[key] = value;
    else out[key] = PAYLOAD_KEYS.has(key) ? CENSOR : bound(value, 0, state);
  }
  if (JSON.stringify(out, skipHttp).length <= maxChars) return out;
  // Still too long (many mid-sized fields): keep the scalars that are short, summarize the rest.
  const small: Record<string, unknown> = { truncated: true };
  let size = 0;
  for (const [key, value] of Object.entries(out)) {
    const isErr = typeof value === 'object' && value !== null && 'message' in value;
    const kept = isErr ? { type: (value as { type?: unknown }).type, message: cut(String((value as { message?: unknown }).message), 500) } : value;
    const len = JSON.stringify(kept, skipHttp)?.length ?? 0;
    if (len < 1_000 && size + len < maxChars / 2) {
      small[key] = kept;
      size += len;
    }
  }
  return small;
}

/** `text` cut to at most `max` characters of JSON (escapes counted), with a marker saying how long it was. */
export function boundString(text: string, max = LIMITS.string): string {
  if (text.length <= max && JSON.stringify(text).length <= max + 2) return text;
  let keep = Math.min(text.length, max);
  const suffix = `…[${text.length} chars]`;
  while (keep > 0 && JSON.stringify(text.slice(0, keep)).length + suffix.length > max) keep = Math.floor(keep / 2);
  return text.slice(0, keep) + suffix;
}

const cut = boundString;

/** Leaves pino-http's objects out of a size estimate (their serializers keep a few fields). */
const skipHttp = (_key: string, value: unknown) => (value instanceof IncomingMessage || value instanceof ServerResponse ? '[http]' : value);

function bound(value: unknown, depth: number, state: { nodes: number; seen: WeakSet<object> }): unknown {
  if (++state.nodes > LIMITS.nodes) return '[…]';
  switch (typeof value) {
    case 'string':
      return cut(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (state.seen.has(obj)) return '[circular]';
  if (depth >= LIMITS.depth) return '[…]';
  if (ArrayBuffer.isView(obj)) return `[binary ${obj.byteLength} bytes]`;
  if (obj instanceof Date) return obj.toISOString();
  state.seen.add(obj);
  try {
    if (obj instanceof Error) return bound(errorFields(obj), depth, state);
    if (Array.isArray(obj)) {
      const items = obj.slice(0, LIMITS.items).map((v: unknown) => bound(v, depth + 1, state));
      if (obj.length > LIMITS.items) items.push(`[+${obj.length - LIMITS.items} more]`);
      return items;
    }
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      if (++n > LIMITS.keys) {
        out['…'] = 'more keys';
        break;
      }
      const v = (obj as Record<string, unknown>)[key];
      out[cut(key, 100)] = PAYLOAD_KEYS.has(key) ? CENSOR : bound(v, depth + 1, state);
    }
    return out;
  } finally {
    state.seen.delete(obj);
  }
}

/** pino's error fields (type, message, stack, aggregateErrors, own enumerable props), without `raw`. */
function errorFields(err: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key in serialized) {
    if (key !== 'raw') fields[key] = serialized[key];
  }
  return fields;
}
