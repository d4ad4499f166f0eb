import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { Writable } from 'node:stream';
import { getPrivateKey } from '@probot/get-private-key';
import type { Logger as PinoLogger } from 'pino';
import { Probot, ProbotOctokit, Server, run } from 'probot';
import { createArchReviewApp } from './app/arch-review-app.js';
import { agentOptionsFromEnv } from './agent/agent-options-from-env.js';
import { createAnthropicReviewer } from './agent/anthropic-reviewer.js';
import { createAnthropicAnswerer } from './agent/anthropic-answerer.js';
import { personaCategoryGuidance } from './agent/category-guidance.js';
import { countGitHubErrors } from './app/count-github-errors.js';
import { createLogger } from './app/create-logger.js';
import { planMetricsExposure } from './app/metrics-exposure.js';
import { createOpsHandler, type RequestHandler } from './app/ops-handler.js';
import { createQueueJobProcessor } from './app/process-queue-job.js';
import { createReconciler, type Reconciler } from './app/reconciler.js';
import { createRedisPassLock, type PassLock } from './app/redis-pass-lock.js';
import { createSettledReviews, type SettledReviews } from './app/settled-reviews.js';
import { withWebhookEdge } from './app/webhook-edge.js';
import type { AppEnv, Role } from './config/env.js';
import { ConfigError } from './errors.js';
import { fetchWithTimeout } from './github/fetch-with-timeout.js';
import { withGitHubRetryPolicy } from './github/octokit-policy.js';
import { resolveBotLogin } from './github/resolve-bot-login.js';
import type { FeedbackStore } from './feedback/feedback-store.js';
import { createRedisFeedbackStore } from './feedback/redis-feedback-store.js';
import { createRedisBaseModelCache } from './app/redis-base-model-cache.js';
import { memoryBaseModelCache, tieredBaseModelCache, type BaseModelCache } from './review/base-model-cache.js';
import { createMetrics } from './metrics.js';
import { createCustomRulesLoader } from './app/custom-rules-loader.js';
import type { Metrics } from './metrics.js';
import { createQueue } from './queue/create-queue.js';
import type { JobProcessor, JobQueue, QueueJob } from './queue/review-job.js';
import type { Reviewer, RuleRunner } from './review/ports.js';
import type { FeedbackSink, ThreadAnswerer } from './review/reply-ports.js';
import { createRuleWorkerPool, type RuleWorkerPool } from './workers/rule-worker-pool.js';

export { createArchReviewApp } from './app/arch-review-app.js';
export type { ArchReviewAppDeps } from './app/arch-review-app.js';
export { readEnv } from './config/env.js';

/** What a running process exposes to its entry point and to tests. */
export interface RunningArchReview {
  /** The port the webhook server (or a worker's ops server) listens on, once started. */
  port?: number;
  /** The port of the separate `/healthz` and `/metrics` listener (METRICS_PORT, or a worker's WORKER_PORT), when there is one. */
  metricsPort?: number;
  queue?: JobQueue;
  metrics?: Metrics;
  log: PinoLogger;
  /** Graceful stop: no new webhooks, running reviews finish (up to SHUTDOWN_TIMEOUT_MS), then resolve. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Overrides `env.role` (the worker entry point passes `worker`). */
  role?: Role;
  /** Log records go here instead of stdout (tests). */
  logDestination?: Writable;
  /** The agent reviewer; without it reviews are rules-only. */
  reviewer?: Reviewer;
  /** Replaces the review itself (tests); receives the installation Octokit factory. */
  processJob?: (deps: ProcessJobDeps) => JobProcessor;
  /** Answers replies in arch-review's threads; default: the model when one is configured, else the rule docs answer. */
  answerer?: ThreadAnswerer;
  /** Where dismissals learned from replies go (the learning store). */
  feedback?: FeedbackSink;
}

