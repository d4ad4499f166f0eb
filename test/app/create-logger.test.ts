import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/create-logger.js';
import { LogCapture } from './probot-harness.js';

const settings = { logLevel: 'info', logFormat: 'json', logLevelInString: true, logMessageKey: 'msg' } as const;

describe('createLogger', () => {
  it('blanks auth headers and secret-named fields wherever a record carries them', async () => {
    const out = new LogCapture();
    const log = await createLogger(settings, out);
    log.info({ req: { headers: { authorization: 'token ghs_SECRET1', 'x-hub-signature-256': 'sha256=SECRET2' } } }, 'request');
    log.child({ deliveryId: 'd1' }).warn({ options: { privateKey: '-----BEGIN SECRET3', token: 'SECRET4' } }, 'auth');
    log.error({ err: { request: { headers: { authorization: 'bearer SECRET5' } } } }, 'failed');
    await new Promise((r) => setTimeout(r, 20));
    expect(out.text).not.toMatch(/SECRET\d/);
    expect(out.text).toContain('[redacted]');
    expect(out.text).toContain('"deliveryId":"d1"');
  });

  it('writes JSON with the level as a word when asked, at the configured level', async () => {
    const out = new LogCapture();
    const log = await createLogger({ ...settings, logLevel: 'warn' }, out);
    log.info('hidden');
    log.warn('shown');
    await new Promise((r) => setTimeout(r, 20));
    const lines = out.text.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'shown' })]);
  });
});
