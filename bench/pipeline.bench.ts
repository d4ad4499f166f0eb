/**
 * Pipeline benchmark: parse + classify + rules + differential analysis (+ select) through
 * `reviewPullRequest`, with an in-memory source (head and base versions) and no agent, on generated
 * changes of 1k, 10k and 100k changed lines.
 * Each size runs in its own child process (so peak RSS is that size's alone; `pipeline/measure-child.mjs`):
 * one warm-up, then 5 timed runs; the median is reported. Prints a markdown table and writes bench/results/pipeline.md.
 *
 *   npm run bench                 all sizes (builds dist/ first)
 *   npm run bench -- 1000 10000   chosen sizes
 *   npm run bench -- --src        the TypeScript sources through tsx instead of dist/
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * Measures one size in a child process of its own (see measure-child.mjs): the change is generated here and
 * handed over as a file, so the child holds only the product and the change. The product is the compiled
 * `dist/` (`npm run bench` builds it first), as production runs it, so the rule worker is plain JavaScript too;
 * `--src` measures the TypeScript sources through tsx instead (its loader thread in the process's memory).
 */
function runChild(target: number, fromSource: boolean): SizeResult {
  const change = generateChange(target);
  const dir = mkdtempSync(join(os.tmpdir(), 'arch-review-bench-'));
  const changeFile = join(dir, 'change.json');
  try {
    writeFileSync(changeFile, JSON.stringify({ diff: change.diff, files: [...change.files], baseFiles: [...change.baseFiles], changedLines: change.changedLines, fileCount: change.fileCount }));
    const child = fileURLToPath(new URL('./pipeline/measure-child.mjs', import.meta.url));
    const root = fileURLToPath(new URL(fromSource ? '../src' : '../dist', import.meta.url));
    const res = spawnSync(process.execPath, ['--expose-gc', ...(fromSource ? ['--import', 'tsx'] : []), child, changeFile, root, String(RUNS)], { encoding: 'utf8', maxBuffer: 16 * MB });
    if (res.status !== 0) throw new Error(`benchmark child for ${target} lines failed (exit ${res.status}):\n${res.stderr}`);
    const line = res.stdout.trim().split('\n').pop() ?? '';
    return { target, ...(JSON.parse(line) as Omit<SizeResult, 'target'>) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
    `parse + classify + rules + differential analysis + select through \`reviewPullRequest\` (in-memory source with base versions, no agent); median of ${RUNS} runs after a warm-up; peak RSS of the child process running that size, over the warm-up and the runs (garbage collected between runs; what earlier runs leave fragmented counts too). ${fromSource ? 'TypeScript sources through tsx (its loader in every thread).' : 'The compiled product (`dist/`), as production runs it, in a plain-JavaScript child: the change is generated in the parent.'} Rule worker pool as the CLI and the app create it (${os.availableParallelism() - 1} worker(s) beside the main thread).`,
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
