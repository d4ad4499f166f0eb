/**
 * The package as npm would publish it. A copy of this repository (no `dist/`, so `prepack` must build) is
 * packed with `npm pack`; the tarball is installed with `npm install --omit=dev` into a new, empty project;
 * that project becomes a git repository with a base commit on `main` and a feature branch that adds an
 * HTTP call without a timeout; and the installed `npx arch-review` reports its version, reviews the branch
 * with the rules, and reviews it with the agent against a fake Anthropic API on 127.0.0.1, which proves the
 * persona file is found inside the installed package.
 *
 * Packing needs no network, so the tarball checks always run. Installing needs the npm registry (for the
 * production dependencies): when `npm ping` fails with a network error the install tests are skipped with
 * that error as the reason, and any other failure fails them.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, git, writeFiles } from '../cli/cli-helpers.js';
import { REPO_ROOT } from '../e2e/build-once.js';
import { messageReply, startFakeAnthropic } from '../e2e/fake-anthropic.js';
import type { FakeAnthropic } from '../e2e/fake-anthropic.js';
import { useHttpMocks } from '../helpers/http.js';

useHttpMocks();

const MINUTE = 60_000;
const PKG = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
/** Far above today's ~280 kB: a tarball this big has picked up tests, source maps or fixtures. */
const MAX_TARBALL_BYTES = 600_000;
/** What `files` may ship; anything else in the tarball is a mistake. */
const SHIPPED = /^(package\.json|README\.md|LICENSE(\.md|\.txt)?|app\.yml|agents\/[\w-]+\.md|schema\/[\w.-]+\.json|dist\/[\w./-]+\.js)$/;
/** npm's error codes for a registry it could not reach (as opposed to one that answered badly). */
const NETWORK_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ECONNABORTED', 'EPROXY']);
/** npm settings a parent `npm test` exports that must not leak into the nested npm (above all `local_prefix`, which would install into this repository); the network ones stay. */
const KEPT_NPM_ENV = /^npm_config_(registry|cafile|ca|proxy|https_proxy|noproxy|strict_ssl|userconfig|globalconfig|cache|fetch_\w+)$/i;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the fake Anthropic API answers from this process meanwhile). */
function run(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...childEnv(), ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 2 * MINUTE });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** This process's environment without an API key, arch-review settings or a parent npm's lifecycle settings. */
function childEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined && !/^(ANTHROPIC_|ARCH_REVIEW_|INIT_CWD$)/.test(e[0]) && (!/^npm_/i.test(e[0]) || KEPT_NPM_ENV.test(e[0])),
    ),
  );
}

