/**
 * App benchmark, against the real server process (`npm start`, built first) and the end-to-end fake
 * GitHub Enterprise on 127.0.0.1:
 *
 * 1. Webhook acknowledgement latency under load: signed `pull_request.opened` deliveries at a fixed
 *    rate (default 100/s for 30 s, open loop, each on a new connection as GitHub sends them). Every
 *    delivery carries a new head SHA, so the handler enqueues each one; the fake answers `pulls.get`
 *    with another head, so the worker drops the jobs as stale after one call and the load stays on
 *    the webhook path.
 * 2. Delivery -> review posted (the fake's answer to `createReview`), rules only, for the bundled demo
 *    PR and for a generated PR of 10,000 changed lines: median of 5 runs after one warm-up.
 *
 *   npm run bench:app                    defaults
 *   npm run bench:app -- --rate 50 --seconds 10 --runs 3
 *
 * Bounded: the load loop sends exactly rate x seconds deliveries and every wait has a deadline.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { generateChange } from '../pipeline/generate-change.js';
import { buildOnce } from '../../test/e2e/build-once.js';
import { deliverWebhook, signBody } from '../../test/e2e/deliver-webhook.js';
import { demoPullRequest } from '../../test/e2e/demo-pull-request.js';
import { startFakeGitHub } from '../../test/e2e/fake-github.js';
import type { FakeGitHub } from '../../test/e2e/fake-github.js';
import { fetchMetrics, readMetric } from '../../test/e2e/read-metric.js';
import { startAppAgainst } from '../../test/e2e/start-app-process.js';
import { throwawayCredentials } from '../../test/e2e/throwaway-credentials.js';
import { pullRequestOpenedPayload } from '../../test/e2e/webhook-payloads.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '30' },
    runs: { type: 'string', default: '5' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const RUNS = Number(args.runs);
const ACK_P99_TARGET_MS = 50;
const REVIEW_10K_TARGET_MS = 2_000;

const OWNER = 'acme';
const REPO = 'payments';
const INSTALLATION_ID = 4242;
const APP_ID = 31337;
const CREDENTIALS = throwawayCredentials();
const SECRET = CREDENTIALS.webhookSecret;
const DEMO_PR = 7;
const BIG_PR = 8;
/** PRs the load phase spreads over; the fake's head for them never matches, so their jobs end as stale. */
const LOAD_PRS = Array.from({ length: 20 }, (_, i) => 100 + i);

const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

async function waitForAsync<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Reviews the app has published so far (`reviews_total{outcome="published"}`). */
async function published(appUrl: string): Promise<number> {
  return readMetric(await fetchMetrics(appUrl), 'reviews_total', { outcome: 'published' });
}

interface AckResult {
  sent: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  achievedRate: number;
}

async function ackLoad(webhookUrl: string): Promise<AckResult> {
  const total = RATE * SECONDS;
  const interval = 1000 / RATE;
  // Payloads are serialized and signed before the clock starts, so the generator adds little CPU.
  const bodies = Array.from({ length: total }, (_, i) => {
    const target = { owner: OWNER, repo: REPO, number: LOAD_PRS[i % LOAD_PRS.length]!, installationId: INSTALLATION_ID };
    const body = JSON.stringify(pullRequestOpenedPayload(target, sha(`load-${i}`)));
    return { body, signature: signBody(body, SECRET) };
  });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const inflight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    // Open loop: each delivery leaves at its slot, whether or not earlier ones were answered.
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const { body, signature } = bodies[i]!;
    inflight.push(
      deliverWebhook(webhookUrl, { event: 'pull_request', id: `load-${i}`, payload: {}, body, signature, secret: SECRET }, 15_000).then(
        (a) => {
          statuses[a.status] = (statuses[a.status] ?? 0) + 1;
          latencies.push(a.ms);
        },
        (err: Error) => {
          const kind = err.message.includes('timed out') ? 'timeout' : 'error';
          statuses[kind] = (statuses[kind] ?? 0) + 1;
        },
      ),
    );
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = statuses['200'] ?? 0;
  return {
    sent: total,
    ok,
    failed: total - ok,
    statuses,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    achievedRate: total / sendSeconds,
  };
}

interface ReviewTiming {
  label: string;
  changedLines: number;
  files: number;
  inline: number;
  runsMs: number[];
  medianMs: number;
  ackMs: number;
}

