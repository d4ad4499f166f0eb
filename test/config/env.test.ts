import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_KEYS, readEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/errors.js';

describe('readEnv', () => {
  it('gives Probot-compatible defaults for an empty environment', () => {
    const env = readEnv({});
    expect(env).toMatchObject({
      appId: undefined,
      webhookPath: '/api/github/webhooks',
      port: 3000,
      logLevel: 'info',
      logFormat: 'pretty',
      baseUrl: 'https://api.github.com',
      workerConcurrency: 2,
      role: 'all',
      jobAttempts: 4,
      jobBackoffMs: 5_000,
    });
  });

  it('reads a GitHub Enterprise host and protocol into the API base URL', () => {
    expect(readEnv({ GHE_HOST: '127.0.0.1:8080', GHE_PROTOCOL: 'http' }).baseUrl).toBe('http://127.0.0.1:8080/api/v3');
    expect(readEnv({ GHE_HOST: 'github.example.com' }).baseUrl).toBe('https://github.example.com/api/v3');
  });

  it('keeps the agent provider variables for agentOptionsFromEnv, and rejects an unknown provider without echoing it', () => {
    const env = readEnv({ ARCH_REVIEW_PROVIDER: 'bedrock', AWS_REGION: 'eu-central-1', AWS_PROFILE: 'reviews', CLOUD_ML_REGION: '', UNRELATED: 'x' });
    expect(env.agentEnv).toMatchObject({ ARCH_REVIEW_PROVIDER: 'bedrock', AWS_REGION: 'eu-central-1', AWS_PROFILE: 'reviews' });
    expect(env.agentEnv.CLOUD_ML_REGION).toBeUndefined();
    expect(Object.keys(env.agentEnv)).not.toContain('UNRELATED');
    expect(() => readEnv({ ARCH_REVIEW_PROVIDER: 'openai-please' })).toThrow(/ARCH_REVIEW_PROVIDER must be one of "anthropic", "bedrock", "vertex"/);
    expect(() => readEnv({ ARCH_REVIEW_PROVIDER: 'openai-please' })).not.toThrow(/openai-please/);
  });

  it('switches to JSON logs in production unless LOG_FORMAT says otherwise', () => {
    expect(readEnv({ NODE_ENV: 'production' }).logFormat).toBe('json');
    expect(readEnv({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('treats empty values as unset, as a copied .env.example leaves them', () => {
    expect(readEnv({ APP_ID: '', PORT: '', REVIEW_ROLE: '  ' })).toMatchObject({ appId: undefined, port: 3000, role: 'all' });
  });

  it('parses numbers and the role', () => {
    const env = readEnv({ APP_ID: '42', WEBHOOK_SECRET: 's', WORKER_CONCURRENCY: '4', REVIEW_ROLE: 'web', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(env).toMatchObject({ appId: 42, workerConcurrency: 4, role: 'web', redisUrl: 'redis://127.0.0.1:6379' });
  });

  it('reads RULE_WORKERS from 0 (rules in the main thread) to 8, unset by default', () => {
    expect(readEnv({}).ruleWorkers).toBeUndefined();
    expect(readEnv({ RULE_WORKERS: '0' }).ruleWorkers).toBe(0);
    expect(readEnv({ RULE_WORKERS: '3' }).ruleWorkers).toBe(3);
    expect(() => readEnv({ RULE_WORKERS: '9' })).toThrow(/RULE_WORKERS/);
    expect(() => readEnv({ RULE_WORKERS: 'two' })).toThrow(/RULE_WORKERS/);
  });

  it('requires a webhook secret with an app id, instead of Probot\'s "development" fallback', () => {
    expect(() => readEnv({ APP_ID: '42' })).toThrow(/WEBHOOK_SECRET is required/);
    expect(() => readEnv({ APP_ID: '42', REVIEW_ROLE: 'worker', REDIS_URL: 'redis://r' })).not.toThrow();
  });

  it('requires Redis when web and worker run as separate processes', () => {
    expect(() => readEnv({ REVIEW_ROLE: 'worker' })).toThrow(/REDIS_URL is required when REVIEW_ROLE is worker/);
  });

  it('reads METRICS_PORT and METRICS_TOKEN, refusing a short token or METRICS_PORT equal to PORT without echoing the token', () => {
    expect(readEnv({ METRICS_PORT: '9464', METRICS_TOKEN: 'metrics-FAKE-token-0123' })).toMatchObject({ metricsPort: 9464, metricsToken: 'metrics-FAKE-token-0123' });
    expect(readEnv({})).toMatchObject({ metricsPort: undefined, metricsToken: undefined });
    expect(() => readEnv({ METRICS_TOKEN: 'short-FAKE' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(() => readEnv({ METRICS_TOKEN: 'short-FAKE' })).not.toThrow(/short-FAKE/);
    expect(() => readEnv({ METRICS_TOKEN: 'has a space in the FAKE token' })).toThrow(/METRICS_TOKEN must not contain spaces/);
    expect(() => readEnv({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(() => readEnv({ PORT: '0', METRICS_PORT: '0' })).not.toThrow();
  });

  it('names every bad key and never echoes a value', () => {
    const secretish = 'hunter2-SECRET-VALUE';
    try {
      const bad: Record<string, string> = { PORT: secretish, REVIEW_ROLE: secretish, REDIS_URL: secretish, LOG_LEVEL: secretish, WORKER_CONCURRENCY: '0' };
      readEnv(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      for (const key of ['PORT', 'REVIEW_ROLE', 'REDIS_URL', 'LOG_LEVEL', 'WORKER_CONCURRENCY']) expect(message).toContain(key);
      expect(message).not.toContain(secretish);
    }
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const lines = text.split('\n');

  it('lists every variable readEnv reads, each under a comment', () => {
    for (const key of ENV_KEYS) {
      const at = lines.findIndex((l) => l.startsWith(`${key}=`));
      expect(at, `${key} missing from .env.example`).toBeGreaterThan(0);
      expect(lines[at - 1], `${key} has no comment above it`).toMatch(/^#/);
    }
  });

  it('lists nothing readEnv does not read, and no value a secret could hide in', () => {
    const keys = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    expect(keys.filter((k) => !ENV_KEYS.includes(k ?? ''))).toEqual([]);
    for (const secret of ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'ANTHROPIC_API_KEY', 'REDIS_URL']) {
      expect(lines).toContain(`${secret}=`);
    }
  });
});
