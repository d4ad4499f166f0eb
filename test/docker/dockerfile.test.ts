/**
 * No Docker engine runs in CI, so the image's promises are checked on the Dockerfile itself (parsed
 * with dockerfile-ast, the parser behind VS Code's Dockerfile support): Node 24 in every stage, HOST
 * and NODE_ENV, a HEALTHCHECK that runs the tested entry point, a non-root USER, and a .dockerignore
 * that keeps secrets out of the build context without dropping what the Dockerfile copies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import type { Instruction } from 'dockerfile-ast';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { healthcheckUrl } from '../../src/app/healthcheck.js';
import { REPO_ROOT } from '../e2e/build-once.js';

const dockerfile = DockerfileParser.parse(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const instructions = dockerfile.getInstructions();
const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
/** The instructions of the final (runtime) stage, after its FROM. */
const runtime = instructions.slice(lastFrom + 1);
const all = (keyword: string, within: Instruction[] = runtime) => within.filter((i) => i.getKeyword() === keyword);
const args = (i: Instruction) => i.getArgumentsContent() ?? '';

/** `ENV` values the runtime stage sets (last one wins, as in Docker). */
function runtimeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of all('ENV')) {
    for (const p of dockerfile.getENVs().find((e) => e.getRange().start.line === i.getRange().start.line)?.getProperties() ?? []) {
      env[p.getName()] = p.getValue() ?? '';
    }
  }
  return env;
}

/** An exec-form argument list (`["node", "x.js"]`), parsed as JSON; shell form is refused. */
function execForm(text: string): string[] {
  expect(text.trim(), `exec form expected: ${text}`).toMatch(/^\[.*\]$/s);
  return JSON.parse(text) as string[];
}

describe('Dockerfile', () => {
  it('bases every stage on Node 24 (the active LTS), from the official node image', () => {
    const froms = dockerfile.getFROMs();
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      expect(from.getImageName(), args(from)).toBe('node');
      expect(from.getImageTag(), args(from)).toMatch(/^24([.-]|$)/);
    }
  });

  it('runs in production mode and listens on every interface of the container', () => {
    const env = runtimeEnv();
    expect(env.NODE_ENV).toBe('production');
    expect(env.HOST).toBe('0.0.0.0');
    expect(all('EXPOSE').map(args)).toContain(env.PORT ?? '3000');
  });

  it('runs as a non-root user, set before the command', () => {
    const users = all('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = args(users[users.length - 1] as Instruction).split(':')[0];
    expect(user).not.toMatch(/^(root|0)$/);
    const at = (i: Instruction) => runtime.indexOf(i);
    expect(at(users[users.length - 1] as Instruction)).toBeLessThan(at(all('CMD')[0] as Instruction));
  });

  it('health-checks /healthz on $PORT with the tested entry point, within the interval', () => {
    const checks = all('HEALTHCHECK');
    expect(checks).toHaveLength(1);
    const check = dockerfile.getHEALTHCHECKs()[0];
    expect(check?.getSubcommand()?.getValue()).toBe('CMD');
    const command = execForm(args(checks[0] as Instruction).replace(/^(--\S+\s+)*CMD\s+/, ''));
    expect(command).toEqual(['node', 'dist/main-healthcheck.js']);
    // dist/main-healthcheck.js is compiled from this file (test/app/healthcheck.test.ts runs it).
    expect(existsSync(join(REPO_ROOT, 'src/main-healthcheck.ts'))).toBe(true);
    const flags = Object.fromEntries(check?.getFlags().map((f) => [f.getName(), f.getValue()]) ?? []);
    const seconds = (v: string | null | undefined) => Number(/^(\d+)s$/.exec(v ?? '')?.[1]);
    expect(seconds(flags.timeout)).toBeLessThan(seconds(flags.interval));
    // With the image's environment, the check probes the webhook port's /healthz over loopback.
    const env = runtimeEnv();
    expect(healthcheckUrl(env)).toBe(`http://127.0.0.1:${env.PORT ?? '3000'}/healthz`);
  });

  it('starts the server with node itself (so SIGTERM reaches it), from the compiled entry point', () => {
    const cmds = all('CMD');
    expect(cmds).toHaveLength(1);
    expect(execForm(args(cmds[0] as Instruction))).toEqual(['node', 'dist/main-server.js']);
    expect(existsSync(join(REPO_ROOT, 'src/main-server.ts'))).toBe(true);
    expect(all('ENTRYPOINT')).toEqual([]);
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const ignored = (path: string) => patterns.some((p) => picomatch.isMatch(path, p, { dot: true }) || picomatch.isMatch(path, `${p}/**`, { dot: true }));

  it('keeps secrets, local builds and dependencies out of the build context', () => {
    for (const path of ['.env', 'key.pem', 'app.2026-01-01.private-key.pem', '.git/config', 'node_modules/x/index.js', 'dist/main-server.js']) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it('keeps everything the Dockerfile copies from the context', () => {
    // COPY --from=<stage> copies from a stage, not from the context.
    const sources = dockerfile
      .getCOPYs()
      .filter((c) => c.getFromFlag() === null)
      .flatMap((c) => c.getArguments().map((a) => a.getValue()).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'agents', 'app.yml']));
    for (const source of sources) {
      expect(existsSync(join(REPO_ROOT, source)), `${source} is missing`).toBe(true);
      expect(ignored(source), `${source} is copied but .dockerignore drops it`).toBe(false);
    }
  });
});
