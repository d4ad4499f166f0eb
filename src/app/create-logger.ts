import type { Writable } from 'node:stream';
import { getTransformStream } from '@probot/pino';
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import type { AppEnv } from '../config/env.js';
import { MAX_LOG_LINE, boundLogRecord, boundString } from './bound-log-record.js';

/**
 * Paths pino blanks in every record, a second line of defence behind "never log a secret": HTTP
 * auth headers (pino-http request logs, Octokit errors) and option objects that carry keys.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature"]',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
  'request.headers.authorization',
  'err.request.headers.authorization',
  'err.response.headers.authorization',
  // Webhook payloads: Probot's "Webhook received" debug record, and the event @octokit/webhooks
  // attaches to every error it hands to Probot's error handler (and to each aggregated error).
  // boundLogRecord also blanks any `payload`/`body` key at any depth; these paths are the contract.
  'event.payload',
  'err.event.payload',
  'err.aggregateErrors[*].event.payload',
  'err.errors[*].event.payload',
  'payload',
  'body',
  'rawBody',
  'request.body',
  'err.request.body',
  '*.privateKey',
  '*.webhookSecret',
  '*.secret',
  '*.token',
  '*.apiKey',
  'privateKey',
  'secret',
  'token',
  'apiKey',
];

/**
 * Keeps every record under {@link MAX_LOG_LINE}: fields are bounded (and payloads blanked) by
 * `boundLogRecord` before pino serializes them, messages are cut at 2 KB, and a line that is
 * still too long is replaced by a short notice of the same level.
 */
const lineGuard = {
  formatters: { log: (record: Record<string, unknown>) => boundLogRecord(record) },
  // Errors are already serialized (and bounded) by the formatter above.
  serializers: { err: (err: unknown) => err },
  hooks: {
    logMethod(this: PinoLogger, args: unknown[], method: (...a: unknown[]) => void) {
      const [first] = args;
      // pino takes an error's whole message as the record's message (for `log.error(err)` and
      // `log.error({ err })`); give it the message here, so it is cut like any other.
      const err = first instanceof Error ? first : (first as { err?: unknown } | undefined)?.err;
      if (err instanceof Error && typeof args[1] !== 'string') args.splice(1, 0, err.message);
      method.apply(this, args.map((a) => (typeof a === 'string' ? boundString(a) : a)));
    },
    streamWrite(line: string): string {
      if (line.length <= MAX_LOG_LINE) return line;
      const head = /^\{"level":(\d+|"\w+"),"time":(\d+)/.exec(line);
      return `{"level":${head?.[1] ?? 50},"time":${head?.[2] ?? Date.now()},"msg":"log record dropped: ${line.length} characters, over the ${MAX_LOG_LINE} limit"}\n`;
    },
  },
};

/**
 * The process logger, formatted as Probot formats its own (pretty in development, JSON with
 * `LOG_FORMAT=json` or in production), at `LOG_LEVEL`. Handlers and jobs log through child loggers
 * carrying delivery id, repository, PR and SHA. No line is longer than 16 KB and no webhook payload
 * is ever written (see `lineGuard` and `REDACT_PATHS`).
 */
export async function createLogger(
  env: Pick<AppEnv, 'logLevel' | 'logFormat' | 'logLevelInString' | 'logMessageKey' | 'sentryDsn'>,
  destination?: Writable,
): Promise<PinoLogger> {
  const transform = await getTransformStream({ logFormat: env.logFormat, logLevelInString: env.logLevelInString, sentryDsn: env.sentryDsn });
  // SonicBoom is a writable stream at runtime; its types just don't say so.
  transform.pipe(destination ?? (pino.destination(1) as unknown as NodeJS.WritableStream));
  return pino(
    { level: env.logLevel, name: 'arch-review', messageKey: env.logMessageKey, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, ...lineGuard },
    transform,
  );
}
