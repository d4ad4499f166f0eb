import type { Role } from '../config/env.js';
import type { MetricsAccess } from './ops-handler.js';

/** Where a process serves `/healthz` and `/metrics`, and who may read `/metrics` on each port. */
export interface MetricsExposure {
  /** `/metrics` on the public webhook port (web and all processes; `/healthz` is always there). */
  webhookPort: MetricsAccess;
  /** A second listener for `/healthz` and `/metrics` only (METRICS_PORT, or a worker's WORKER_PORT). */
  opsPort?: { port: number; metrics: MetricsAccess };
  /** Said once at start; a warning when this process serves `/metrics` nowhere. */
  notice?: { level: 'info' | 'warn'; message: string };
}

/**
 * Decides where `/metrics` is served. The webhook port faces the internet, so it serves `/metrics`
 * only behind `METRICS_TOKEN` (a bearer token); `METRICS_PORT` serves `/healthz` and `/metrics` on a
 * separate port (open, or behind the token when one is set). With neither, `/metrics` is served nowhere
 * and a warning says how to turn it on. A worker-only process has no webhook port: it uses
 * `WORKER_PORT`, else `METRICS_PORT`.
 *
 * @example
 * planMetricsExposure({ role: 'all', metricsPort: 9464 });
 * // { webhookPort: 'off', opsPort: { port: 9464, metrics: 'open' }, notice: { level: 'info', … } }
 */
export function planMetricsExposure(opts: { role: Role; metricsPort?: number; metricsToken?: string; workerPort?: number }): MetricsExposure {
  const guarded: MetricsAccess = opts.metricsToken ? { bearer: opts.metricsToken } : 'open';
  const behind = opts.metricsToken ? ', behind METRICS_TOKEN' : '';
  if (opts.role === 'worker') {
    const port = opts.workerPort ?? opts.metricsPort;
    return port === undefined ? { webhookPort: 'off' } : { webhookPort: 'off', opsPort: { port, metrics: guarded } };
  }
  const webhookPort: MetricsAccess = opts.metricsToken ? { bearer: opts.metricsToken } : 'off';
  if (opts.metricsPort !== undefined) {
    const also = opts.metricsToken ? ' and on the webhook port' : '';
    return {
      webhookPort,
      opsPort: { port: opts.metricsPort, metrics: guarded },
      notice: { level: 'info', message: `/metrics served on METRICS_PORT${also}${behind}` },
    };
  }
  if (opts.metricsToken) return { webhookPort, notice: { level: 'info', message: '/metrics served on the webhook port, behind METRICS_TOKEN' } };
  return {
    webhookPort,
    notice: {
      level: 'warn',
      message: '/metrics is not served: set METRICS_PORT (a separate port for /healthz and /metrics) or METRICS_TOKEN (a bearer token for /metrics on the webhook port)',
    },
  };
}
