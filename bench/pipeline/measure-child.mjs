/**
 * One size of the pipeline benchmark, in a process of its own so its peak RSS is that review's alone:
 * `node --expose-gc bench/pipeline/measure-child.mjs <change.json> <product root> <timed runs> [workload.json]`. Plain JavaScript, so with
 * `dist/` as the product root nothing but the product and Node is in this process's memory (a TypeScript
 * loader would add its own thread); `pipeline.bench.ts` generates the change and starts this with `--import
 * tsx` only for `--src`. Prints one JSON line: the SizeResult fields `pipeline.bench.ts` reads.
 *
 * Without a workload the review runs as the product's default configuration does. A workload file (such as
 * `workload-274835a.json`) names the rules to run and whether the integration map is drawn, so an older commit's
 * work can be measured on today's product, and today's product against an older commit's `dist/` (a product
 * root without the map or with fewer rules ignores what it does not have).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const MB = 1024 * 1024;
const [changePath, root, runs, workloadPath] = process.argv.slice(2);
const RUNS = Number(runs);
const load = (path) => import(pathToFileURL(`${root}/${path}`).href);
const [{ defaultConfig }, { silentLogger }, { reviewPullRequest }, { createRuleWorkerPool, ruleWorkersFromEnv }, { ALL_RULES }] = await Promise.all([
  load('config/schema.js'),
  load('review/ports.js'),
  load('review/review-pull-request.js'),
  load('workers/rule-worker-pool.js'),
  load('rules/registry.js'),
]);
const workload = workloadPath ? JSON.parse(readFileSync(workloadPath, 'utf8')) : undefined;

const change = JSON.parse(readFileSync(changePath, 'utf8'));
const files = new Map(change.files);
const baseFiles = new Map(change.baseFiles);
const content = (text) => Promise.resolve(text === undefined ? undefined : { text, size: Buffer.byteLength(text), binary: false });
const source = {
  loadDiff: () => Promise.resolve({ kind: 'unified', text: change.diff }),
  readFile: (path) => content(files.get(path)),
  // As the CLI and the app review: base versions too, so differential analysis runs.
  readBaseFile: (path) => content(baseFiles.get(path)),
};
const config = defaultConfig();
if (workload?.integrationMap === false && config.integration_map) config.integration_map.enabled = false;
const rules = workload ? ALL_RULES.filter((r) => workload.rules.includes(r.id)) : undefined;
if (rules && rules.length !== workload.rules.length) throw new Error(`the workload names rules this product root lacks: ${workload.rules.filter((id) => !rules.some((r) => r.id === id)).join(', ')}`);
// As the CLI and the app run it: rules spread over the cores by the worker pool for large changes.
// `RULE_WORKERS` as the CLI and the app read it (a product root from before it existed: the default pool).
const workers = ruleWorkersFromEnv?.(process.env);
const pool = createRuleWorkerPool(workers !== undefined ? { size: workers } : {});
const review = () => reviewPullRequest({ source, config, target: { repository: 'bench', headSha: 'bench' }, log: silentLogger, ruleRunner: pool.run, ...(rules ? { rules } : {}) });

/**
 * Frees the previous run's garbage before the next one. ast-grep's parse trees live in native memory that is
 * released only by napi finalizers, after a GC and a turn of the event loop; without this, garbage of earlier
 * runs piles up and peak RSS would measure the benchmark, not one review.
 */
async function settle() {
  for (let i = 0; i < 2; i++) {
    globalThis.gc?.();
    await sleep(20);
  }
}

// Only the counts of the warm-up's result are kept: holding the whole result through the timed runs would add
// a review's findings and files to every later peak.
const { findings, reviewedFiles } = await review().then((warm) => ({
  findings: warm.inline.length + warm.summaryOnly.length,
  reviewedFiles: warm.files.filter((f) => f.selected).length,
}));
const runsMs = [];
for (let i = 0; i < RUNS; i++) {
  await settle();
  const t0 = process.hrtime.bigint();
  await review();
  runsMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
await pool.close();
const sorted = [...runsMs].sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({
  changedLines: change.changedLines,
  files: change.fileCount,
  diffMb: Buffer.byteLength(change.diff) / MB,
  medianMs: sorted[Math.floor(sorted.length / 2)],
  runsMs,
  findings,
  reviewedFiles,
  // Linux reports maxRSS in kilobytes.
  maxRssMb: process.resourceUsage().maxRSS / 1024,
})}\n`);
