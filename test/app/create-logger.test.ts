import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { pino } from 'pino';
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

describe('createLogger: payloads and long lines', () => {
  const MARK = 'PAYLOADTEXT';
  /** A webhook payload of about 1 MB whose every string contains MARK. */
  const bigPayload = () => ({ action: 'opened', pull_request: { body: `${MARK} `.repeat(90_000), title: MARK }, filler: Array.from({ length: 200 }, (_, i) => ({ [`k${i}`]: `${MARK}-${i}` })) });
  const lines = (out: LogCapture) => out.text.trim().split('\n');

  it('logs an error carrying a 1 MB webhook event (as @octokit/webhooks attaches it) as one short line without payload text', async () => {
    const out = new LogCapture();
    const log = await createLogger(settings, out);
    const event = { id: 'delivery-1', name: 'pull_request', payload: bigPayload() };
    // What Probot's error handler and its node middleware log: the error, and the AggregateError wrapping it.
    const inner = Object.assign(new Error('handler failed'), { event, status: 500 });
    const aggregate = Object.assign(new AggregateError([inner], 'handler failed'), { event });
    log.child({ name: 'event', id: event.id }).error(inner);
    log.error(aggregate);
    // The wrong-signature case: the raw body string itself rides on the error.
    log.error(Object.assign(new Error('signature does not match'), { event: { id: 'd2', name: 'push', payload: `{"x":"${MARK.repeat(100_000)}"}`, signature: 'sha256=0' } }), 'verify the secret');
    // Probot's own debug record shape, `{ event }`, at error level so it shows.
    log.error({ event }, 'Webhook received');
    await new Promise((r) => setTimeout(r, 20));
    expect(lines(out)).toHaveLength(4);
    for (const line of lines(out)) {
      expect(Buffer.byteLength(line)).toBeLessThan(16 * 1024);
      expect(line).not.toContain(MARK);
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record.level).toBe('error');
    }
    const [first, second] = lines(out).map((l) => JSON.parse(l) as { err: { message: string; event: { id: string; payload: string }; aggregateErrors?: { event: { payload: string } }[] }; msg: string });
    expect(first!.err).toMatchObject({ message: 'handler failed', event: { id: 'delivery-1', payload: '[redacted]' } });
    expect(first!.msg).toBe('handler failed');
    expect(second!.err.aggregateErrors?.[0]?.event.payload).toBe('[redacted]');
  });

  it('cuts long strings, long messages and wide records so no line reaches 16 KB', async () => {
    const out = new LogCapture();
    const log = await createLogger(settings, out);
    log.warn({ note: 'x'.repeat(1_000_000) }, 'y'.repeat(1_000_000));
    log.warn({ escaped: '\u0001'.repeat(50_000), list: Array.from({ length: 10_000 }, (_, i) => i) }, 'escapes');
    log.warn(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field${i}`, 'z'.repeat(1_500)])), 'wide');
    await new Promise((r) => setTimeout(r, 20));
    expect(lines(out)).toHaveLength(3);
    for (const line of lines(out)) expect(Buffer.byteLength(line)).toBeLessThan(16 * 1024);
    const [long, escaped] = lines(out).map((l) => JSON.parse(l) as { note?: string; msg: string; list?: unknown[] });
    expect(long!.note).toMatch(/^x+…\[1000000 chars\]$/);
    expect(long!.msg).toMatch(/^y+…\[1000000 chars\]$/);
    expect(escaped!.list).toHaveLength(21);
  });

  it('cuts the message pino takes from an error given as { err }', async () => {
    const out = new LogCapture();
    const log = await createLogger(settings, out);
    log.error({ err: new Error('m'.repeat(100_000)), deliveryId: 'd1' });
    await new Promise((r) => setTimeout(r, 20));
    const [line] = lines(out);
    expect(Buffer.byteLength(line!)).toBeLessThan(16 * 1024);
    expect(JSON.parse(line!)).toMatchObject({ deliveryId: 'd1', msg: expect.stringMatching(/^m+…\[100000 chars\]$/) as unknown });
  });

  it("leaves HTTP requests and responses to their serializers (Probot's request log keeps its status code)", async () => {
    const out = new LogCapture();
    const log = await createLogger(settings, out);
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    res.writeHead(201); // headers "sent": the serializer reports the status
    log.child({ name: 'http' }, { serializers: { res: pino.stdSerializers.res } }).info({ res, responseTime: 3 }, 'request completed');
    await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(lines(out)[0]!)).toMatchObject({ name: 'http', res: { statusCode: 201 }, responseTime: 3 });
  });
});
