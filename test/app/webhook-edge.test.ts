import { createHmac } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type net from 'node:net';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createArchReviewApp } from '../../src/app/arch-review-app.js';
import { createWebhookEdge, withWebhookEdge } from '../../src/app/webhook-edge.js';
import type { VerifiedDelivery, WebhookEdgeOptions } from '../../src/app/webhook-edge.js';
import { freePort } from '../helpers/free-port.js';
import { useHttpMocks } from '../helpers/http.js';
import { malformedPayloads, validBodies } from './malformed-payloads.js';
import { LogCapture, RecordingQueue, TEST_PRIVATE_KEY } from './probot-harness.js';

useHttpMocks();

const SECRET = 'edge-test-secret';
const PATH = '/api/github/webhooks';
const sign = (body: Buffer | string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

interface Answer {
  status: number;
  body: string;
}

/** Posts `body` as GitHub would (signed with SECRET unless `headers` override it). */
function post(port: number, body: Buffer | string, headers: Record<string, string | undefined> = {}, path = PATH): Promise<Answer> {
  const all: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-github-event': 'pull_request',
    'x-github-delivery': 'delivery-1',
    'x-hub-signature-256': sign(body),
  };
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) delete all[k];
    else all[k] = v;
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: all, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** The edge alone on a plain HTTP server, with a recording `receive` and captured logs. */
async function serveEdge(options: Partial<WebhookEdgeOptions> = {}) {
  const received: VerifiedDelivery[] = [];
  const logs = new LogCapture();
  const log = pino({ level: 'debug' }, logs);
  const edge = createWebhookEdge({
    secret: SECRET,
    path: PATH,
    log,
    receive: async (d) => void received.push(d),
    ...options,
  });
  const server = createServer((req, res) => {
    void edge(req, res).then((done) => done || res.writeHead(404).end('not mine'));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, received, logs };
}

describe('the webhook edge', () => {
  it('hands a correctly signed, valid delivery to the app once, parsed, and answers 200', async () => {
    const { port, received } = await serveEdge();
    const answer = await post(port, validBodies.pull_request);
    expect(answer).toEqual({ status: 200, body: 'ok\n' });
    expect(received).toEqual([{ id: 'delivery-1', name: 'pull_request', payload: JSON.parse(validBodies.pull_request) as unknown }]);
  });

  it('reads the signature hex in either case', async () => {
    const { port, received } = await serveEdge();
    const answer = await post(port, validBodies.pull_request, { 'x-hub-signature-256': sign(validBodies.pull_request).toUpperCase().replace('SHA256=', 'sha256=') });
    expect(answer.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('refuses a wrong signature with 400 before the app sees it, and logs no payload text', async () => {
    const { port, received, logs } = await serveEdge();
    const body = validBodies.pull_request.replace('"payments"', '"PAYLOADTEXT"');
    const answer = await post(port, body, { 'x-hub-signature-256': sign(body, 'not-the-secret') });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('signature does not match');
    expect(received).toEqual([]);
    expect(logs.text).toContain('webhook delivery refused');
    expect(logs.text).not.toContain('PAYLOADTEXT');
  });

  it.each([
    ['no signature', { 'x-hub-signature-256': undefined }, 400],
    ['a sha1 signature', { 'x-hub-signature-256': `sha1=${'0'.repeat(40)}` }, 400],
    ['no event name', { 'x-github-event': undefined }, 400],
    ['an event name that is not one', { 'x-github-event': '../../etc' }, 400],
    ['no delivery id', { 'x-github-delivery': undefined }, 400],
    ['a form-encoded body', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
  ])('refuses %s (%j) with %i', async (_what, headers, status) => {
    const { port, received } = await serveEdge();
    expect((await post(port, validBodies.pull_request, headers)).status).toBe(status);
    expect(received).toEqual([]);
  });

  it.each(malformedPayloads())('answers 400, never 500, to a correctly signed delivery with $what, and the app never sees it', async ({ event, json, raw }) => {
    const { port, received, logs } = await serveEdge();
    const body = raw ?? Buffer.from(json!);
    const answer = await post(port, body, { 'x-github-event': event });
    expect(answer.status).toBe(400);
    expect(answer.body.length).toBeLessThan(400);
    expect(answer.body).not.toContain('EVIL');
    expect(received).toEqual([]);
    expect(logs.text).not.toContain('EVIL');
  });

  it('refuses a body whose declared length is over the limit with 413, without reading it', async () => {
    const { port, received, logs } = await serveEdge({ maxBytes: 1024 });
    const answer = await post(port, Buffer.alloc(4096, 0x20));
    expect(answer.status).toBe(413);
    expect(received).toEqual([]);
    expect(logs.text).toContain('"status":413');
  });

  it('stops reading a body without a declared length once it passes the limit: 413, and the rest is never pulled', async () => {
    const maxBytes = 256 * 1024;
    let pulled = 0;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    // 100 MB on offer, produced only as the edge reads.
    const body = new Readable({
      read() {
        if (pulled >= 100 * 1024 * 1024) return void this.push(null);
        pulled += chunk.length;
        this.push(chunk);
      },
    });
    const req = Object.assign(body, {
      method: 'POST',
      url: PATH,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
    }) as unknown as IncomingMessage;
    const res = fakeResponse();
    const receive = vi.fn(async () => undefined);
    const edge = createWebhookEdge({ secret: SECRET, path: PATH, log: pino({ level: 'silent' }), receive, maxBytes });
    expect(await edge(req, res)).toBe(true);
    expect(res.statusCode).toBe(413);
    await new Promise((r) => setTimeout(r, 50));
    // Stream buffering may pull a few chunks ahead; nothing near the 100 MB offered.
    expect(pulled).toBeLessThan(maxBytes + 4 * chunk.length);
    expect(receive).not.toHaveBeenCalled();
  });

  it('holds at most maxInFlightBytes of bodies at once: a delivery that would go over gets 503, and the budget comes back', async () => {
    const edge = createWebhookEdge({ secret: SECRET, path: PATH, log: pino({ level: 'silent' }), receive: async () => undefined, maxBytes: 64 * 1024, maxInFlightBytes: 100 * 1024 });
    const slow = streamingRequest();
    const slowAnswer = fakeResponse();
    const slowDone = edge(slow.req, slowAnswer);
    slow.push(Buffer.alloc(60 * 1024, 0x20)); // held, not finished
    await new Promise((r) => setTimeout(r, 10));
    const second = streamingRequest();
    const secondAnswer = fakeResponse();
    const secondDone = edge(second.req, secondAnswer);
    second.push(Buffer.alloc(50 * 1024, 0x20)); // 110 KB in flight: over the budget
    await secondDone;
    expect(secondAnswer.statusCode).toBe(503);
    slow.end();
    await slowDone;
    expect(slowAnswer.statusCode).toBe(400); // read to the end, then refused for its signature
    // Everything held was given back: a third body of 90 KB fits again (and fails only its signature).
    const third = streamingRequest();
    const thirdAnswer = fakeResponse();
    const thirdDone = edge(third.req, thirdAnswer);
    third.push(Buffer.alloc(60 * 1024, 0x20));
    third.end();
    await thirdDone;
    expect(thirdAnswer.statusCode).toBe(400);
  });

  it('answers 202 when the handlers outlast the ack timeout, as Probot does, and lets them finish', async () => {
    let finished = false;
    const { port } = await serveEdge({
      ackTimeoutMs: 100,
      receive: async () => {
        await new Promise((r) => setTimeout(r, 400));
        finished = true;
      },
    });
    const started = Date.now();
    const answer = await post(port, validBodies.pull_request);
    expect(answer.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(350);
    expect(finished).toBe(false);
    await expect.poll(() => finished, { timeout: 2_000 }).toBe(true);
  });

  it('answers 500 when a handler fails (the only 500), with the error name and no payload', async () => {
    const { port } = await serveEdge({
      receive: () => Promise.reject(new AggregateError([new Error('queue unavailable')], 'queue unavailable')),
    });
    const answer = await post(port, validBodies.pull_request);
    expect(answer).toEqual({ status: 500, body: JSON.stringify({ error: 'Error: queue unavailable' }) });
  });

  it('leaves other paths to the next handler and answers 405 to a GET of the webhook path', async () => {
    const { port } = await serveEdge();
    expect(await post(port, validBodies.pull_request, {}, '/elsewhere')).toEqual({ status: 404, body: 'not mine' });
    const status = await new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port, path: `${PATH}/`, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(405);
  });
});

describe('withWebhookEdge: the edge in front of the real handlers, in Probot’s own Server', () => {
  async function startServer(edge: boolean) {
    const logs = new LogCapture();
    const log = pino({ level: 'info' }, logs);
    const queue = new RecordingQueue();
    const Base = Probot.defaults({ appId: 123, privateKey: TEST_PRIVATE_KEY, secret: SECRET, log, Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }) });
    const port = await freePort();
    const server = new Server({ host: '127.0.0.1', port, log, webhookPath: PATH, Probot: edge ? withWebhookEdge(Base, { secret: SECRET, log }) : Base });
    await server.load(createArchReviewApp({ queue }));
    servers.push(await server.start());
    return { port, queue, logs };
  }

  it('answers every malformed signed delivery with 400 where Probot alone answered 500, and still queues a valid one', async () => {
    const bare = await startServer(false);
    const edged = await startServer(true);
    const before: number[] = [];
    const after: number[] = [];
    for (const [i, { event, json, raw }] of malformedPayloads().entries()) {
      const body = raw ?? Buffer.from(json!);
      // A new delivery id each time: the app ignores a delivery id it has handled.
      before.push((await post(bare.port, body, { 'x-github-event': event, 'x-github-delivery': `bare-${i}` })).status);
      after.push((await post(edged.port, body, { 'x-github-event': event, 'x-github-delivery': `edged-${i}` })).status);
    }
    // Without the edge, most of these reached a handler (or Probot's receive) and died there with a TypeError (13 of 24 with today's handlers).
    expect(before.filter((s) => s === 500).length).toBeGreaterThanOrEqual(10);
    expect(after).toEqual(after.map(() => 400));
    expect(edged.queue.jobs).toEqual([]);

    const ok = await post(edged.port, validBodies.pull_request, { 'x-github-delivery': 'valid-1' });
    expect(ok.status).toBe(200);
    expect(edged.queue.jobs).toHaveLength(1);
    expect(edged.queue.jobs[0]).toMatchObject({ installationId: 4242, owner: 'acme', repo: 'payments', number: 7, deliveryId: 'valid-1' });
  });
});

/** A webhook request whose body the test pushes piece by piece. */
function streamingRequest() {
  const body = new Readable({ read() {} });
  const req = Object.assign(body, {
    method: 'POST',
    url: PATH,
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
  }) as unknown as IncomingMessage;
  return { req, push: (chunk: Buffer) => body.push(chunk), end: () => body.push(null) };
}

/** Just enough of a ServerResponse for the edge: records the status and the body. */
function fakeResponse(): ServerResponse & { text: string } {
  const res = {
    statusCode: 0,
    headersSent: false,
    text: '',
    writeHead(status: number) {
      res.statusCode = status;
      res.headersSent = true;
      return res;
    },
    end(body?: string) {
      res.text = body ?? '';
      return res;
    },
    once() {
      return res;
    },
  };
  return res as unknown as ServerResponse & { text: string };
}
