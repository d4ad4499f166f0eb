/**
 * Fault suite, full size: the real app processes against the fault-injecting fake GitHub Enterprise
 * and fake Anthropic on 127.0.0.1 (test/faults), counting lost, duplicated and stuck reviews.
 *
 *   npm run bench:faults                                   100 PRs, 10 installations, 400 deliveries in 60 s, both queues
 *   npm run bench:faults -- --queue bullmq --prs 30 --deliveries 120 --seconds 20
 *   npm run bench:faults -- --app-root /work/wt-before --label before   another checkout's built dist
 *   npm run bench:faults -- --fault-rate 0                 the fake alone: everything must be reviewed
 *
 * Options: --app-root <dir> (default: this checkout, built first), --queue inprocess|bullmq|both,
 * --prs, --installations, --deliveries, --seconds, --seed, --fault-rate (GitHub, 0..1),
 * --anthropic-fault-rate (default: --fault-rate), --no-disrupt (no SIGTERM restart / kill -9),
 * --quiet <s> (default 10), --max-drain <s> (default 600), --env KEY=VALUE (repeatable, for the app),
 * --label <name> (in the JSON file name), --out <dir> (default bench/faults).
 *
 * Writes bench/faults/results-<label>-<queue>-<time>.json per queue and prints a table.
 * Bounded: the burst is planned up front and every wait has a deadline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, buildOnce } from '../../test/e2e/build-once.js';
import { runFaultScenario } from '../../test/faults/run-fault-scenario.js';
import type { FaultScenarioResult, QueueKind } from '../../test/faults/run-fault-scenario.js';

const { values: args } = parseArgs({
  options: {
    'app-root': { type: 'string' },
    queue: { type: 'string', default: 'both' },
    prs: { type: 'string', default: '100' },
    installations: { type: 'string', default: '10' },
    deliveries: { type: 'string', default: '400' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: '7' },
    'fault-rate': { type: 'string', default: '0.2' },
    'anthropic-fault-rate': { type: 'string' },
    'no-disrupt': { type: 'boolean', default: false },
    quiet: { type: 'string', default: '10' },
    'max-drain': { type: 'string', default: '600' },
    env: { type: 'string', multiple: true, default: [] },
    label: { type: 'string' },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'faults') },
  },
});

const appRoot = resolve(args['app-root'] ?? REPO_ROOT);
const queues: QueueKind[] = args.queue === 'both' ? ['inprocess', 'bullmq'] : [args.queue as QueueKind];
if (!queues.every((q) => q === 'inprocess' || q === 'bullmq')) throw new Error(`--queue must be inprocess, bullmq or both, not ${args.queue}`);
const label = args.label ?? (appRoot === resolve(REPO_ROOT) ? 'current' : basename(appRoot));
const extraEnv = Object.fromEntries(
  args.env.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--env takes KEY=VALUE, not ${kv}`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  }),
);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logRoot = join(os.tmpdir(), `arch-review-faults-${stamp}`);

console.log(`fault suite: app from ${appRoot} (${await buildOnce(appRoot)})`);
const results: FaultScenarioResult[] = [];
for (const queue of queues) {
  const r = await runFaultScenario({
    queue,
    appRoot,
    prs: Number(args.prs),
    installations: Number(args.installations),
    deliveries: Number(args.deliveries),
    seconds: Number(args.seconds),
    seed: Number(args.seed),
    faultRate: Number(args['fault-rate']),
    ...(args['anthropic-fault-rate'] !== undefined ? { anthropicFaultRate: Number(args['anthropic-fault-rate']) } : {}),
    disrupt: !args['no-disrupt'],
    quietMs: Number(args.quiet) * 1000,
    maxDrainMs: Number(args['max-drain']) * 1000,
    logDir: logRoot,
    extraEnv,
    progress: (line) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`),
  });
  results.push(r);
  mkdirSync(args.out, { recursive: true });
  const file = join(args.out, `results-${label}-${queue}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ label, appRoot, ...r }, null, 2)}\n`);
  console.log(`  wrote ${file}`);
}

const s = (ms: number | null, timedOut: boolean) => (ms === null ? `> ${args['max-drain']} s${timedOut ? ' (not quiet)' : ''}` : `${(ms / 1000).toFixed(0)} s`);
const statuses = (r: FaultScenarioResult) =>
  Object.entries(r.acks.statuses)
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
const rows: [string, (r: FaultScenarioResult) => string][] = [
  ['PRs whose final head got no review (lost)', (r) => `${r.lost} of ${r.shape.prs}`],
  ['  of which out-of-order pairs', (r) => `${r.outOfOrderLost} of ${r.plan.outOfOrderPairs}`],
  ['PRs with a duplicate review or repeated inline comment', (r) => `${r.duplicated} (${r.duplicateReviews} reviews, ${r.repeatedInlineComments} comments)`],
  ['check runs left in progress (stuck)', (r) => String(r.stuck)],
  ['extra check runs on one commit', (r) => String(r.extraCheckRuns)],
  ['final heads without a completed check run', (r) => String(r.finalHeadsWithoutCompletedCheck)],
  ['acks by status', statuses],
  ['ack latency p50 / p99 / max', (r) => `${r.acks.p50Ms} / ${r.acks.p99Ms} / ${r.acks.maxMs} ms`],
  ['deliveries refused while restarting (sent again)', (r) => String(r.acks.refused)],
  ['drain time (last delivery -> queue empty, GitHub quiet)', (r) => s(r.drainMs, r.drainTimedOut)],
  ['peak RSS (MiB)', (r) => Object.entries(r.peakRssMiB).map(([k, v]) => `${k} ${v}`).join(', ')],
  ['longest log line (bytes) / lines > 16 KB', (r) => `${r.longestLogLine} / ${r.logLinesOver16k}`],
  ['GitHub requests / faults injected / reviews posted', (r) => `${r.github.requests} / ${Object.values(r.github.faults).reduce((a, b) => a + (b ?? 0), 0)} / ${r.github.reviewsSubmitted}`],
  ['Anthropic calls / faulted', (r) => `${r.anthropic.requests} / ${r.anthropic.faulted}`],
];
const first = results[0]!.shape;
console.log(
  `\n${label}: ${first.prs} PRs, ${first.installations} installations, ${first.deliveries} deliveries in ${first.seconds} s, ` +
    `GitHub fault rate ${first.faultRate}, Anthropic ${first.anthropicFaultRate}, seed ${first.seed}${first.disrupt ? ', restart/kill mid-burst' : ''}\n`,
);
console.log(`| | ${results.map((r) => (r.queue === 'inprocess' ? 'in-process queue' : 'BullMQ')).join(' | ')} |`);
console.log(`|---|${results.map(() => '---').join('|')}|`);
for (const [name, cell] of rows) console.log(`| ${name} | ${results.map(cell).join(' | ')} |`);
console.log(`\nlogs: ${logRoot}`);
for (const r of results) if (r.lostPrs.length) console.log(`lost (${r.queue}): ${r.lostPrs.join(' ')}`);
for (const r of results) if (r.github.unrouted.length) console.log(`routes the fake GitHub does not serve (${r.queue}; answered 404): ${r.github.unrouted.join(', ')}`);
