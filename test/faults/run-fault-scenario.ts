import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMarker } from '../../src/review/marker.js';
import { deliverWebhook } from '../e2e/deliver-webhook.js';
import { E2E_METRICS_TOKEN, fetchMetrics, readMetric } from '../e2e/read-metric.js';
import { throwawayCredentials } from '../e2e/throwaway-credentials.js';
import { pullRequestCommentPayload, pullRequestOpenedPayload } from '../e2e/webhook-payloads.js';
import { freePort } from '../helpers/free-port.js';
import { appEnv, spawnManaged, startRedis, waitHealthy } from './app-processes.js';
import type { ManagedProcess } from './app-processes.js';
import { startFaultAnthropic } from './fault-anthropic.js';
import { FAULT_KINDS, startFaultGitHub } from './fault-github.js';
import type { FaultGitHub, FaultKind } from './fault-github.js';
import { headContent, installationOf, planScenario } from './scenario-plan.js';
import type { PlannedEvent, PlannedPull, ScenarioShape } from './scenario-plan.js';

export type QueueKind = 'inprocess' | 'bullmq';

export interface FaultScenarioOptions extends ScenarioShape {
  queue: QueueKind;
  /** The checkout whose built `dist/` runs (`npm start` / `npm run worker` there). */
  appRoot: string;
  /** Share of GitHub requests that get a fault (0..1). */
  faultRate: number;
  /** Share of Anthropic calls answered 529/500; default `faultRate`. */
  anthropicFaultRate?: number;
  /** SIGTERM-restart the in-process app / kill -9 the BullMQ worker halfway through the burst. Default true. */
  disrupt?: boolean;
  /** Quiet means: queue empty and no GitHub write for this long. Default 10 s. */
  quietMs?: number;
  /** Give up waiting for quiet after this long past the last delivery. Default 600 s. */
  maxDrainMs?: number;
  /** Where each process's output goes (one file per process). */
  logDir: string;
  /** Extra environment for the app processes (e.g. a reconciler interval). */
  extraEnv?: Record<string, string>;
  /** Progress lines. */
  progress?: (line: string) => void;
}

export interface FaultScenarioResult {
  queue: QueueKind;
  shape: ScenarioShape & { faultRate: number; anthropicFaultRate: number; disrupt: boolean };
  plan: { opened: number; synchronize: number; outOfOrderPairs: number; commands: number; redeliveries: number };
  /** PRs whose final head has no submitted review (or fallback comment) with the bot's marker for that SHA. */
  lost: number;
  /** PRs with two marked submitted reviews of one SHA, or one inline comment (path, line, side, body) posted twice. */
  duplicated: number;
  duplicateReviews: number;
  repeatedInlineComments: number;
  /** Check runs whose last status is not `completed`. */
  stuck: number;
  /** The check runs left in progress (`owner/repo@sha run id`), for reading a failed run. */
  stuckRuns: string[];
  /** `arch-review` check runs beyond the first on one commit. */
  extraCheckRuns: number;
  /** PRs whose final head has no completed `arch-review` check run. */
  finalHeadsWithoutCompletedCheck: number;
  /** Out-of-order pairs whose PR ended without a review of its newest head. */
  outOfOrderLost: number;
  acks: { statuses: Record<string, number>; p50Ms: number; p99Ms: number; maxMs: number; refused: number; fiveXx: number };
  /** From the last delivery until the queue was empty and GitHub quiet; null when it never got there. */
  drainMs: number | null;
  drainTimedOut: boolean;
  peakRssMiB: Record<string, number>;
  longestLogLine: number;
  logLinesOver16k: number;
  github: { requests: number; faults: Partial<Record<FaultKind, number>>; appliedWrites: number; reviewsSubmitted: number; checkRuns: number; unrouted: string[] };
  anthropic: { requests: number; faulted: number };
  /** What was done mid-burst: `sigterm-restart` (in-process), `kill-9-worker` (BullMQ), or nothing. */
  disruption: 'sigterm-restart' | 'kill-9-worker' | 'none';
  /** Up to 20 lost PRs, `owner/repo#n@sha`. */
  lostPrs: string[];
  wallMs: number;
  logDir: string;
}

const APP_ID = 424_242;
const APP_SLUG = 'arch-review-faults';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
const targetOf = (pull: PlannedPull) => ({ owner: pull.owner, repo: pull.repo, number: pull.number, installationId: pull.installationId });

