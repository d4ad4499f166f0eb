import type { Logger } from '../review/ports.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Anything with `write(string)`: `process.stderr`, or a test's buffer. */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * A `Logger` that writes one human-readable line per entry to stderr, so stdout carries only the
 * review (`arch-review review --format json | jq` works). Fields follow the message as compact JSON.
 *
 * @example
 * const log = createStderrLogger(process.stderr, 'info');
 * log.warn({ path: 'a.ts' }, 'could not read head file');   // "arch-review warn: could not read head file {"path":"a.ts"}"
 */
export function createStderrLogger(sink: TextSink, level: LogLevel = 'info'): Logger {
  const min = RANK[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (obj: object | string, msg?: string) => {
    if (RANK[lvl] < min) return;
    const text = typeof obj === 'string' ? obj : (msg ?? '');
    const fields = typeof obj === 'string' ? '' : safeJson(obj);
    sink.write(`arch-review ${lvl}: ${text}${fields && fields !== '{}' ? ` ${fields}` : ''}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function safeJson(obj: object): string {
  try {
    return JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? v.message : v));
  } catch {
    return '[unserialisable fields]';
  }
}
