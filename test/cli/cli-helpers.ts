import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { CliIo } from '../../src/cli/run-cli.js';
import { runCli } from '../../src/cli/run-cli.js';
import { CATEGORIES, type Category, type Finding } from '../../src/review/finding.js';
import type { ReviewResult } from '../../src/review/ports.js';
import { finding as reviewFinding } from '../review/factories.js';

/** Runs the CLI in-process with captured stdout/stderr. */
export async function run(argv: string[], opts: { cwd?: string; stdin?: string; stdinIsTTY?: boolean; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]) as Readable & { isTTY?: boolean };
  if (opts.stdinIsTTY) stdin.isTTY = true;
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A temp folder removed after the test. */
export function tempDir(prefix = 'arch-review-cli-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (path → content) under `root`. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in a test repository (state-changing commands are fine here: it is a temp repo). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

/** `git add -A && git commit`. */
export function commitAll(cwd: string, message: string): string {
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', message);
  return git(cwd, 'rev-parse', 'HEAD');
}

/** The review core's finding factory, with a body that has the why/fix parts the formats lay out. */
export function finding(over: Partial<Finding> = {}): Finding {
  return reviewFinding({
    body: 'The call to the payments API has no timeout.\n\n**Why it matters:** A slow provider holds every worker. Threads pile up.\n\n**Fix:** Pass `AbortSignal.timeout(5000)` (e.g. on `fetch`). Retry with backoff.',
    fingerprint: `fp-${over.path ?? 'src/pay.ts'}-${over.line ?? 10}-${over.category ?? 'resilience'}`,
    ...over,
  });
}

/** A review result with defaults; counts are computed from the findings. */
export function reviewResult(over: Partial<ReviewResult> = {}): ReviewResult {
  const inline = over.inline ?? [];
  const summaryOnly = over.summaryOnly ?? [];
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of [...inline, ...summaryOnly.map((s) => s.finding)]) counts[f.category]++;
  return {
    target: { repository: 'acme/billing', headSha: 'abc123' },
    inline,
    summaryOnly,
    files: [],
    questions: [],
    notes: [],
    alreadyPosted: 0,
    counts,
    fingerprints: [...inline, ...summaryOnly.map((s) => s.finding)].map((f) => f.fingerprint),
    lineMaps: new Map(),
    ...over,
  };
}