/** A delivery payload for `pull_request.opened` (step 0) or `.synchronize` to `pull.shas[step]`. */
function pullRequestPayload(pull: PlannedPull, step: number): object {
  const p = pullRequestOpenedPayload(targetOf(pull), pull.shas[step]!) as Record<string, unknown>;
  if (step > 0) {
    p.action = 'synchronize';
    p.before = pull.shas[step - 1];
    p.after = pull.shas[step];
  }
  return p;
}

/**
 * Runs one fault scenario end to end: starts the fault-injecting fake GitHub and fake Anthropic,
 * the real app processes from `appRoot` as an operator would (`npm start`; or redis-server, a
 * `REVIEW_ROLE=web` server and `npm run worker`), plays the seeded burst of deliveries (with a
 * SIGTERM restart of the in-process app, or a kill -9 of the BullMQ worker, halfway), waits until
 * the queue is empty and GitHub quiet (bounded), and counts lost, duplicated and stuck reviews from
 * what the fake GitHub holds. Every process it started is stopped before it returns.
 *
 * @example
 * const r = await runFaultScenario({ queue: 'inprocess', appRoot: REPO_ROOT, prs: 12, installations: 3, deliveries: 50, seconds: 15, seed: 7, faultRate: 0.2, logDir });
 * r.lost; // 0 when nothing was lost
 */