const describeRun = (what: string, r: Run) => `${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** `undefined` when the registry answers `npm ping`, else why it could not be reached. Throws when it answered with an error. */
async function registryUnreachable(cwd: string): Promise<string | undefined> {
  const ping = await run('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=20000'], { cwd, timeoutMs: MINUTE });
  if (ping.code === 0) return undefined;
  const code = /npm error code (\w+)/.exec(ping.stderr)?.[1];
  if (code && NETWORK_ERRORS.has(code)) return `the npm registry cannot be reached (npm ping: ${code}), so the packed tarball cannot install its dependencies`;
  throw new Error(describeRun('npm ping (the registry answered, but with an error)', ping));
}

/** The package name of a bare import specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

let tmp: string;
/** The copy of this repository that was packed. */
let source: string;
let tarball: string;
let packed: { path: string; size: number; mode: number }[];
let packedSize: number;
/** The empty project the tarball was installed into (then made a git repository). */
let project: string;
let skipReason: string | undefined;
let anthropic: FakeAnthropic | undefined;

beforeAll(async () => {
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'arch-review-pack-')));
  // A copy without dist/, so the tarball is what `npm pack` gives in a fresh clone (prepack must build), and
  // this repository's dist/ (used by the end-to-end suites, perhaps right now) is never touched.
  source = path.join(tmp, 'source');
  const skip = new Set(['node_modules', 'dist', '.git', 'coverage', '.vitest-report.json'].map((n) => path.join(REPO_ROOT, n)));
  cpSync(REPO_ROOT, source, { recursive: true, filter: (from) => !skip.has(path.normalize(from)) && !from.endsWith('.tgz') && !from.includes(`${path.sep}bench${path.sep}results`) });
  symlinkSync(realpathSync(path.join(REPO_ROOT, 'node_modules')), path.join(source, 'node_modules'), 'junction');

  const pack = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: source, timeoutMs: 4 * MINUTE });
  if (pack.code !== 0) throw new Error(describeRun('npm pack', pack));
  // --json prints the report last; prepack's own output (npm run build) may come before it.
  const report = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as { filename: string; size: number; files: { path: string; size: number; mode: number }[] }[];
  tarball = path.join(tmp, report[0]!.filename);
  packed = report[0]!.files;
  packedSize = report[0]!.size;

  project = path.join(tmp, 'project');
  mkdirSync(project);
  skipReason = await registryUnreachable(project);
  if (skipReason) {
    console.warn(`pack-install: skipping the install tests: ${skipReason}`);
    return;
  }
  // A new project as `npm init` leaves it, so npm installs here and not into a folder further up.
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'pack-install-check', version: '1.0.0', private: true }, null, 2)}\n`);
  // Without a lockfile the install resolves ranges against the registry as it is now: a version just
  // published can be listed before it is served (npm answers ETARGET), so that answer is retried.
  let install = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: project, timeoutMs: 5 * MINUTE });
  for (let retry = 1; retry <= 2 && install.code !== 0 && /\bETARGET\b/.test(install.stderr); retry++) {
    await new Promise((resolve) => setTimeout(resolve, 10_000 * retry));
    install = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: project, timeoutMs: 5 * MINUTE });
  }
  if (install.code !== 0) throw new Error(describeRun(`npm install ${tarball}`, install));

  // The project becomes a repository: a base commit on main, then a feature branch touching HTTP clients.
  writeFiles(project, { '.gitignore': 'node_modules/\n', 'README.md': '# billing\n' });
  git(project, 'init', '-q');
  commitAll(project, 'base');
  git(project, 'checkout', '-q', '-b', 'feature');
  writeFiles(project, {
    'src/crm-client.ts': [
      'export async function fetchCustomer(id: string): Promise<unknown> {',
      '  const res = await fetch(`https://crm.example.com/customers/${id}`);',
      '  return res.json();',
      '}',
      '',
    ].join('\n'),
    'src/billing.py': ['import requests', '', '', 'def charge(customer_id):', '    requests.post("https://billing.example.com/charges", json={"customer": customer_id})', ''].join('\n'),
  });
  commitAll(project, 'call the CRM and billing APIs');
}, 10 * MINUTE);