async function timeReviews(github: FakeGitHub, appUrl: string, webhookUrl: string, label: string, pr: { number: number; headSha: string }, changedLines: number): Promise<ReviewTiming> {
  const { number, headSha } = pr;
  const runsMs: number[] = [];
  const acks: number[] = [];
  let inline = 0;
  for (let run = 0; run <= RUNS; run++) {
    // A clean slate: no earlier review of this SHA, so every run reviews and posts.
    github.reset();
    const before = await published(appUrl);
    const target = { owner: OWNER, repo: REPO, number, installationId: INSTALLATION_ID };
    const t0 = performance.now();
    const ack = await deliverWebhook(webhookUrl, { event: 'pull_request', id: `review-${number}-${run}`, payload: pullRequestOpenedPayload(target, headSha), secret: SECRET });
    if (ack.status !== 200) throw new Error(`delivery answered ${ack.status}: ${ack.body}`);
    const posted = await waitFor(`the review of #${number}`, 30_000, () =>
      github.requests.find((r) => r.method === 'POST' && r.route === `/repos/${OWNER}/${REPO}/pulls/${number}/reviews` && r.status === 200),
    );
    // The job ends after the check run's last annotation batch; the next run must not overlap it.
    await waitForAsync(`the end of the job for #${number}`, 60_000, async () => ((await published(appUrl)) > before ? true : undefined));
    if (run === 0) inline = github.submittedReviews(number)[0]?.comments.length ?? 0; // warm-up: JIT, token, bot login
    else {
      runsMs.push(posted.at - t0);
      acks.push(ack.ms);
    }
    // Octokit spaces writes 1 s apart (its throttling plugin); let that window pass between runs.
    await sleep(1_100);
  }
  return { label, changedLines, files: github.diffFiles(number).size, inline, runsMs, medianMs: median(runsMs), ackMs: median(acks) };
}

async function main(): Promise<void> {
  const built = await buildOnce();
  const { keys } = CREDENTIALS;
  const github = await startFakeGitHub({ owner: OWNER, repo: REPO, appId: APP_ID, appSlug: 'arch-review-bench', installationToken: CREDENTIALS.installationToken, publicKey: keys.publicKey });
  const demo = demoPullRequest(DEMO_PR, sha('demo'));
  github.addPullRequest(demo);
  const big = generateChange(10_000);
  const bigPr = { number: BIG_PR, headSha: sha('big'), baseSha: 'b'.repeat(40), title: 'Generated 10k-line change', diff: big.diff, headFiles: big.files };
  github.addPullRequest(bigPr);
  for (const n of LOAD_PRS) github.addPullRequest({ ...demo, number: n, headSha: sha(`current-head-${n}`) });
  const demoLines = [...github.diffFiles(DEMO_PR).values()].reduce((n, f) => n + f.additions + f.deletions, 0);

  const { app, webhookUrl } = await startAppAgainst(github, {
    appId: APP_ID,
    privateKey: keys.privateKey,
    webhookSecret: SECRET,
    env: { LOG_LEVEL: 'info', NODE_ENV: 'production' },
  });
  let ack: AckResult;
  let reviews: ReviewTiming[];
  try {
    reviews = [
      await timeReviews(github, app.url, webhookUrl, 'demo PR (examples/payments-pr)', demo, demoLines),
      await timeReviews(github, app.url, webhookUrl, 'generated PR, 10k changed lines', bigPr, big.changedLines),
    ];
    github.reset();
    ack = await ackLoad(webhookUrl);
  } catch (err) {
    console.error(`the app's last log lines:\n${app.output().split('\n').slice(-30).join('\n')}`);
    console.error(`the fake GitHub's last requests:\n${github.requests.slice(-30).map((r) => `${r.method} ${r.route} -> ${r.status}`).join('\n')}`);
    throw err;
  } finally {
    await app.stop();
    await github.close();
  }

  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown';
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const big10k = reviews[1]!;
  const lines = [
    `## App benchmark`,
    '',
    `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.release()}; load average ${load} (1/5/15 min) at the end. Server: \`npm start\` (dist ${built === 'built' ? 'rebuilt' : 'up to date'}), in-process queue, rules only, LOG_LEVEL=info JSON.`,
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| webhook ack, p50 / p90 / p99 / max (${RATE}/s for ${SECONDS} s, ${ack.sent} deliveries, achieved ${ack.achievedRate.toFixed(1)}/s) | ${fmt(ack.p50)} / ${fmt(ack.p90)} / ${fmt(ack.p99)} / ${fmt(ack.max)} ms | p99 < ${ACK_P99_TARGET_MS} ms: ${ack.p99 < ACK_P99_TARGET_MS ? 'met' : 'MISSED'} |`,
    `| deliveries answered 200 | ${ack.ok} of ${ack.sent}${ack.failed ? ` (others: ${JSON.stringify(Object.fromEntries(Object.entries(ack.statuses).filter(([k]) => k !== '200')))})` : ''} | all |`,
    ...reviews.map(
      (r) =>
        `| delivery -> review posted, ${r.label}: ${r.changedLines} changed lines, ${r.files} files, ${r.inline} inline comments (median of ${r.runsMs.length}: ${r.runsMs.map(fmt).join(', ')} ms) | ${fmt(r.medianMs)} ms (ack ${fmt(r.ackMs)} ms) | ${r === big10k ? `< ${REVIEW_10K_TARGET_MS} ms: ${r.medianMs < REVIEW_10K_TARGET_MS ? 'met' : 'MISSED'}` : '-'} |`,
    ),
    '',
    "Review times include Octokit's write throttling (Probot's default: writes at least 1 s apart), which puts the check run's creation and the review's creation at least 1 s apart.",
  ];
  console.log(lines.join('\n'));
}

await main();