export async function runFaultScenario(o: FaultScenarioOptions): Promise<FaultScenarioResult> {
  const started = Date.now();
  const say = o.progress ?? (() => undefined);
  const disrupt = o.disrupt ?? true;
  const quietMs = o.quietMs ?? 10_000;
  const maxDrainMs = o.maxDrainMs ?? 600_000;
  const anthropicFaultRate = o.anthropicFaultRate ?? o.faultRate;
  mkdirSync(o.logDir, { recursive: true });
  const plan = planScenario(o);
  const creds = throwawayCredentials();
  const installations = Array.from({ length: o.installations }, (_, i) => installationOf(i + 1));
  const github = await startFaultGitHub({
    appId: APP_ID,
    appSlug: APP_SLUG,
    installations,
    publicKey: creds.keys.publicKey,
    faults: { seed: o.seed, rate: o.faultRate },
    permissions: Object.fromEntries(plan.writers.map((w) => [w, 'write'])),
  });
  const anthropicKey = `sk-ant-faults-${o.seed}`;
  const anthropic = await startFaultAnthropic({ apiKey: anthropicKey, seed: o.seed, rate: anthropicFaultRate });

  const processes: ManagedProcess[] = [];
  let incarnation = 0;
  const logFile = (name: string) => join(o.logDir, `${o.queue}-${name}-${++incarnation}.log`);
  const baseEnv = appEnv({
    APP_ID: String(APP_ID),
    PRIVATE_KEY: creds.keys.privateKey,
    WEBHOOK_SECRET: creds.webhookSecret,
    HOST: '127.0.0.1',
    GHE_HOST: github.host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ANTHROPIC_API_KEY: anthropicKey,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    METRICS_TOKEN: E2E_METRICS_TOKEN,
    ...o.extraEnv,
  });

  let redis: ManagedProcess | undefined;
  let redisUrl: string | undefined;
  const port = await freePort();
  const webUrl = `http://127.0.0.1:${port}`;
  const webhookUrl = `${webUrl}/api/github/webhooks`;
  let web: ManagedProcess | undefined;
  let worker: ManagedProcess | undefined;
  const peaks: Record<string, number> = {};
  const allProcs = () => [...processes];

  async function startWeb(): Promise<ManagedProcess> {
    const env = { ...baseEnv, PORT: String(port), ...(redisUrl ? { REDIS_URL: redisUrl, REVIEW_ROLE: 'web' } : {}) };
    const proc = spawnManaged(o.queue === 'inprocess' ? 'app' : 'web', 'npm', ['start'], { cwd: o.appRoot, env, logFile: logFile(o.queue === 'inprocess' ? 'app' : 'web') });
    processes.push(proc);
    await waitHealthy(proc, `${webUrl}/healthz`);
    return proc;
  }
  async function startWorker(): Promise<ManagedProcess> {
    const workerPort = await freePort();
    const env = { ...baseEnv, REDIS_URL: redisUrl!, WORKER_PORT: String(workerPort) };
    const proc = spawnManaged('worker', 'npm', ['run', 'worker'], { cwd: o.appRoot, env, logFile: logFile('worker') });
    processes.push(proc);
    await waitHealthy(proc, `http://127.0.0.1:${workerPort}/healthz`);
    return proc;
  }

  const rssTimer = setInterval(() => {
    for (const p of allProcs()) {
      p.sampleRss();
      peaks[p.name] = Math.max(peaks[p.name] ?? 0, p.peakRss());
    }
  }, 500);

  const acks: { status: number; ms: number }[] = [];
  let refused = 0;
  const bodies = new Map<string, { event: string; body: string }>();
  let lastDeliveryAt = 0;
  let disrupted: FaultScenarioResult['disruption'] = 'none';

  try {
    if (o.queue === 'bullmq') {
      const r = await startRedis(join(o.logDir, `${o.queue}-redis.log`));
      redis = r.proc;
      redisUrl = r.url;
    }
    web = await startWeb();
    if (o.queue === 'bullmq') worker = await startWorker();
    for (const pull of plan.pulls) github.openPullRequest(`${pull.owner}/${pull.repo}`, pull.number, headContent(pull.number, pull.shas[0]!, 0));
    say(`${o.queue}: app up; ${plan.events.filter((e) => e.kind !== 'push').length} deliveries over ${o.seconds} s to ${plan.pulls.length} PRs`);

    /** Sends one delivery; a refused or reset connection (the app is restarting) is sent again, as an operator redelivers failed deliveries. */
    async function send(id: string, event: string, body: string): Promise<void> {
      const deadline = Date.now() + 120_000;
      let counted = false;
      for (;;) {
        try {
          const a = await deliverWebhook(webhookUrl, { event, id, payload: {}, body, secret: creds.webhookSecret }, 15_000);
          acks.push({ status: a.status, ms: a.ms });
          return;
        } catch (err) {
          const timedOut = (err as Error).message.includes('timed out');
          if (timedOut) {
            acks.push({ status: 0, ms: 15_000 });
            return; // GitHub gives up after 10 s and does not redeliver by itself
          }
          if (!counted) refused++;
          counted = true;
          if (Date.now() > deadline) return;
          await sleep(250);
        }
      }
    }

    function deliveryOf(e: Exclude<PlannedEvent, { kind: 'push' }>): { event: string; body: string } {
      const pull = plan.pulls[e.pr]!;
      if (e.kind === 'redelivery') return bodies.get(e.id)!;
      const made =
        e.kind === 'command'
          ? { event: 'issue_comment', body: JSON.stringify(pullRequestCommentPayload(targetOf(pull), '/arch-review', e.commenter, e.commentId)) }
          : { event: 'pull_request', body: JSON.stringify(pullRequestPayload(pull, e.step)) };
      bodies.set(e.id, made);
      return made;
    }

    async function restartApp(): Promise<void> {
      say(`${o.queue}: SIGTERM to the app mid-burst`);
      const old = web!;
      const code = await old.stop(40_000);
      say(`${o.queue}: app exited (${code}); starting it again`);
      web = await startWeb();
      disrupted = 'sigterm-restart';
    }
    async function killWorker(): Promise<void> {
      say(`${o.queue}: kill -9 of the worker mid-burst`);
      await worker!.kill9();
      worker = await startWorker();
      disrupted = 'kill-9-worker';
    }

    // The burst: open loop, each event at its planned time.
    const inflight: Promise<void>[] = [];
    let disruption: Promise<void> | undefined;
    const burstStart = Date.now();
    const disruptAt = burstStart + (o.seconds * 1000) / 2;
    for (const e of plan.events) {
      const wait = burstStart + e.t - Date.now();
      if (wait > 0) await sleep(wait);
      if (disrupt && !disruption && Date.now() >= disruptAt) {
        disruption = o.queue === 'inprocess' ? restartApp() : killWorker();
      }
      const pull = plan.pulls[e.pr]!;
      if (e.kind === 'push') {
        github.push(`${pull.owner}/${pull.repo}`, pull.number, headContent(pull.number, pull.shas[e.step]!, e.step));
        continue;
      }
      const d = deliveryOf(e);
      lastDeliveryAt = Date.now();
      inflight.push(send(e.id, d.event, d.body).then(() => undefined));
    }
    if (disrupt && !disruption) disruption = o.queue === 'inprocess' ? restartApp() : killWorker();
    await Promise.all(inflight);
    await disruption;
    say(`${o.queue}: burst sent in ${((Date.now() - burstStart) / 1000).toFixed(1)} s; waiting for the queue to drain`);

    // Drain: the queue empty and no GitHub write for `quietMs`, bounded by `maxDrainMs`.
    const depthSamples: string[] = [];
    const drain = await waitForQuiet(github, webUrl, lastDeliveryAt, quietMs, maxDrainMs, (at, depth) => depthSamples.push(`${at - lastDeliveryAt} ${depth ?? 'unreachable'}`));
    // For reading a run afterwards: every GitHub call (ms relative to the last delivery) and the queue depth while draining.
    writeFileSync(
      join(o.logDir, `${o.queue}-github-calls.jsonl`),
      github.calls.map((c) => JSON.stringify({ t: c.at - lastDeliveryAt, method: c.method, route: c.route, status: c.status, fault: c.fault, applied: c.applied })).join('\n') + '\n',
    );
    writeFileSync(join(o.logDir, `${o.queue}-queue-depth.txt`), `${depthSamples.join('\n')}\n`);
    say(`${o.queue}: ${drain.timedOut ? `not quiet after ${maxDrainMs / 1000} s` : `drained ${(drain.drainMs / 1000).toFixed(1)} s after the last delivery`}`);

    const { lostIndexes, ...counts } = measure(github, plan.pulls);
    const ok = acks.filter((a) => a.status > 0).map((a) => a.ms).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const a of acks) statuses[a.status === 0 ? 'timeout' : String(a.status)] = (statuses[a.status === 0 ? 'timeout' : String(a.status)] ?? 0) + 1;
    const faults: Partial<Record<FaultKind, number>> = {};
    for (const c of github.calls) if (c.fault) faults[c.fault] = (faults[c.fault] ?? 0) + 1;
    const outOfOrderPrs = new Set(plan.events.filter((e) => e.kind === 'pull_request' && e.outOfOrder).map((e) => e.pr));
    return {
      queue: o.queue,
      shape: { prs: o.prs, installations: o.installations, deliveries: o.deliveries, seconds: o.seconds, seed: o.seed, faultRate: o.faultRate, anthropicFaultRate, disrupt },
      plan: plan.counts,
      ...counts,
      outOfOrderLost: [...outOfOrderPrs].filter((p) => lostIndexes.has(p)).length,
      acks: {
        statuses,
        p50Ms: Math.round(quantile(ok, 0.5)),
        p99Ms: Math.round(quantile(ok, 0.99)),
        maxMs: Math.round(ok.at(-1) ?? 0),
        refused,
        fiveXx: acks.filter((a) => a.status >= 500).length,
      },
      drainMs: drain.timedOut ? null : drain.drainMs,
      drainTimedOut: drain.timedOut,
      peakRssMiB: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 1_048_576)])),
      longestLogLine: Math.max(0, ...processes.filter((p) => p !== redis).map((p) => p.longestLine())),
      logLinesOver16k: processes.filter((p) => p !== redis).reduce((s, p) => s + p.linesOver16k(), 0),
      github: {
        requests: github.calls.length,
        faults,
        appliedWrites: github.calls.filter((c) => c.applied).length,
        reviewsSubmitted: github.submittedReviews().length,
        checkRuns: github.checkRuns.length,
        unrouted: [...github.unrouted].sort(),
      },
      anthropic: { requests: anthropic.requests.length, faulted: anthropic.requests.filter((r) => r.status >= 500).length },
      disruption: disrupted,
      lostPrs: counts.lostPrs,
      wallMs: Date.now() - started,
      logDir: o.logDir,
    };
  } finally {
    clearInterval(rssTimer);
    await Promise.allSettled(processes.filter((p) => p !== redis).map((p) => p.stop(30_000)));
    await redis?.kill9();
    await github.close();
    await anthropic.close();
  }
}