/** What the default job processor needs from the composition root. */
export interface ProcessJobDeps {
  probot: Probot;
  log: PinoLogger;
  metrics: Metrics;
  version: string;
  reviewer?: Reviewer;
  /** Where the rules run: the worker-thread pool, shared by every review of this process. */
  ruleRunner?: RuleRunner;
  /** The queue's `enqueue`: commands queue reviews, and a stale review queues the PR's current head. */
  enqueue: (job: QueueJob) => Promise<boolean>;
  /** This app's bot login, looked up once (shared with the reconciler). */
  botLogin: () => Promise<string>;
  /** Heads whose job ended without failure (read by the reconciler). */
  settled?: SettledReviews;
  /** Answers replies in arch-review's threads and `/arch-review ask`; without it, the rule's documentation answers. */
  answerer?: ThreadAnswerer;
  /** Where dismissals learned from replies go. */
  feedback?: FeedbackSink;
  /** Cross-PR learning from feedback (Redis, when REDIS_URL is set). */
  feedbackStore?: FeedbackStore;
  /** Base repository models between reviews (memory, and Redis when REDIS_URL is set). */
  baseModelCache?: BaseModelCache;
}

/** arch-review's version, from package.json (one level above both `src/` and `dist/`). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The default processor: authenticates as the job's installation (Probot's Octokit, so retries,
 * throttling and GHE apply), then runs a command job or one review (see `createQueueJobProcessor`).
 */
export function reviewJobProcessor(deps: ProcessJobDeps): JobProcessor {
  return createQueueJobProcessor({
    auth: (installationId) => deps.probot.auth(installationId),
    botLogin: deps.botLogin,
    enqueue: deps.enqueue,
    log: deps.log,
    metrics: deps.metrics,
    reviewer: deps.reviewer,
    ruleRunner: deps.ruleRunner,
    version: deps.version,
    ...(deps.settled ? { settled: deps.settled } : {}),
    answerer: deps.answerer,
    feedback: deps.feedback,
    categoryGuidance: personaCategoryGuidance(),
    customRules: createCustomRulesLoader({ metrics: deps.metrics }),
    ...(deps.feedbackStore ? { feedbackStore: deps.feedbackStore } : {}),
    ...(deps.baseModelCache ? { baseModelCache: deps.baseModelCache } : {}),
  });
}

/** Looks the bot login up once, on first use; a failed lookup is tried again by the next caller. */
function botLoginOnce(probot: () => Probot): () => Promise<string> {
  let login: Promise<string> | undefined;
  return () => {
    login ??= probot().auth().then((octokit) => resolveBotLogin(octokit));
    return login.catch((err: unknown) => {
      login = undefined;
      throw err;
    });
  };
}

/**
 * The composition root: builds the logger, metrics, queue and Probot from the environment and
 * starts what `role` asks for. `web` serves webhooks (and `/healthz`; `/metrics` on METRICS_PORT or
 * behind METRICS_TOKEN, see `planMetricsExposure`) and enqueues;
 * `worker` runs reviews and commands, and the reconciler (which queues heads that have no completed
 * check run); `all` does both in one process. Without APP_ID or a private key, a web
 * process starts Probot's manifest setup flow (app.yml) instead, as `probot run` does.
 *
 * @example
 * const app = await startArchReview(readEnv());
 * process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
 */
