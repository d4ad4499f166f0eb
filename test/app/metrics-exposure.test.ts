import { describe, expect, it } from 'vitest';
import { planMetricsExposure } from '../../src/app/metrics-exposure.js';

const TOKEN = 'metrics-FAKE-token-0123456789';

describe('planMetricsExposure', () => {
  it('serves /metrics nowhere by default (web and all) and warns how to turn it on', () => {
    for (const role of ['web', 'all'] as const) {
      const plan = planMetricsExposure({ role });
      expect(plan.webhookPort).toBe('off');
      expect(plan.opsPort).toBeUndefined();
      expect(plan.notice?.level).toBe('warn');
      expect(plan.notice?.message).toMatch(/METRICS_PORT.*METRICS_TOKEN/);
    }
  });

  it('with METRICS_TOKEN only, serves /metrics on the webhook port behind the token', () => {
    const plan = planMetricsExposure({ role: 'all', metricsToken: TOKEN });
    expect(plan.webhookPort).toEqual({ bearer: TOKEN });
    expect(plan.opsPort).toBeUndefined();
    expect(plan.notice?.level).toBe('info');
    expect(plan.notice?.message).not.toContain(TOKEN);
  });

  it('with METRICS_PORT only, serves it open on that port and not on the webhook port', () => {
    const plan = planMetricsExposure({ role: 'web', metricsPort: 9464 });
    expect(plan.webhookPort).toBe('off');
    expect(plan.opsPort).toEqual({ port: 9464, metrics: 'open' });
  });

  it('with both, requires the token on both ports', () => {
    const plan = planMetricsExposure({ role: 'all', metricsPort: 9464, metricsToken: TOKEN });
    expect(plan.webhookPort).toEqual({ bearer: TOKEN });
    expect(plan.opsPort).toEqual({ port: 9464, metrics: { bearer: TOKEN } });
  });

  it('a worker uses WORKER_PORT, else METRICS_PORT, and the token when set; without either it listens nowhere, silently', () => {
    expect(planMetricsExposure({ role: 'worker', workerPort: 9000, metricsPort: 9464 }).opsPort).toEqual({ port: 9000, metrics: 'open' });
    expect(planMetricsExposure({ role: 'worker', metricsPort: 9464, metricsToken: TOKEN }).opsPort).toEqual({ port: 9464, metrics: { bearer: TOKEN } });
    expect(planMetricsExposure({ role: 'worker' })).toEqual({ webhookPort: 'off' });
  });
});
