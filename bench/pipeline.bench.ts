/**
 * Pipeline benchmark: parse + classify + rules + differential analysis (+ select) through
 * `reviewPullRequest`, with an in-memory source (head and base versions) and no agent, on generated
 * changes of 1k, 10k and 100k changed lines.
 * Each size runs in its own child process (so peak RSS is that size's alone): one warm-up, then
 * 5 timed runs; the median is reported. Prints a markdown table and writes bench/results/pipeline.md.
 *
 *   npm run bench                 all sizes (builds dist/ first)
 *   npm run bench -- 1000 10000   chosen sizes
 *   npm run bench -- --src        the TypeScript sources through tsx instead of dist/
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type * as ConfigSchema from '../src/config/schema.js';
import type * as Ports from '../src/review/ports.js';
import type { FileContent, PullRequestSource } from '../src/review/ports.js';
import type * as Review from '../src/review/review-pull-request.js';
import type * as Pool from '../src/workers/rule-worker-pool.js';
import { generateChange } from './pipeline/generate-change.js';

/**
 * The product as it runs in production: compiled JavaScript from `dist/` (`npm run bench` builds it first), so
 * the rule worker is plain JavaScript too and no TypeScript loader sits in its memory; `--src` measures the
 * TypeScript sources through tsx instead.
 */
async function product(fromSource: boolean) {
  const root = fromSource ? '../src/' : '../dist/';
  const load = <T>(path: string): Promise<T> => import(new URL(`${root}${path}`, import.meta.url).href) as Promise<T>;
  const [schema, ports, review, pool] = await Promise.all([
    load<typeof ConfigSchema>('config/schema.js'),
    load<typeof Ports>('review/ports.js'),
    load<typeof Review>('review/review-pull-request.js'),
    load<typeof Pool>('workers/rule-worker-pool.js'),
  ]);
  return { defaultConfig: schema.defaultConfig, silentLogger: ports.silentLogger, reviewPullRequest: review.reviewPullRequest, createRuleWorkerPool: pool.createRuleWorkerPool };
}

const RUNS = 5;
const MB = 1024 * 1024;
/** Targets from the project's brief: wall time per size, and peak RSS for all. */
const TIME_TARGET_MS: Record<number, number> = { 10_000: 1_000, 100_000: 10_000 };
const RSS_TARGET_MB = 300;

interface SizeResult {
  target: number;
  changedLines: number;
  files: number;
  diffMb: number;
  medianMs: number;
  runsMs: number[];
  findings: number;
  reviewedFiles: number;
  maxRssMb: number;
}

async function measure(target: number, fromSource: boolean): Promise<SizeResult> {
  const { defaultConfig, silentLogger, reviewPullRequest, createRuleWorkerPool } = await product(fromSource);
  const change = generateChange(target);
  const content = (text: string | undefined): Promise<FileContent | undefined> => Promise.resolve(text === undefined ? undefined : { text, size: Buffer.byteLength(text), binary: false });
  const source: PullRequestSource = {
    loadDiff: () => Promise.resolve({ kind: 'unified', text: change.diff }),
    readFile: (path) => content(change.files.get(path)),
    // As the CLI and the app review: base versions too, so differential analysis runs.
    readBaseFile: (path) => content(change.baseFiles.get(path)),
  };
  const config = defaultConfig();
  // As the CLI and the app run it: rules spread over the cores by the worker pool for large changes.
  const pool = createRuleWorkerPool();
  const review = () => reviewPullRequest({ source, config, target: { repository: 'bench', headSha: 'bench' }, log: silentLogger, ruleRunner: pool.run });

  const warm = await review();
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await settle();
    const t0 = process.hrtime.bigint();
    await review();
    runsMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return {
    target,
    changedLines: change.changedLines,
    files: change.fileCount,
    diffMb: Buffer.byteLength(change.diff) / MB,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    runsMs,
    findings: warm.inline.length + warm.summaryOnly.length,
    reviewedFiles: warm.files.filter((f) => f.selected).length,
    // Linux reports maxRSS in kilobytes.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * Frees the previous run's garbage before the next one. ast-grep's parse trees live in native memory
 * that is released only by napi finalizers, after a GC and a turn of the event loop; without this,
 * garbage of earlier runs piles up and peak RSS would measure the benchmark, not one review.
 */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function runChild(target: number, fromSource: boolean): SizeResult {
  const self = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', String(target), ...(fromSource ? ['--src'] : [])], { encoding: 'utf8', maxBuffer: 16 * MB });
  if (res.status !== 0) throw new Error(`benchmark child for ${target} lines failed (exit ${res.status}):\n${res.stderr}`);
  const line = res.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as SizeResult;
}

function table(results: SizeResult[], fromSource: boolean): string {
  const cpu = os.cpus();
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const rows = results.map((r) => {
    const timeTarget = TIME_TARGET_MS[r.target];
    const ok = (timeTarget === undefined || r.medianMs < timeTarget) && r.maxRssMb < RSS_TARGET_MB;
    const targetText = `${timeTarget !== undefined ? `< ${fmt(timeTarget / 1000)} s, ` : ''}< ${RSS_TARGET_MB} MB`;
    return `| ${fmt(r.changedLines)} | ${fmt(r.files)} (${fmt(r.reviewedFiles)} reviewed) | ${fmt(r.diffMb, 1)} MB | ${fmt(r.medianMs)} ms | ${fmt(r.changedLines / (r.medianMs / 1000))} | ${fmt(r.maxRssMb)} MB | ${fmt(r.findings)} | ${targetText} | ${ok ? 'met' : '**missed**'} |`;
  });
  return [
    '## Pipeline benchmark',
    '',
    `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}.`,
    `parse + classify + rules + differential analysis + select through \`reviewPullRequest\` (in-memory source with base versions, no agent); median of ${RUNS} runs after a warm-up; peak RSS of the child process running that size, garbage collected between runs, so it is the worst single review. ${fromSource ? 'TypeScript sources through tsx (its loader in every thread).' : 'The compiled product (`dist/`), as production runs it; the harness that generates the change runs under tsx in the same process.'} Rule worker pool as the CLI and the app create it (${os.availableParallelism() - 1} worker(s) beside the main thread).`,
    '',
    '| changed lines | files | diff size | median wall time | changed lines/s | peak RSS | findings | target | result |',
    '|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fromSource = args.includes('--src');
  if (args[0] === '--child') {
    process.stdout.write(`${JSON.stringify(await measure(Number(args[1]), fromSource))}\n`);
    return;
  }
  const given = args.filter((a) => a !== '--src').map(Number);
  const sizes = given.length > 0 ? given : [1_000, 10_000, 100_000];
  const results: SizeResult[] = [];
  for (const size of sizes) {
    process.stderr.write(`benchmarking ${size.toLocaleString('en-US')} changed lines…\n`);
    results.push(runChild(size, fromSource));
  }
  const md = table(results, fromSource);
  process.stdout.write(md);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}pipeline.md`, md);
  process.stderr.write(`wrote bench/results/pipeline.md\n`);
}

await main();