export async function startArchReview(env: AppEnv, options: StartOptions = {}): Promise<RunningArchReview> {
  const role = options.role ?? env.role;
  const log = await createLogger(env, options.logDestination);
  const privateKey = resolvePrivateKey(env, log);

  if (env.appId === undefined || privateKey === undefined) {
    if (role === 'worker') throw new ConfigError('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required to run the worker');
    log.info('APP_ID or PRIVATE_KEY missing: starting the GitHub App setup flow from app.yml');
    // REDIS_URL is ours; Probot would use it for its own rate-limit store and fetch ioredis at run time.
    const server = await run(() => undefined, { env: { ...process.env, REDIS_URL: undefined }, log });
    return { port: server.port, log, stop: () => server.stop() };
  }

  const queue = createQueue({
    redisUrl: env.redisUrl,
    concurrency: env.workerConcurrency,
    attempts: env.jobAttempts,
    backoffMs: env.jobBackoffMs,
    log: log.child({ name: 'queue' }),
    // Called only once jobs run, after `metrics` below exists.
    onRetry: (job) => metrics.jobRetries.inc({ type: job.type ?? 'review' }),
    onFinalFailure: (job) => metrics.jobFailures.inc({ type: job.type ?? 'review' }),
  });
  const metrics = createMetrics({ queueDepth: () => queue.depth() });
  // One retry policy for every GitHub call (src/github/octokit-policy.ts); the error count sees every try.
  const Octokit = withGitHubRetryPolicy(ProbotOctokit.plugin(countGitHubErrors(metrics)) as unknown as typeof ProbotOctokit);
  // Every GitHub request gets its own timeout at the transport, under Probot's retry and throttling.
  const request = { fetch: fetchWithTimeout(env.githubTimeoutMs) };
  const probotOptions = { appId: env.appId, privateKey, secret: env.webhookSecret, baseUrl: env.baseUrl, log, Octokit, request };
  const exposure = planMetricsExposure({ role, metricsPort: env.metricsPort, metricsToken: env.metricsToken, workerPort: env.workerPort });
  const usesRedis = env.redisUrl !== undefined;
  if (exposure.notice) log[exposure.notice.level](exposure.notice.message);
  const makeProcessor = options.processJob ?? reviewJobProcessor;
  const version = packageVersion();

  let probot: Probot | undefined;
  let rulePool: RuleWorkerPool | undefined;
  let reconciler: Reconciler | undefined;
  let passLock: PassLock | undefined;
  let feedbackStore: FeedbackStore | undefined;
  let redisBaseModels: { close(): Promise<void> } | undefined;
  let server: Server | undefined;
  let opsServer: HttpServer | undefined;
  let port: number | undefined;
  let metricsPort: number | undefined;

  if (role !== 'worker') {
    server = new Server({
      host: env.host,
      port: env.port,
      webhookPath: env.webhookPath,
      webhookProxy: env.webhookProxyUrl,
      log,
      // The edge (size limit, signature, schema) replaces Probot's own webhook middleware.
      Probot: withWebhookEdge(Probot.defaults(probotOptions), {
        secret: env.webhookSecret ?? '',
        maxBytes: env.webhookMaxBytes,
        log: log.child({ name: 'webhook-edge' }),
        onRejected: (event) => metrics.webhookDeliveries.inc({ event, outcome: 'rejected' }),
      }),
    });
    await server.load(async (app, { addHandler }) => {
      probot = app;
      await createArchReviewApp({ queue, metrics })(app, { cwd: process.cwd(), addHandler });
      addHandler(createOpsHandler({ queue, metrics, usesRedis, metricsAccess: exposure.webhookPort }));
    });
    await server.start();
    port = server.port;
  } else {
    probot = new Probot(probotOptions);
    await probot.ready();
  }
  if (exposure.opsPort) {
    const handler = createOpsHandler({ queue, metrics, usesRedis, metricsAccess: exposure.opsPort.metrics });
    opsServer = await listenOps(handler, exposure.opsPort.port, env.host).catch(async (err: unknown) => {
      // The webhook server is already up: take it down so a failed start leaves nothing listening.
      await server?.stop();
      await queue.close(0);
      throw new ConfigError(`cannot listen on ${role === 'worker' && env.workerPort !== undefined ? 'WORKER_PORT' : 'METRICS_PORT'} ${exposure.opsPort?.port}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const address = opsServer.address();
    metricsPort = typeof address === 'object' && address ? address.port : undefined;
    if (role === 'worker') port = metricsPort;
    log.info(`${role === 'worker' ? 'worker ' : ''}health and metrics on port ${metricsPort}`);
  }

  if (role !== 'web') {
    if (!probot) throw new Error('Probot did not initialise');
    const reviewer = options.reviewer ?? createAgentReviewer(env, log);
    const answerer = options.answerer ?? createAgentAnswerer(env, log);
    log.info({ agent: reviewer ? reviewer.name : 'off (no ANTHROPIC_API_KEY or ARCH_REVIEW_PROVIDER): rules only' }, 'reviewer');
    rulePool = createRuleWorkerPool(env.ruleWorkers !== undefined ? { size: env.ruleWorkers } : {});
    const app = probot;
    const botLogin = botLoginOnce(() => app);
    const settled = createSettledReviews();
    const enqueue = (job: QueueJob) => queue.enqueue(job);
    // Feedback (👎, resolved threads, replies) is shared by every pull request of a repository only with Redis.
    feedbackStore = env.redisUrl ? createRedisFeedbackStore(env.redisUrl) : undefined;
    // Base repository models: this process's memory first, then (with Redis) every worker's.
    const redisModels = env.redisUrl ? createRedisBaseModelCache(env.redisUrl, { onLookup: (result) => metrics.baseModelCacheLookups.inc({ layer: 'redis', result }) }) : undefined;
    redisBaseModels = redisModels;
    const memoryModels = memoryBaseModelCache(undefined, { onLookup: (result) => metrics.baseModelCacheLookups.inc({ layer: 'memory', result }) });
    const baseModelCache = redisModels ? tieredBaseModelCache(memoryModels, redisModels, log) : memoryModels;
    await queue.start(makeProcessor({ probot, log, metrics, version, reviewer, ruleRunner: rulePool.run, enqueue, botLogin, settled, baseModelCache, ...(feedbackStore ? { feedbackStore } : {}), ...(answerer ? { answerer } : {}), ...(options.feedback ? { feedback: options.feedback } : {}) }));
    log.info({ concurrency: env.workerConcurrency, queue: env.redisUrl ? 'bullmq' : 'in-process' }, 'review worker started');
    // Several workers on one Redis: one reconciles per interval.
    passLock = env.redisUrl && env.reconcile.intervalMs > 0 ? createRedisPassLock(env.redisUrl) : undefined;
    const lock = passLock;
    reconciler = createReconciler({
      ...env.reconcile,
      ...(lock ? { claimPass: (ttlMs: number) => lock.claim(ttlMs) } : {}),
      appOctokit: () => app.auth(),
      installationOctokit: (id) => app.auth(id),
      botLogin,
      enqueue,
      settled,
      log: log.child({ name: 'reconciler' }),
      metrics,
    });
    reconciler.start();
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    metricsPort,
    queue,
    metrics,
    log,
    stop: () =>
      (stopping ??= (async () => {
        log.info('shutting down: no new webhooks; letting running reviews finish');
        await reconciler?.stop();
        await passLock?.close();
        await server?.stop();
        await new Promise<void>((resolve) => (opsServer ? opsServer.close(() => resolve()) : resolve()));
        const depth = await queue.depth().catch(() => undefined);
        await queue.close(env.shutdownTimeoutMs);
        await rulePool?.close();
        await feedbackStore?.close();
        await redisBaseModels?.close();
        log.info({ queue: depth }, 'stopped');
      })()),
  };
}

/** A plain HTTP listener for the ops handler only (`/healthz`, `/metrics`); anything else is 404. */
async function listenOps(handler: RequestHandler, port: number, host: string | undefined): Promise<HttpServer> {
  const server = createServer((req, res) => {
    handler(req, res)
      .then((done) => done || res.writeHead(404).end())
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * The Claude reviewer when its provider is configured (`ANTHROPIC_API_KEY`, or `ARCH_REVIEW_PROVIDER`
 * bedrock or vertex with its region; see `agentOptionsFromEnv`); otherwise reviews are rules-only.
 */
function createAgentReviewer(env: AppEnv, log: PinoLogger): Reviewer | undefined {
  const opts = agentOptionsFromEnv(env.agentEnv, log.child({ name: 'agent' }));
  return opts ? createAnthropicReviewer(opts) : undefined;
}

/** The thread answerer over the same provider as the reviewer; without one, replies are answered with the rule docs. */
function createAgentAnswerer(env: AppEnv, log: PinoLogger): ThreadAnswerer | undefined {
  const opts = agentOptionsFromEnv(env.agentEnv, log.child({ name: 'answerer' }));
  return opts ? createAnthropicAnswerer(opts) : undefined;
}

/** Probot's rules (PRIVATE_KEY as PEM, escaped or base64; else PRIVATE_KEY_PATH; else one *.pem in the cwd). */
function resolvePrivateKey(env: AppEnv, log: PinoLogger): string | undefined {
  try {
    return getPrivateKey({ env: { PRIVATE_KEY: env.privateKey, PRIVATE_KEY_PATH: env.privateKeyPath } }) ?? undefined;
  } catch (err) {
    // The library's message names the variable, never its content.
    log.error(err instanceof Error ? err.message : String(err));
    throw new ConfigError('PRIVATE_KEY or PRIVATE_KEY_PATH is set but is not a usable private key');
  }
}
