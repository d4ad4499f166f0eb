import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { ENV_KEYS } from '../../src/config/env.js';
import { freePort } from '../helpers/free-port.js';

/** A process the harness started (`npm start`, `npm run worker` or `redis-server`), in its own process group. */
export interface ManagedProcess {
  name: string;
  pid: number;
  /** Longest line the process wrote (stdout or stderr), in bytes. */
  longestLine(): number;
  /** Lines longer than 16 KB so far. */
  linesOver16k(): number;
  /** Peak resident set size of the group's biggest process seen by `sampleRss()`, in bytes. */
  peakRss(): number;
  /** Reads the current RSS of every process of the group; call it periodically. */
  sampleRss(): void;
  /** The last `bytes` of output, for error messages. */
  tail(bytes?: number): string;
  exited(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves with npm's exit code once every process of the group is gone. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL to the group at once (a crash, an OOM kill). */
  kill9(): Promise<void>;
}

const LINE_LIMIT_TRACKED = 16 * 1024;

/** Process ids whose process group is `pgid` (Linux `/proc`). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Spawns `command args` in `cwd` as its own process group with exactly `env` (plus PATH and HOME),
 * streaming its output to `logFile` while tracking the longest line, and samples RSS on demand.
 *
 * @example
 * const app = spawnManaged('web', 'npm', ['start'], { cwd: root, env, logFile: '/tmp/web.log' });
 */
export function spawnManaged(name: string, command: string, args: string[], opts: { cwd: string; env: Record<string, string>; logFile: string }): ManagedProcess {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${command}`);
  const gid: number = pid;
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  let longest = 0;
  let over = 0;
  let tail = '';
  const partial: Record<'out' | 'err', number> = { out: 0, err: 0 };
  const track = (stream: 'out' | 'err') => (chunk: Buffer) => {
    log.write(chunk);
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      const len = partial[stream] + (i - start);
      longest = Math.max(longest, len);
      if (len > LINE_LIMIT_TRACKED) over++;
      partial[stream] = 0;
      start = i + 1;
    }
    partial[stream] += chunk.length - start;
    longest = Math.max(longest, partial[stream]);
    tail = (tail + chunk.toString('utf8')).slice(-8_192);
  };
  child.stdout.on('data', track('out'));
  child.stderr.on('data', track('err'));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  // The app (node behind npm) may still write after npm exits: the log ends when both pipes close.
  let open = 2;
  const closed = () => --open === 0 && log.end();
  child.stdout.on('close', closed);
  child.stderr.on('close', closed);
  /** Resolves when no process of the group is left, SIGKILLing the group at `deadline`. */
  async function groupGone(deadline: number): Promise<void> {
    for (;;) {
      if (groupPids(gid).length === 0) return;
      if (Date.now() > deadline) signal('SIGKILL');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let peak = 0;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };

  return {
    name,
    pid,
    longestLine: () => longest,
    linesOver16k: () => over,
    peakRss: () => peak,
    sampleRss() {
      if (exitCode !== undefined) return;
      for (const p of groupPids(pid)) peak = Math.max(peak, rssOf(p));
    },
    tail: (bytes = 4_000) => tail.slice(-bytes),
    exited: () => exitCode !== undefined,
    async stop(graceMs = 40_000) {
      // npm exits on SIGTERM at once; the app behind it drains: wait for the whole group, as a supervisor does.
      const deadline = Date.now() + graceMs;
      if (groupPids(pid).length > 0) signal('SIGTERM');
      const code = await exited;
      await groupGone(deadline);
      return code;
    },
    async kill9() {
      signal('SIGKILL');
      await exited;
      await groupGone(Date.now());
    },
  };
}

/** Polls `url` until it answers 2xx or `timeoutMs` passes (throws with the process's output then). */
export async function waitHealthy(proc: ManagedProcess, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited()) throw new Error(`${proc.name} exited before it was ready:\n${proc.tail()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) {
      await proc.kill9();
      throw new Error(`${proc.name} was not ready within ${timeoutMs} ms:\n${proc.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every variable arch-review reads, blank (so a `.env` in the app's checkout cannot leak in), then `env`. */
export function appEnv(env: Record<string, string>): Record<string, string> {
  return { ...Object.fromEntries(ENV_KEYS.map((k) => [k, ''])), ...env };
}

/**
 * Starts a throwaway `redis-server` on a free port (no persistence) and waits until it answers PING.
 *
 * @example
 * const redis = await startRedis('/tmp/redis.log'); // redis.url = 'redis://127.0.0.1:<port>'
 */
export async function startRedis(logFile: string): Promise<{ url: string; proc: ManagedProcess }> {
  const port = await freePort();
  const proc = spawnManaged('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { cwd: '/tmp', env: {}, logFile });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(1_000, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => {
        resolve(d.toString().startsWith('+PONG'));
        socket.destroy();
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
    });
    if (pong) return { url: `redis://127.0.0.1:${port}`, proc };
    if (proc.exited() || Date.now() > deadline) {
      await proc.kill9();
      throw new Error(`redis-server did not start (is it installed?):\n${proc.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
