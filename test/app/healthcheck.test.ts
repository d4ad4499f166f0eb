import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { healthcheckUrl, probeHealth } from '../../src/app/healthcheck.js';

const ENTRY = fileURLToPath(new URL('../../src/main-healthcheck.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A server whose `/healthz` answers `status`; everything else 404. Returns its port. */
async function healthz(status: number): Promise<number> {
  const server = createServer((req, res) => void res.writeHead(req.url === '/healthz' ? status : 404).end(req.url === '/healthz' ? '{"status":"x"}' : ''));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => new Promise((r) => server.close(() => r()));
  return (server.address() as AddressInfo).port;
}

/** Runs `src/main-healthcheck.ts` (what the image's HEALTHCHECK runs, compiled) with exactly `env`, in an empty folder. */
function runHealthcheck(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, ENTRY], { cwd: mkdtempSync(join(tmpdir(), 'healthcheck-')), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('healthcheckUrl', () => {
  it('probes /healthz on PORT (default 3000) over loopback when HOST is every interface or unset', () => {
    expect(healthcheckUrl({})).toBe('http://127.0.0.1:3000/healthz');
    expect(healthcheckUrl({ PORT: '8080', HOST: '0.0.0.0' })).toBe('http://127.0.0.1:8080/healthz');
    expect(healthcheckUrl({ PORT: '8080', HOST: '::' })).toBe('http://127.0.0.1:8080/healthz');
    expect(healthcheckUrl({ PORT: ' ', HOST: '' })).toBe('http://127.0.0.1:3000/healthz');
  });

  it('probes the one interface HOST names', () => {
    expect(healthcheckUrl({ PORT: '80', HOST: '10.0.0.5' })).toBe('http://10.0.0.5:80/healthz');
    expect(healthcheckUrl({ PORT: '80', HOST: 'fd00::5' })).toBe('http://[fd00::5]:80/healthz');
  });

  it('probes a worker-only process on WORKER_PORT, else METRICS_PORT, and says when it has neither', () => {
    expect(healthcheckUrl({ REVIEW_ROLE: 'worker', PORT: '3000', WORKER_PORT: '3001', METRICS_PORT: '9464' })).toBe('http://127.0.0.1:3001/healthz');
    expect(healthcheckUrl({ REVIEW_ROLE: 'worker', METRICS_PORT: '9464' })).toBe('http://127.0.0.1:9464/healthz');
    expect(() => healthcheckUrl({ REVIEW_ROLE: 'worker', PORT: '3000' })).toThrow(/WORKER_PORT/);
  });
});

describe('probeHealth', () => {
  it('is 0 on 200, 1 on 503 or when nothing listens, with the reason reported', async () => {
    const lines: string[] = [];
    const report = (l: string) => lines.push(l);
    expect(await probeHealth(`http://127.0.0.1:${await healthz(200)}/healthz`, 2_000, report)).toBe(0);
    await close?.();
    const port = await healthz(503);
    expect(await probeHealth(`http://127.0.0.1:${port}/healthz`, 2_000, report)).toBe(1);
    await close?.();
    close = undefined;
    // The port is free again: nothing answers.
    expect(await probeHealth(`http://127.0.0.1:${port}/healthz`, 2_000, report)).toBe(1);
    expect(lines).toEqual([expect.stringContaining('answered 503'), expect.stringContaining('failed')]);
  });
});

describe('the HEALTHCHECK entry point (src/main-healthcheck.ts)', () => {
  it('exits 0 when /healthz on $PORT answers 200 and 1 when it answers 503 or nothing listens', async () => {
    const healthy = await healthz(200);
    expect((await runHealthcheck({ HOST: '0.0.0.0', PORT: String(healthy) })).code).toBe(0);
    await close?.();
    const unhealthy = await healthz(503);
    const sick = await runHealthcheck({ HOST: '0.0.0.0', PORT: String(unhealthy) });
    expect(sick.code).toBe(1);
    expect(sick.stderr).toContain(`GET http://127.0.0.1:${unhealthy}/healthz answered 503`);
    await close?.();
    close = undefined;
    expect((await runHealthcheck({ HOST: '0.0.0.0', PORT: String(unhealthy) })).code).toBe(1);
  }, 30_000);
});