async function queueDepth(webUrl: string): Promise<number | undefined> {
  try {
    const text = await fetchMetrics(webUrl, E2E_METRICS_TOKEN, { signal: AbortSignal.timeout(5_000) });
    return readMetric(text, 'queue_depth', { state: 'waiting' }) + readMetric(text, 'queue_depth', { state: 'active' });
  } catch {
    return undefined;
  }
}

async function waitForQuiet(
  github: FaultGitHub,
  webUrl: string,
  lastDeliveryAt: number,
  quietMs: number,
  maxDrainMs: number,
  sample: (at: number, depth: number | undefined) => void,
): Promise<{ drainMs: number; timedOut: boolean }> {
  let busyAt = lastDeliveryAt;
  const lastWriteCall = () => {
    for (let i = github.calls.length - 1; i >= 0; i--) {
      const c = github.calls[i]!;
      if (c.method !== 'GET' && !c.route.startsWith('/app')) return c.at;
    }
    return 0;
  };
  for (;;) {
    const depth = await queueDepth(webUrl);
    const now = Date.now();
    sample(now, depth);
    if (depth === undefined || depth > 0) busyAt = now;
    const lastActivity = Math.max(busyAt, lastWriteCall());
    if (now - lastActivity >= quietMs) return { drainMs: Math.max(0, lastActivity - lastDeliveryAt), timedOut: false };
    if (now - lastDeliveryAt > maxDrainMs) return { drainMs: now - lastDeliveryAt, timedOut: true };
    await sleep(1_000);
  }
}

