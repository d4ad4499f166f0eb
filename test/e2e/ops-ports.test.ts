/**
 * End to end: where the real server (`npm start`) serves `/healthz` and `/metrics`. The webhook port
 * faces GitHub, so `/metrics` is there only behind METRICS_TOKEN; METRICS_PORT moves it to a second
 * listener. Also: the app runs on the same Node binary as the test runner (so the Node 24 run in CI
 * really runs the app on Node 24).
 */
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from './build-once.js';
import type { FakeGitHub } from './fake-github.js';
import { fetchMetrics } from './read-metric.js';
import { freePort } from '../helpers/free-port.js';
import { startAppWithFakeGitHub } from './start-app-process.js';
import type { AppProcess } from './start-app-process.js';
import { throwawayCredentials } from './throwaway-credentials.js';

const APP_ID = 31340;
const TARGET = { owner: 'acme', repo: 'payments', number: 7, installationId: 4244 };
const CREDENTIALS = throwawayCredentials();
const TOKEN = 'ops-e2e-FAKE-metrics-token-0123456789';

let github: FakeGitHub | undefined;
let app: AppProcess | undefined;
afterEach(async () => {
  await app?.stop();
  await github?.close();
  app = undefined;
  github = undefined;
});

async function start(env: Record<string, string>): Promise<AppProcess> {
  ({ github, app } = await startAppWithFakeGitHub({ target: TARGET, appId: APP_ID, appSlug: 'arch-review-ops', credentials: CREDENTIALS, env: { RECONCILE_INTERVAL_MS: '0', ...env } }));
  return app;
}

/** Every process below `pid` (npm, maybe a shell, then node), from /proc. */
function descendants(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  return children.flatMap((c) => [c, ...descendants(c)]);
}

describe('/healthz and /metrics of the app process (npm start)', () => {
  beforeAll(async () => {
    await buildOnce();
  }, 240_000);

  it('with METRICS_PORT: /metrics and /healthz answer there, the webhook port answers /healthz but 404 to /metrics', async () => {
    const metricsPort = await freePort();
    const proc = await start({ METRICS_PORT: String(metricsPort), METRICS_TOKEN: '' });
    const ops = `http://127.0.0.1:${metricsPort}`;
    const res = await fetch(`${ops}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE webhook_deliveries_total counter');
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    expect((await fetch(`${ops}/api/github/webhooks`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${proc.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
    expect(proc.output()).toContain(`health and metrics on port ${metricsPort}`);
  }, 60_000);

  it('with METRICS_TOKEN: the webhook port answers 401 to /metrics without the token or with a wrong one, 200 with it', async () => {
    const proc = await start({ METRICS_TOKEN: TOKEN });
    expect((await fetch(`${proc.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${proc.url}/metrics`, { headers: { authorization: 'Bearer wrong-FAKE-metrics-token-0123' } })).status).toBe(401);
    expect(await fetchMetrics(proc.url, TOKEN)).toContain('# TYPE reviews_total counter');
    expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
    expect(proc.output()).not.toContain(TOKEN);
  }, 60_000);

  it('with neither: /metrics is served nowhere and the log warns at start', async () => {
    const proc = await start({ METRICS_TOKEN: '' });
    expect((await fetch(`${proc.url}/metrics`)).status).toBe(404);
    const warning = proc
      .output()
      .split('\n')
      .find((l) => l.includes('/metrics is not served'));
    expect(warning, proc.output()).toBeDefined();
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40 });
  }, 60_000);

  it('runs the app on the Node binary running this suite (npm start resolves node from PATH)', async () => {
    const proc = await start({});
    const exes = descendants(proc.pid).map((pid) => {
      try {
        return realpathSync(`/proc/${pid}/exe`);
      } catch {
        return '';
      }
    });
    const self = realpathSync(process.execPath);
    // npm itself and the server both run on node: every node among them is this one.
    const nodes = exes.filter((e) => /\/node$/.test(e));
    expect(nodes.length, exes.join('\n')).toBeGreaterThan(0);
    expect(nodes.every((e) => e === self), `${exes.join('\n')}\nvs ${self}`).toBe(true);
  }, 60_000);
});
