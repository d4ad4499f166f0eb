import { describe, expect, it } from 'vitest';
import { createStderrLogger } from '../../src/cli/stderr-logger.js';

describe('createStderrLogger', () => {
  const capture = (level: Parameters<typeof createStderrLogger>[1]) => {
    let out = '';
    return { log: createStderrLogger({ write: (s: string) => (out += s) }, level), out: () => out };
  };

  it('writes one line per entry: level, message, then the fields as JSON', () => {
    const c = capture('info');
    c.log.warn({ path: 'a.ts', err: new Error('boom') }, 'could not read head file');
    c.log.info('plain message');
    expect(c.out()).toBe('arch-review warn: could not read head file {"path":"a.ts","err":"boom"}\narch-review info: plain message\n');
  });

  it('drops entries below its level', () => {
    const c = capture('warn');
    c.log.debug('d');
    c.log.info('i');
    c.log.error('e');
    expect(c.out()).toBe('arch-review error: e\n');
    const silent = capture('silent');
    silent.log.error('e');
    expect(silent.out()).toBe('');
  });
});