afterAll(async () => {
  await anthropic?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the built CLI, the persona, app.yml and the README, and nothing else: no sources, tests or source maps', () => {
    const paths = packed.map((f) => f.path).sort();
    expect(paths.filter((p) => !SHIPPED.test(p)), 'files outside what `files` should ship').toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'app.yml', 'agents/backend-integration-architect.md', 'dist/cli/main.js', 'dist/main-server.js', 'dist/main-worker.js', 'dist/workers/rule-worker.js']));
    for (const dir of ['schema']) {
      const shipped = existsSync(path.join(source, dir)) ? paths.filter((p) => p.startsWith(`${dir}/`)) : [];
      if (existsSync(path.join(source, dir))) expect(shipped.length, `${dir}/ exists but is not in the tarball`).toBeGreaterThan(0);
    }
    expect(packedSize, `tarball of ${packedSize} bytes`).toBeLessThan(MAX_TARBALL_BYTES);
  });

  it('builds in prepack: dist/ is made from src/ with an executable bin that starts with a node shebang', () => {
    expect(statSync(path.join(source, 'dist')).isDirectory()).toBe(true);
    const bin = packed.find((f) => f.path === 'dist/cli/main.js')!;
    expect(bin.mode & 0o111, 'dist/cli/main.js is executable').not.toBe(0);
    expect(readFileSync(path.join(source, 'dist/cli/main.js'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('imports only Node built-ins, production dependencies and files that are in the tarball', () => {
    const shipped = new Set(packed.map((f) => f.path));
    const problems: string[] = [];
    for (const file of [...shipped].filter((p) => p.endsWith('.js'))) {
      const text = readFileSync(path.join(source, file), 'utf8');
      for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
        if (spec.startsWith('.')) {
          const target = path.posix.join(path.posix.dirname(file), spec);
          if (!shipped.has(target)) problems.push(`${file} imports ${spec}, which is not in the tarball`);
        } else if (!isBuiltin(spec) && !(packageOf(spec) in PKG.dependencies)) {
          problems.push(`${file} imports ${spec}, which is not a production dependency${packageOf(spec) in PKG.devDependencies ? ' (it is a dev dependency)' : ''}`);
        }
      }
      // Files read at run time next to the code: `new URL('../../package.json', import.meta.url)`. A `.ts`
      // target is the branch for running from src/ with tsx (rule-worker-pool), never taken in dist/.
      for (const m of text.matchAll(/new URL\(\s*'([^'$`]+)'\s*,\s*import\.meta\.url\s*\)/g)) {
        if (m[1]!.endsWith('.ts')) continue;
        const target = path.posix.join(path.posix.dirname(file), m[1]!);
        if (!shipped.has(target)) problems.push(`${file} reads ${m[1]}, which is not in the tarball`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the tarball installed into an empty project (npm install --omit=dev)', () => {
  it('installs no dev dependency and links the arch-review bin', ({ skip }) => {
    if (skipReason) skip(skipReason);
    for (const dev of ['vitest', 'tsx', 'typescript', 'nock', 'eslint']) {
      expect(existsSync(path.join(project, 'node_modules', dev)), `${dev} is installed`).toBe(false);
    }
    expect(realpathSync(path.join(project, 'node_modules/.bin/arch-review'))).toBe(path.join(project, 'node_modules/arch-review/dist/cli/main.js'));
  });

  it('`npx arch-review --version` prints the package version', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const r = await run('npx', ['--no', '--', 'arch-review', '--version'], { cwd: project });
    expect(r.code, describeRun('npx arch-review --version', r)).toBe(0);
    expect(r.stdout.trim()).toBe(PKG.version);
  }, 2 * MINUTE);

  it('`npx arch-review review` finds the HTTP calls without a timeout on the feature branch (TypeScript and Python rules)', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const r = await run('npx', ['--no', '--', 'arch-review', 'review', '--format', 'json', '--no-agent'], { cwd: project });
    expect(r.code, describeRun('npx arch-review review', r)).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: { path: string; line: number; ruleId?: string; source: string }[]; summary: { filesReviewed: number } };
    expect(report.findings.map((f) => `${f.ruleId} ${f.path}:${f.line}`).sort()).toEqual([
      'http-call-without-timeout src/billing.py:5',
      'http-call-without-timeout src/crm-client.ts:2',
      // Both fixtures also drop or read the response without a status check: a charge that failed would pass as done.
      'response-status-unchecked src/billing.py:5',
      'response-status-unchecked src/crm-client.ts:3',
    ]);
    expect(report.summary.filesReviewed).toBe(2);
  }, 2 * MINUTE);

  it('runs the agent with the persona shipped in the package (against a fake Anthropic API)', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const apiKey = 'sk-ant-test-pack-install';
    anthropic = await startFakeAnthropic({ apiKey, respond: () => messageReply({ findings: [], questions: [], assessment: 'Reviewed from the installed package.' }) });
    const r = await run('npx', ['--no', '--', 'arch-review', 'review', '--format', 'json'], { cwd: project, env: { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl } });
    expect(r.code, describeRun('npx arch-review review (agent)', r)).toBe(0);
    const report = JSON.parse(r.stdout) as { assessment?: string; notes: string[] };
    expect(report.assessment).toBe('Reviewed from the installed package.');

    // The system prompt carries the persona's text, read from node_modules/arch-review/agents/.
    const persona = readFileSync(path.join(project, 'node_modules/arch-review/agents/backend-integration-architect.md'), 'utf8');
    const firstLine = persona.split(/^---$/m)[2]!.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'))!;
    expect(anthropic.requests.length).toBeGreaterThan(0);
    const system = (anthropic.requests[0]!.body.system ?? []).map((b) => b.text).join('\n');
    expect(system).toContain(firstLine.trim());
  }, 2 * MINUTE);
});
