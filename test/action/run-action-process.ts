import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/build-once.js';

/** What one run of the Action's process left behind. */
export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `GITHUB_OUTPUT` as the runner would read it: name → value (both `name=value` and heredoc forms). */
  outputs: Record<string, string>;
  /** `GITHUB_STEP_SUMMARY`'s markdown. */
  summary: string;
}

export interface ActionRunOptions {
  /** `http://127.0.0.1:<port>/api/v3`. */
  apiUrl: string;
  repository: string;
  /** The `pull_request` event payload the runner writes to `GITHUB_EVENT_PATH`. */
  event: object;
  /** `INPUT_*` variables, named as the runner names them (`INPUT_GITHUB-TOKEN`). */
  inputs: Record<string, string>;
  /** Files of the checkout (`GITHUB_WORKSPACE`), by relative path. */
  workspaceFiles?: Record<string, string>;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called with the child process once it started (to signal it, as a cancelled workflow run does). */
  onSpawn?: (child: ChildProcess) => void;
}

/** A job's folder as the runner lays it out: the event payload, the output and summary files, the workspace. */
export interface RunnerJob {
  /** The standard variables only (not this process's environment, so no key leaks in). */
  env: Record<string, string>;
  dir: string;
  workspace: string;
  outputPath: string;
  summaryPath: string;
}

/**
 * Lays out a job as the Actions runner does, in a fresh temporary folder, and the environment a step gets.
 *
 * @example const job = prepareRunnerJob({ apiUrl, repository: 'acme/api', event, inputs: {} });
 */
export function prepareRunnerJob(opts: Omit<ActionRunOptions, 'timeoutMs' | 'onSpawn'>): RunnerJob {
  const dir = mkdtempSync(join(tmpdir(), 'arch-review-action-'));
  const eventPath = join(dir, 'event.json');
  const outputPath = join(dir, 'output.txt');
  const summaryPath = join(dir, 'summary.md');
  const workspace = mkdtempSync(join(dir, 'workspace-'));
  writeFileSync(eventPath, JSON.stringify(opts.event));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  for (const [path, text] of Object.entries(opts.workspaceFiles ?? {})) {
    const file = join(workspace, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: opts.repository,
    GITHUB_API_URL: opts.apiUrl,
    GITHUB_SERVER_URL: opts.apiUrl.replace(/\/api\/v3$/, ''),
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'review',
    RUNNER_TEMP: dir,
    ...opts.inputs,
    ...opts.env,
  };
  return { env, dir, workspace, outputPath, summaryPath };
}

/** Runs `command` to its exit, collecting stdout and stderr; rejects after `timeoutMs`. */
export async function runToExit(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, stdout, stderr };
}

/**
 * Runs the built Action (`node <action_path>/dist/action/main.js`, what action.yml runs) as the Actions
 * runner would: from the workspace, with the job's files and only the standard variables.
 */
export async function runActionProcess(opts: ActionRunOptions): Promise<ActionRun> {
  const job = prepareRunnerJob(opts);
  const run = await runToExit(process.execPath, [join(REPO_ROOT, 'dist', 'action', 'main.js')], {
    cwd: job.workspace,
    env: job.env,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
  });
  return { ...run, outputs: parseOutputs(readFileSync(job.outputPath, 'utf8')), summary: readFileSync(job.summaryPath, 'utf8') };
}

/**
 * The runner's reading of a `GITHUB_OUTPUT` file: `name=value` lines and `name<<DELIM` … `DELIM` blocks.
 *
 * @example parseOutputs('total=3\nhigh<<EOF\n1\nEOF\n') // { total: '3', high: '1' }
 */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}
