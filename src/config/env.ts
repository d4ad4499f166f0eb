import { z } from 'zod';
import { AGENT_ENV_KEYS } from '../agent/agent-options-from-env.js';
import { PROVIDERS } from '../agent/provider-model-id.js';
import { ConfigError } from '../errors.js';

/** Which parts a process runs: the webhook server, the review worker, or both (the default). */
export const ROLES = ['web', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * The environment, as Probot reads it plus arch-review's own keys. Empty strings count as unset, so a
 * copied `.env.example` with blank values behaves like a missing key.
 */
const EnvSchema = z
  .object({
    APP_ID: int(1, Number.MAX_SAFE_INTEGER).optional(),
    PRIVATE_KEY: z.string().optional(),
    PRIVATE_KEY_PATH: z.string().optional(),
    WEBHOOK_SECRET: z.string().optional(),
    WEBHOOK_PATH: z.string().startsWith('/').default('/api/github/webhooks'),
    WEBHOOK_PROXY_URL: z.url().optional(),
    WEBHOOK_MAX_BYTES: int(1_024, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
    PORT: int(0, 65535).default(3000),
    HOST: z.string().optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    LOG_LEVEL_IN_STRING: flag.default(false),
    LOG_MESSAGE_KEY: z.string().default('msg'),
    SENTRY_DSN: z.string().optional(),
    GHE_HOST: z
      .string()
      .regex(/^[^/\s]+$/, 'must be a host name with an optional port, without protocol or path')
      .optional(),
    GHE_PROTOCOL: z.enum(['http', 'https']).default('https'),
    GH_ORG: z.string().optional(),
    NODE_ENV: z.string().optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    ANTHROPIC_API_KEY: z.string().optional(),
    ANTHROPIC_BASE_URL: z.url().optional(),
    ARCH_REVIEW_PROVIDER: z.enum(PROVIDERS).optional(),
    ARCH_REVIEW_MODEL: z.string().optional(),
    ARCH_REVIEW_STRUCTURED_OUTPUT: flag.optional(),
    AWS_REGION: z.string().optional(),
    AWS_DEFAULT_REGION: z.string().optional(),
    AWS_ACCESS_KEY_ID: z.string().optional(),
    AWS_SECRET_ACCESS_KEY: z.string().optional(),
    AWS_SESSION_TOKEN: z.string().optional(),
    AWS_PROFILE: z.string().optional(),
    AWS_BEARER_TOKEN_BEDROCK: z.string().optional(),
    ANTHROPIC_BEDROCK_BASE_URL: z.url().optional(),
    CLOUD_ML_REGION: z.string().optional(),
    ANTHROPIC_VERTEX_PROJECT_ID: z.string().optional(),
    GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
    ANTHROPIC_VERTEX_BASE_URL: z.url().optional(),
    ARCH_REVIEW_AGENT_DEADLINE_MS: int(1_000, 3_600_000).optional(),
    WORKER_CONCURRENCY: int(1, 64).default(2),
    RULE_WORKERS: int(0, 8).optional(),
    REVIEW_ROLE: z.enum(ROLES).default('all'),
    SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(25_000),
    JOB_ATTEMPTS: int(1, 20).default(4),
    JOB_BACKOFF_MS: int(0, 3_600_000).default(5_000),
    GITHUB_TIMEOUT_MS: int(1_000, 600_000).default(30_000),
    WORKER_PORT: int(0, 65535).optional(),
    METRICS_PORT: int(0, 65535).optional(),
    METRICS_TOKEN: z.string().min(16).regex(/^\S+$/, 'must not contain spaces').optional(),
    RECONCILE_INTERVAL_MS: int(0, 86_400_000).default(600_000),
    RECONCILE_MAX_REQUESTS: int(1, 100_000).default(300),
    RECONCILE_MAX_MS: int(1_000, 3_600_000).default(60_000),
    RECONCILE_LOOKBACK_HOURS: int(1, 8_760).default(24),
  })
  .superRefine((e, ctx) => {
    // Split processes share jobs only through Redis: an in-memory queue would strand them.
    if (e.REVIEW_ROLE !== 'all' && !e.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: `is required when REVIEW_ROLE is ${e.REVIEW_ROLE} (web and worker processes share jobs through Redis)` });
    }
    // Probot falls back to the secret "development" when none is set: never accept that for a real app.
    if (e.APP_ID !== undefined && e.REVIEW_ROLE !== 'worker' && !e.WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when APP_ID is set (webhooks must be verified)' });
    }
    if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT (it is a second listener for /healthz and /metrics)' });
    }
  });

/** Every environment variable arch-review reads (`.env.example` documents each; a test keeps them in step). */
export const ENV_KEYS: readonly string[] = Object.keys(EnvSchema.shape);

