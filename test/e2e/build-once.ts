import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/e2e/build-once.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** True when every `src/**\/*.ts` has a `dist/**\/*.js` written after it (a fresh clone has none). */
function distIsFresh(root: string): boolean {
  const src = join(root, 'src');
  return sources(src).every((file) => {
    const out = join(root, 'dist', relative(src, file)).replace(/\.ts$/, '.js');
    return existsSync(out) && statSync(out).mtimeMs >= statSync(file).mtimeMs;
  });
}

/**
 * Runs `npm run build` unless `dist/` is already newer than every source file, so the end-to-end
 * suite and the app benchmark run what `npm start` runs without paying for a second compile.
 * `E2E_BUILD=always` forces the build, once per test process (a suite calling this in several places must
 * not spend a test's time budget compiling again). Rejects with the compiler's output when it fails.
 */
export function buildOnce(root = REPO_ROOT): Promise<'built' | 'fresh'> {
  if (process.env.E2E_BUILD !== 'always' && distIsFresh(root)) return Promise.resolve('fresh');
  let pending = builds.get(root);
  if (!pending) {
    pending = build(root);
    builds.set(root, pending);
    // A failed build may be retried by the next caller.
    pending.catch(() => builds.delete(root));
  }
  return pending;
}

const builds = new Map<string, Promise<'built'>>();

async function build(root: string): Promise<'built'> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}):\n${output.join('')}`);
  return 'built';
}
