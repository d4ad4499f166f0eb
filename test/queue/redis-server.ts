import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { freePort } from '../helpers/free-port.js';

/** A throwaway redis-server on 127.0.0.1 for one test file. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** Why the BullMQ tests cannot run here, or undefined when they can. */
export function redisUnavailableReason(): string | undefined {
  if (spawnSync('redis-server', ['--version']).error) return 'redis-server is not installed (apt-get install redis-server)';
  try {
    // BullMQ loads its Redis driver with require(); check the same way.
    createRequire(import.meta.url).resolve('ioredis');
  } catch {
    return "the 'ioredis' package is not installed (BullMQ needs it to talk to Redis)";
  }
  return undefined;
}

async function waitForPort(port: number, child: ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.end(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error('redis-server did not start in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts redis-server on a free loopback port without persistence. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await waitForPort(port, child, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
