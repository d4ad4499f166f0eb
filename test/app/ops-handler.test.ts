import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpsHandler, type MetricsAccess } from '../../src/app/ops-handler.js';
import { createMetrics } from '../../src/metrics.js';
import type { JobQueue } from '../../src/queue/review-job.js';
import { RecordingQueue } from './probot-harness.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function serve(queue: JobQueue, usesRedis: boolean, metricsAccess: MetricsAccess = 'open'): Promise<string> {
  const metrics = createMetrics({ queueDepth: () => queue.depth(), processMetrics: false });
  metrics.reviewsTotal.inc({ outcome: 'published' });
  const handler = createOpsHandler({ queue, metrics, usesRedis, metricsAccess });
  const server = createServer((req, res) => void handler(req, res).then((done) => done || res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => new Promise((r) => server.close(() => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createOpsHandler', () => {
  it('reports healthy with the queue depth', async () => {
    const queue = new RecordingQueue();
    queue.jobs.push({} as never, {} as never);
    const base = await serve(queue, true);
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', queue: { waiting: 2, active: 0 }, redis: 'reachable' });
  });

  it('answers 503 when Redis is unreachable', async () => {
    const queue = new RecordingQueue();
    queue.healthy = async () => false;
    queue.depth = async () => {
      throw new Error('redis down');
    };
    const res = await fetch(`${await serve(queue, true)}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', queue: null, redis: 'unreachable' });
  });

  it('serves Prometheus metrics, reading the queue depth at scrape time', async () => {
    const queue = new RecordingQueue();
    const base = await serve(queue, false);
    queue.jobs.push({} as never);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('reviews_total{outcome="published"} 1');
    expect(text).toContain('queue_depth{state="waiting"} 1');
    for (const name of ['review_duration_seconds', 'findings_total', 'github_api_errors_total', 'webhook_deliveries_total', 'repository_snapshots_total', 'repository_snapshot_duration_seconds', 'base_model_cache_lookups_total']) expect(text).toContain(`# TYPE ${name}`);
  });

  it('leaves other paths and methods to the next handler', async () => {
    const base = await serve(new RecordingQueue(), false);
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
  });

  describe('behind a bearer token', () => {
    const TOKEN = 'metrics-FAKE-token-0123456789';

    it('answers 401 without a token, with a wrong one, or with another scheme, and never sends metrics', async () => {
      const base = await serve(new RecordingQueue(), false, { bearer: TOKEN });
      const wrong = [undefined, 'Bearer nope', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, TOKEN, 'Bearer '];
      for (const authorization of wrong) {
        const res = await fetch(`${base}/metrics`, authorization === undefined ? {} : { headers: { authorization } });
        expect(res.status, String(authorization)).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
        const body = await res.text();
        expect(body).not.toContain('reviews_total');
        expect(body).not.toContain(TOKEN);
      }
    });

    it('serves metrics with the right token (scheme case-insensitive)', async () => {
      const base = await serve(new RecordingQueue(), false, { bearer: TOKEN });
      for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
        const res = await fetch(`${base}/metrics`, { headers: { authorization } });
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('reviews_total{outcome="published"} 1');
      }
    });

    it('keeps /healthz open', async () => {
      const base = await serve(new RecordingQueue(), false, { bearer: TOKEN });
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    });
  });

  it("with metrics 'off', leaves /metrics to the next handler (404) and still answers /healthz", async () => {
    const base = await serve(new RecordingQueue(), false, 'off');
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer anything-at-all-123' } })).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