/** Lost, duplicated and stuck reviews, read from what the fake GitHub holds. */
function measure(github: FaultGitHub, pulls: PlannedPull[]) {
  let lost = 0;
  let duplicateReviews = 0;
  let repeatedInlineComments = 0;
  let duplicated = 0;
  let finalHeadsWithoutCompletedCheck = 0;
  const lostPrs: string[] = [];
  const lostIndexes = new Set<number>();
  pulls.forEach((pull, index) => {
    const repo = `${pull.owner}/${pull.repo}`;
    const finalSha = github.headOf(repo, pull.number);
    const reviews = github.submittedReviews(repo, pull.number).filter((r) => parseMarker(r.body) !== undefined);
    const comments = github.issueComments.filter((c) => c.repo === repo && c.number === pull.number && parseMarker(c.body) !== undefined);
    const markedShas = [...reviews.map((r) => parseMarker(r.body)!.headSha), ...comments.map((c) => parseMarker(c.body)!.headSha)];
    if (!markedShas.includes(finalSha)) {
      lost++;
      lostIndexes.add(index);
      if (lostPrs.length < 20) lostPrs.push(`${repo}#${pull.number}@${finalSha.slice(0, 8)}`);
    }
    // Two reviews of one SHA is a duplicate; a PR comment carrying the summary (the fallback, or a
    // reply to a command on an already-reviewed head) counts as a review above but not as a duplicate.
    const perSha = new Map<string, number>();
    for (const r of reviews) perSha.set(parseMarker(r.body)!.headSha, (perSha.get(parseMarker(r.body)!.headSha) ?? 0) + 1);
    const dupReview = [...perSha.values()].some((n) => n > 1);
    const seen = new Set<string>();
    let repeated = false;
    for (const r of reviews) {
      for (const c of r.comments) {
        const key = `${c.path}\u0000${c.line}\u0000${c.side ?? 'RIGHT'}\u0000${c.body}`;
        if (seen.has(key)) repeated = true;
        seen.add(key);
      }
    }
    if (dupReview) duplicateReviews++;
    if (repeated) repeatedInlineComments++;
    if (dupReview || repeated) duplicated++;
    const finalRuns = github.checkRuns.filter((c) => c.repo === repo && c.headSha === finalSha && c.name === 'arch-review');
    if (!finalRuns.some((c) => c.status === 'completed')) finalHeadsWithoutCompletedCheck++;
  });
  const stuckRuns = github.checkRuns.filter((c) => c.status !== 'completed').map((c) => `${c.repo}@${c.headSha.slice(0, 8)} run ${c.id}`);
  const stuck = stuckRuns.length;
  const perCommit = new Map<string, number>();
  for (const c of github.checkRuns) if (c.name === 'arch-review') perCommit.set(`${c.repo}@${c.headSha}`, (perCommit.get(`${c.repo}@${c.headSha}`) ?? 0) + 1);
  const extraCheckRuns = [...perCommit.values()].reduce((s, n) => s + n - 1, 0);
  return { lost, duplicated, duplicateReviews, repeatedInlineComments, stuck, stuckRuns, extraCheckRuns, finalHeadsWithoutCompletedCheck, lostPrs, lostIndexes };
}

export { FAULT_KINDS };
