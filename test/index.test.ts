import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readEnv } from '../src/config/env.js';
import { startArchReview } from '../src/index.js';
import type { RunningArchReview } from '../src/index.js';
import type { ReviewJob } from '../src/queue/review-job.js';
import { reviewJobsOnly } from '../src/queue/review-job.js';
import { LogCapture, TEST_PRIVATE_KEY } from './app/probot-harness.js';
import { startFakeGitHub } from './app/fake-github.js';
import type { FakeGitHub } from './app/fake-github.js';
import { pullRequestPayload } from './app/webhook-payloads.js';
import { redisUnavailableReason, startRedis } from './queue/redis-server.js';
import { freePort } from './helpers/free-port.js';

const WEBHOOK_SECRET = 'whsec-FAKE-0123456789abcdef';
const ANTHROPIC_API_KEY = 'sk-ant-FAKE-api03-abcdefghijklmnop';
const INSTALLATION_TOKEN = 'ghs_FAKEinstallationTOKEN0123456789';
const METRICS_TOKEN = 'metrics-FAKE-token-0123456789abcdef';
const REPO = '/api/v3/repos/Codertocat/Hello-World';

function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function deliver(port: number, name: string, payload: object, opts: { id?: string; secret?: string } = {}) {
  const body = JSON.stringify(payload);
  return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': opts.id ?? 'delivery-1', 'x-hub-signature-256': sign(body, opts.secret) },
    body,
  });
}

let app: RunningArchReview | undefined;
let github: FakeGitHub | undefined;
afterEach(async () => {
  await app?.stop();
  await github?.close();
  app = undefined;
  github = undefined;
});

