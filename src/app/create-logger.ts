import type { Writable } from 'node:stream';
import { getTransformStream } from '@probot/pino';
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import type { AppEnv } from '../config/env.js';

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
 * The process logger, formatted as Probot formats its own (pretty in development, JSON with
 * `LOG_FORMAT=json` or in production), at `LOG_LEVEL`. Handlers and jobs log through child loggers
 * carrying delivery id, repository, PR and SHA.
 */
export async function createLogger(
  env: Pick<AppEnv, 'logLevel' | 'logFormat' | 'logLevelInString' | 'logMessageKey' | 'sentryDsn'>,
  destination?: Writable,
): Promise<PinoLogger> {
  const transform = await getTransformStream({ logFormat: env.logFormat, logLevelInString: env.logLevelInString, sentryDsn: env.sentryDsn });
  // SonicBoom is a writable stream at runtime; its types just don't say so.
  transform.pipe(destination ?? (pino.destination(1) as unknown as NodeJS.WritableStream));
  return pino(
    { level: env.logLevel, name: 'arch-review', messageKey: env.logMessageKey, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    transform,
  );
}
