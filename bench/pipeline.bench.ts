/**
 * Pipeline benchmark: parse + classify + rules + differential analysis (+ select) through
 * `reviewPullRequest`, with an in-memory source (head and base versions) and no agent, on generated
 * changes of 1k, 10k and 100k changed lines.
 * Each size runs in its own child process (so peak RSS is that size's alone): one warm-up, then
 * 5 timed runs; the median is reported. Prints a markdown table and writes bench/results/pipeline.md.
 *
 *   npm run bench                 all sizes
 *   npm run bench -- 1000 10000   chosen sizes
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config/schema.js';
import type { FileContent, PullRequestSource } from '../src/review/ports.js';
import { silentLogger } from '../src/review/ports.js';
import { reviewPullRequest } from '../src/review/review-pull-request.js';
import { createRuleWorkerPool } from '../src/workers/rule-worker-pool.js';
import { generateChange } from './pipeline/generate-change.js';

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

async function measure(target: number): Promise<SizeResult> {
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

function runChild(target: number): SizeResult {
  const self = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', String(target)], { encoding: 'utf8', maxBuffer: 16 * MB });
  if (res.status !== 0) throw new Error(`benchmark child for ${target} lines failed (exit ${res.status}):\n${res.stderr}`);
  const line = res.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as SizeResult;
}

function table(results: SizeResult[]): string {
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
    `parse + classify + rules + differential analysis + select through \`reviewPullRequest\` (in-memory source with base versions, no agent); median of ${RUNS} runs after a warm-up; peak RSS of the child process running that size, garbage collected between runs, so it is the worst single review (includes the tsx loader).`,
    '',
    '| changed lines | files | diff size | median wall time | changed lines/s | peak RSS | findings | target | result |',
    '|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(`${JSON.stringify(await measure(Number(args[1])))}\n`);
    return;
  }
  const sizes = args.length > 0 ? args.map(Number) : [1_000, 10_000, 100_000];
  const results: SizeResult[] = [];
  for (const size of sizes) {
    process.stderr.write(`benchmarking ${size.toLocaleString('en-US')} changed lines…\n`);
    results.push(runChild(size));
  }
  const md = table(results);
  process.stdout.write(md);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}pipeline.md`, md);
  process.stderr.write(`wrote bench/results/pipeline.md\n`);
}

await main();