describe('startArchReview (the composition root)', () => {
  async function start(logs: LogCapture, processed: ReviewJob[], extraEnv: NodeJS.ProcessEnv = { METRICS_TOKEN }) {
    github = await startFakeGitHub({
      'POST /api/v3/app/installations/1/access_tokens': { status: 201, body: { token: INSTALLATION_TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: {} } },
      [`GET ${REPO}/pulls/2`]: { status: 200, body: { number: 2, head: { sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' } } },
    });
    const port = await freePort();
    const env = readEnv({
      APP_ID: '123',
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      WEBHOOK_SECRET,
      ANTHROPIC_API_KEY,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'json',
      GHE_HOST: github.host,
      GHE_PROTOCOL: 'http',
      ...extraEnv,
    });
    app = await startArchReview(env, {
      logDestination: logs,
      // Stands in for the review: uses the installation Octokit the way runReviewJob does, and logs.
      processJob: ({ probot, log }) => reviewJobsOnly(async (job) => {
        const octokit = await probot.auth(job.installationId);
        const { data } = await octokit.rest.pulls.get({ owner: job.owner, repo: job.repo, pull_number: job.number });
        log.info({ job, head: data.head.sha }, 'processed');
        processed.push(job);
      }),
    });
    return port;
  }

  it('serves signed webhooks, queues and runs the review through GHE_HOST only, and never logs a secret', async () => {
    const logs = new LogCapture();
    const processed: ReviewJob[] = [];
    const port = await start(logs, processed);

    const res = await deliver(port, 'pull_request', pullRequestPayload('opened'));
    expect(res.status).toBe(200);
    await expect.poll(() => processed.length).toBe(1);
    expect(processed[0]).toMatchObject({ owner: 'Codertocat', repo: 'Hello-World', number: 2, headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' });

    // Every GitHub call went to the fake, authenticated as the installation.
    const pull = github?.requests.find((r) => r.path === `${REPO}/pulls/2`);
    expect(pull?.headers.authorization).toBe(`token ${INSTALLATION_TOKEN}`);

    await app?.stop();
    app = undefined;
    const pemBody = TEST_PRIVATE_KEY.split('\n').slice(1, -2).join('');
    expect(logs.text).toContain('processed');
    for (const secret of [WEBHOOK_SECRET, ANTHROPIC_API_KEY, INSTALLATION_TOKEN, METRICS_TOKEN, pemBody.slice(0, 40), 'BEGIN RSA PRIVATE KEY']) {
      expect(logs.text, 'a secret reached the logs').not.toContain(secret);
    }
    // The logs do carry the context needed to follow one delivery.
    expect(logs.text).toMatch(/"deliveryId":"delivery-1".*"repository":"Codertocat\/Hello-World".*"pr":2/);
  });

  it('rejects a delivery signed with the wrong secret and queues nothing', async () => {
    const processed: ReviewJob[] = [];
    const port = await start(new LogCapture(), processed);
    const res = await deliver(port, 'pull_request', pullRequestPayload('opened'), { secret: 'not-the-secret' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(processed).toEqual([]);
  });

  it('answers /healthz with the queue depth and /metrics in Prometheus text', async () => {
    const processed: ReviewJob[] = [];
    const port = await start(new LogCapture(), processed);
    await deliver(port, 'pull_request', pullRequestPayload('opened'), { id: 'm-1' });
    await expect.poll(() => processed.length).toBe(1);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', queue: { waiting: 0, active: 0 }, redis: 'not used' });

    // METRICS_TOKEN is set: the webhook port serves /metrics only with it.
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer wrong-FAKE-token-0123456789' } })).status).toBe(401);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain('webhook_deliveries_total{event="pull_request",outcome="enqueued"} 1');
    expect(metrics).toContain('queue_depth{state="waiting"} 0');
    expect(metrics).toContain('# TYPE review_duration_seconds histogram');
  });

  it('with METRICS_PORT, serves /healthz and /metrics there and no /metrics on the webhook port', async () => {
    const metricsPort = await freePort();
    const port = await start(new LogCapture(), [], { METRICS_PORT: String(metricsPort) });
    expect(app?.metricsPort).toBe(metricsPort);
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE webhook_deliveries_total counter');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/github/webhooks`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await app?.stop();
    app = undefined;
    await expect(fetch(`http://127.0.0.1:${metricsPort}/healthz`)).rejects.toThrow();
  });

  it('without METRICS_PORT or METRICS_TOKEN, serves /metrics nowhere and warns at start', async () => {
    const logs = new LogCapture();
    const port = await start(logs, [], {});
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    expect(app?.metricsPort).toBeUndefined();
    expect(logs.text).toMatch(/"level":40[^\n]*\/metrics is not served: set METRICS_PORT/);
  });
});

describe('the reconciler in a worker process', () => {
  it('queues, on start, the open pull request whose head has no completed check run, and stops with the process', async () => {
    const head = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
    github = await startFakeGitHub({
      'GET /api/v3/app': { status: 200, body: { id: 123, slug: 'arch-review' } },
      'GET /api/v3/app/installations?per_page=100': { status: 200, body: [{ id: 1, account: { login: 'Codertocat' } }] },
      'POST /api/v3/app/installations/1/access_tokens': { status: 201, body: { token: INSTALLATION_TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: {} } },
      'GET /api/v3/installation/repositories?per_page=100': { status: 200, body: { total_count: 1, repositories: [{ name: 'Hello-World', owner: { login: 'Codertocat' } }] } },
      [`GET ${REPO}/pulls?state=open&sort=updated&direction=desc&per_page=50`]: { status: 200, body: [{ number: 2, head: { sha: head }, updated_at: new Date().toISOString() }] },
      [`GET ${REPO}/commits/${head}/check-runs?check_name=arch-review&filter=all&per_page=100`]: { status: 200, body: { total_count: 0, check_runs: [] } },
    });
    const processed: ReviewJob[] = [];
    const port = await freePort();
    app = await startArchReview(
      readEnv({ APP_ID: '123', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', GHE_HOST: github.host, GHE_PROTOCOL: 'http' }),
      { processJob: () => reviewJobsOnly(async (job) => void processed.push(job)) },
    );
    await expect.poll(() => processed.map((j) => [j.number, j.headSha, j.trigger])).toEqual([[2, head, 'reconcile']]);
    await app.stop();
    app = undefined;
    const seen = github.requests.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(github.requests.length).toBe(seen);
  });

  it('is off with RECONCILE_INTERVAL_MS=0: no installation is listed', async () => {
    github = await startFakeGitHub({});
    const port = await freePort();
    app = await startArchReview(
      readEnv({ APP_ID: '123', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', GHE_HOST: github.host, GHE_PROTOCOL: 'http', RECONCILE_INTERVAL_MS: '0' }),
      { processJob: () => reviewJobsOnly(async () => undefined) },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(github.requests).toEqual([]);
  });
});

describe.skipIf(redisUnavailableReason() !== undefined)('web and worker as separate processes', () => {
  it('hands a job from the webhook server to the worker through Redis', async () => {
    const redis = await startRedis();
    github = await startFakeGitHub({
      'POST /api/v3/app/installations/1/access_tokens': { status: 201, body: { token: INSTALLATION_TOKEN, permissions: {} } },
    });
    const [webPort, workerPort] = [await freePort(), await freePort()];
    const common: NodeJS.ProcessEnv = { APP_ID: '123', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET, HOST: '127.0.0.1', LOG_LEVEL: 'silent', GHE_HOST: github.host, GHE_PROTOCOL: 'http', REDIS_URL: redis.url };
    const processed: ReviewJob[] = [];
    const web = await startArchReview(readEnv({ ...common, PORT: String(webPort), REVIEW_ROLE: 'web' }), { processJob: () => async () => expect.unreachable('the web process must not run reviews') });
    const worker = await startArchReview(readEnv({ ...common, WORKER_PORT: String(workerPort), REVIEW_ROLE: 'worker' }), {
      processJob: () => reviewJobsOnly(async (job) => void processed.push(job)),
    });
    try {
      expect((await deliver(webPort, 'pull_request', pullRequestPayload('opened'), { id: 'split-1' })).status).toBe(200);
      await expect.poll(() => processed.map((j) => j.deliveryId), { timeout: 10_000 }).toEqual(['split-1']);
      const health = await fetch(`http://127.0.0.1:${workerPort}/healthz`);
      expect(await health.json()).toMatchObject({ status: 'ok', redis: 'reachable' });
    } finally {
      await web.stop();
      await worker.stop();
      await redis.stop();
    }
  });
});
