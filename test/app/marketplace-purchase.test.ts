import { createHmac } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type net from 'node:net';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createArchReviewApp } from '../../src/app/arch-review-app.js';
import { MARKETPLACE_ACTIONS, marketplaceActionLabel, marketplaceLogFields, type MarketplacePurchasePayload } from '../../src/app/marketplace-purchase.js';
import { createWebhookEdge } from '../../src/app/webhook-edge.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { useHttpMocks } from '../helpers/http.js';
import { LogCapture, RecordingQueue, testProbot } from './probot-harness.js';

// No network: a GitHub call from the handler would fail the delivery (500) and the test.
useHttpMocks();

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];
const examples = definitions.find((d) => d.name === 'marketplace_purchase')!.examples as unknown as MarketplacePurchasePayload[];
const example = (action: string) => structuredClone(examples.find((e) => e.action === action)!);

const SECRET = 'marketplace-test-secret';
const PATH = '/api/github/webhooks';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** The app as the server runs it: the webhook edge in front of Probot, with metrics and captured logs. */
async function serveApp(): Promise<{ port: number; metrics: Metrics; queue: RecordingQueue; logs: LogCapture }> {
  const logs = new LogCapture();
  const { probot } = testProbot(logs, 'info');
  const metrics = createMetrics({ processMetrics: false });
  const queue = new RecordingQueue();
  await probot.load(createArchReviewApp({ queue, metrics }));
  const edge = createWebhookEdge({ secret: SECRET, path: PATH, log: pino({ level: 'silent' }), receive: (d) => probot.webhooks.receive(d as never) });
  const server = createServer((req, res) => void edge(req, res).then((done) => done || res.writeHead(404).end()));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, metrics, queue, logs };
}

/** Posts a signed `marketplace_purchase` delivery, as GitHub does. */
function deliver(port: number, payload: unknown, id: string): Promise<number> {
  const body = JSON.stringify(payload);
  const headers = {
    'content-type': 'application/json',
    'x-github-event': 'marketplace_purchase',
    'x-github-delivery': id,
    'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: PATH, method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function counted(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

describe('marketplace_purchase deliveries', () => {
  it('covers every action GitHub documents (the examples below would miss one otherwise)', () => {
    const documented = definitions.find((d) => d.name === 'marketplace_purchase')!.actions;
    expect([...documented].sort()).toEqual([...MARKETPLACE_ACTIONS].sort());
  });

  it('answers 200, logs the account and plan, counts the action, queues nothing and calls no GitHub API', async () => {
    const { port, metrics, queue, logs } = await serveApp();
    expect(await deliver(port, example('purchased'), 'mp-1')).toBe(200);
    expect(await counted(metrics, 'marketplace_events_total', { action: 'purchased' })).toBe(1);
    expect(await counted(metrics, 'webhook_deliveries_total', { event: 'marketplace_purchase', outcome: 'recorded' })).toBe(1);
    expect(queue.jobs).toEqual([]);
    const line = logs.text.split('\n').find((l) => l.includes('marketplace plan change'));
    expect(JSON.parse(line!)).toMatchObject({ deliveryId: 'mp-1', action: 'purchased', account: 'username', accountType: 'Organization', plan: 'Basic Plan', planId: 435, units: 1 });
  });

  it('never logs the billing email or the sender', async () => {
    const { port, logs } = await serveApp();
    for (const [i, payload] of examples.entries()) expect(await deliver(port, payload, `mp-${i}`)).toBe(200);
    expect(logs.text.match(/marketplace plan change/g)).toHaveLength(examples.length);
    expect(logs.text).not.toContain('@email.com');
    expect(logs.text).not.toContain('avatar');
  });

  it('counts each action once per delivery, a redelivery not again', async () => {
    const { port, metrics } = await serveApp();
    await deliver(port, example('changed'), 'mp-a');
    await deliver(port, example('cancelled'), 'mp-b');
    await deliver(port, example('cancelled'), 'mp-b');
    expect(await counted(metrics, 'marketplace_events_total', { action: 'changed' })).toBe(1);
    expect(await counted(metrics, 'marketplace_events_total', { action: 'cancelled' })).toBe(1);
    expect(await counted(metrics, 'webhook_deliveries_total', { event: 'marketplace_purchase', outcome: 'duplicate' })).toBe(1);
  });

  it('counts pending changes and an action GitHub may add later (as other)', async () => {
    const { port, metrics } = await serveApp();
    await deliver(port, { ...example('changed'), action: 'pending_change' }, 'mp-p');
    await deliver(port, { ...example('changed'), action: 'pending_change_cancelled' }, 'mp-q');
    await deliver(port, { ...example('purchased'), action: 'renamed_plan' }, 'mp-r');
    expect(await counted(metrics, 'marketplace_events_total', { action: 'pending_change' })).toBe(1);
    expect(await counted(metrics, 'marketplace_events_total', { action: 'pending_change_cancelled' })).toBe(1);
    expect(await counted(metrics, 'marketplace_events_total', { action: 'other' })).toBe(1);
  });

  it('refuses a payload without the purchase details at the edge (400), uncounted', async () => {
    const { port, metrics } = await serveApp();
    const broken = example('purchased') as unknown as Record<string, Record<string, unknown>>;
    delete broken.marketplace_purchase!.plan;
    expect(await deliver(port, broken, 'mp-x')).toBe(400);
    expect(await counted(metrics, 'marketplace_events_total', { action: 'purchased' })).toBe(0);
  });
});

describe('marketplaceLogFields', () => {
  it('names the previous plan of a change', () => {
    expect(marketplaceLogFields(example('changed'))).toMatchObject({ action: 'changed', plan: 'Basic Plan', previousPlan: 'Basic Plan', units: 10 });
  });

  it('takes only the fields it names (no email, id of the sender, or plan prices)', () => {
    for (const payload of examples) {
      expect(Object.keys(marketplaceLogFields(payload)).sort()).toEqual(
        expect.arrayContaining(['account', 'accountType', 'action', 'plan', 'planId']),
      );
      expect(JSON.stringify(marketplaceLogFields(payload))).not.toMatch(/email|price|sender/i);
    }
  });

  it('labels unknown actions as other', () => {
    expect(MARKETPLACE_ACTIONS.map(marketplaceActionLabel)).toEqual([...MARKETPLACE_ACTIONS]);
    expect(marketplaceActionLabel('something_new')).toBe('other');
  });
});
