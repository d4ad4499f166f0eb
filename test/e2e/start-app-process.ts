import { spawn } from 'node:child_process';
import { ENV_KEYS } from '../../src/config/env.js';
import { freePort } from '../helpers/free-port.js';
import { REPO_ROOT } from './build-once.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { E2E_METRICS_TOKEN } from './read-metric.js';
import type { ThrowawayCredentials } from './throwaway-credentials.js';

/** The real server, started with `npm start`. */
export interface AppProcess {
  pid: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** SIGTERM to the process group (npm and node), then SIGKILL if it has not exited in `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Spawns `npm start` in the repository with exactly `env` (plus PATH and HOME; every other variable
 * arch-review reads is set empty, so a developer's `.env` or shell cannot leak in) and waits until
 * `GET /healthz` answers 200.
 *
 * @example
 * const app = await startAppProcess({ APP_ID: '1', PRIVATE_KEY: pem, WEBHOOK_SECRET: 's', PORT: String(port), HOST: '127.0.0.1' });
 */
export async function startAppProcess(env: Record<string, string>, readyTimeoutMs = 30_000): Promise<AppProcess> {
  const port = Number(env.PORT);
  const blank = Object.fromEntries(ENV_KEYS.map((k) => [k, '']));
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...blank, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() reaches node behind npm
  });
  const chunks: string[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
  const output = () => chunks.join('');
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn npm start');
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode} before it was ready:\n${output()}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      process.kill(-pid, 'SIGKILL');
      throw new Error(`npm start was not ready within ${readyTimeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    pid,
    url,
    output,
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return exitCode;
      process.kill(-pid, 'SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A started app wired to a fake GitHub Enterprise, and where to send its webhooks. */
export interface AppAgainstFake {
  app: AppProcess;
  webhookUrl: string;
}

/**
 * Starts the real server (`npm start`) as a GitHub App against a fake GitHub Enterprise on this
 * machine (`GHE_HOST` + `GHE_PROTOCOL=http`), on a free port, with JSON logs and `/metrics` behind
 * `E2E_METRICS_TOKEN` (read it with `fetchMetrics`); `env` adds or overrides variables (e.g.
 * `ANTHROPIC_API_KEY`, `LOG_LEVEL`).
 *
 * @example
 * const { app, webhookUrl } = await startAppAgainst(github, { appId: 1, privateKey: pem, webhookSecret: 's' });
 */
export async function startAppAgainst(
  github: { host: string },
  opts: { appId: number; privateKey: string; webhookSecret: string; env?: Record<string, string> },
): Promise<AppAgainstFake> {
  const port = await freePort();
  const app = await startAppProcess({
    APP_ID: String(opts.appId),
    PRIVATE_KEY: opts.privateKey,
    WEBHOOK_SECRET: opts.webhookSecret,
    PORT: String(port),
    HOST: '127.0.0.1',
    GHE_HOST: github.host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    METRICS_TOKEN: E2E_METRICS_TOKEN,
    ...opts.env,
  });
  return { app, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks` };
}

/** A fake GitHub for one app installation plus the app process started against it, with throwaway credentials. */
export interface AppWithFakeGitHub extends AppAgainstFake {
  github: FakeGitHub;
  /** Stops the app, then the fake GitHub. */
  stop(): Promise<void>;
}

/**
 * Starts a fake GitHub that knows the app (`appId`, `appSlug`, its public key and installation token) and the
 * repository of `target`, then the app process (`npm start`) against it, signed with the same credentials.
 *
 * @example const { github, app, webhookUrl } = await startAppWithFakeGitHub({ target, appId: 1, appSlug: 'x', credentials: throwawayCredentials() })
 */
export async function startAppWithFakeGitHub(opts: {
  target: { owner: string; repo: string; installationId?: number };
  appId: number;
  appSlug: string;
  credentials: ThrowawayCredentials;
  env?: Record<string, string>;
}): Promise<AppWithFakeGitHub> {
  const { target, appId, appSlug, credentials } = opts;
  const github = await startFakeGitHub({
    owner: target.owner,
    repo: target.repo,
    ...(target.installationId !== undefined ? { installationId: target.installationId } : {}),
    appId,
    appSlug,
    installationToken: credentials.installationToken,
    publicKey: credentials.keys.publicKey,
  });
  const { app, webhookUrl } = await startAppAgainst(github, { appId, privateKey: credentials.keys.privateKey, webhookSecret: credentials.webhookSecret, ...(opts.env ? { env: opts.env } : {}) });
  return {
    github,
    app,
    webhookUrl,
    async stop() {
      await app.stop();
      await github.close();
    },
  };
}