/** The parsed environment. Secrets stay in their fields; nothing here is ever logged whole. */
export interface AppEnv {
  appId?: number;
  /** Raw `PRIVATE_KEY` (PEM, escaped PEM or base64); resolve it with Probot's rules, see `resolvePrivateKey`. */
  privateKey?: string;
  privateKeyPath?: string;
  webhookSecret?: string;
  webhookPath: string;
  webhookProxyUrl?: string;
  /** Webhook bodies over this many bytes are refused (413) unread; GitHub caps payloads at 25 MB. */
  webhookMaxBytes: number;
  port: number;
  host?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: 'json' | 'pretty';
  logLevelInString: boolean;
  logMessageKey: string;
  sentryDsn?: string;
  /** GitHub REST base URL: `https://api.github.com`, or `<GHE_PROTOCOL>://<GHE_HOST>/api/v3`. */
  baseUrl: string;
  gheHost?: string;
  ghOrg?: string;
  nodeEnv?: string;
  redisUrl?: string;
  anthropicApiKey?: string;
  anthropicBaseUrl?: string;
  /** Hard deadline of the agent part of one review; the review then goes out with what it has. */
  agentDeadlineMs?: number;
  /** The agent's variables as given (provider, model, AWS and Google settings), for `agentOptionsFromEnv`. */
  agentEnv: Readonly<Record<string, string | undefined>>;
  workerConcurrency: number;
  /** Rule worker threads beside the main thread (`RULE_WORKERS`); undefined: one per core but one. */
  ruleWorkers: number | undefined;
  role: Role;
  /** Running jobs get this long to finish on SIGTERM before they are aborted. */
  shutdownTimeoutMs: number;
  /** Tries per review job, the first included; a failed try is retried with backoff. */
  jobAttempts: number;
  /** First retry delay of a failed job (doubles each retry, with jitter; never shorter than a rate-limit wait). */
  jobBackoffMs: number;
  /** Each HTTP request to GitHub is aborted after this long (retries get a fresh timer). */
  githubTimeoutMs: number;
  /** A worker-only process serves `/healthz` and `/metrics` on this port when set. */
  workerPort?: number;
  /** Web and all processes serve `/healthz` and `/metrics` on this second port when set (workers: when WORKER_PORT is not). */
  metricsPort?: number;
  /** `/metrics` needs `Authorization: Bearer <token>` wherever it is served; on the webhook port it is served only then. */
  metricsToken?: string;
  /** The reconciler (worker processes): pause between passes (0 = off), and each pass's budget and look-back. */
  reconcile: { intervalMs: number; maxRequests: number; maxMs: number; lookbackHours: number };
}

/**
 * Parses the environment once, at startup. Errors name the keys and what is wrong with them, never
 * their values (they may be secrets).
 *
 * @example
 * const env = readEnv({ APP_ID: '123', PRIVATE_KEY: pem, WEBHOOK_SECRET: 's3cret' });
 * env.workerConcurrency; // 2
 * @throws ConfigError listing every invalid key.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Readonly<AppEnv> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const r = EnvSchema.safeParse(present);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${describeIssue(i)}`);
    throw new ConfigError(`invalid environment:\n  ${lines.join('\n  ')}`);
  }
  const e = r.data;
  return Object.freeze({
    appId: e.APP_ID,
    privateKey: e.PRIVATE_KEY,
    privateKeyPath: e.PRIVATE_KEY_PATH,
    webhookSecret: e.WEBHOOK_SECRET,
    webhookPath: e.WEBHOOK_PATH,
    webhookProxyUrl: e.WEBHOOK_PROXY_URL,
    webhookMaxBytes: e.WEBHOOK_MAX_BYTES,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    // Probot's rule: pretty in development, JSON in production unless told otherwise.
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty'),
    logLevelInString: e.LOG_LEVEL_IN_STRING,
    logMessageKey: e.LOG_MESSAGE_KEY,
    sentryDsn: e.SENTRY_DSN,
    baseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` : 'https://api.github.com',
    gheHost: e.GHE_HOST,
    ghOrg: e.GH_ORG,
    nodeEnv: e.NODE_ENV,
    redisUrl: e.REDIS_URL,
    anthropicApiKey: e.ANTHROPIC_API_KEY,
    anthropicBaseUrl: e.ANTHROPIC_BASE_URL,
    agentDeadlineMs: e.ARCH_REVIEW_AGENT_DEADLINE_MS,
    agentEnv: Object.freeze(Object.fromEntries(AGENT_ENV_KEYS.map((k) => [k, present[k]]))),
    workerConcurrency: e.WORKER_CONCURRENCY,
    ruleWorkers: e.RULE_WORKERS,
    role: e.REVIEW_ROLE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    jobAttempts: e.JOB_ATTEMPTS,
    jobBackoffMs: e.JOB_BACKOFF_MS,
    githubTimeoutMs: e.GITHUB_TIMEOUT_MS,
    workerPort: e.WORKER_PORT,
    metricsPort: e.METRICS_PORT,
    metricsToken: e.METRICS_TOKEN,
    reconcile: { intervalMs: e.RECONCILE_INTERVAL_MS, maxRequests: e.RECONCILE_MAX_REQUESTS, maxMs: e.RECONCILE_MAX_MS, lookbackHours: e.RECONCILE_LOOKBACK_HOURS },
  });
}

/** Zod's messages may quote the input (e.g. an invalid enum value); keep only the shape of the problem. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return `must be a ${issue.expected}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'regex' || issue.format === 'starts_with' ? issue.message : `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}
