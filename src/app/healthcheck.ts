/**
 * The container health check (Docker `HEALTHCHECK`): which `/healthz` to probe, and the probe. Slim
 * images have no curl, so the check is Node's own `fetch`.
 */

/**
 * The `/healthz` URL of the process described by `env`: the webhook port (`PORT`, default 3000), or
 * for a worker-only process (`REVIEW_ROLE=worker`) its `WORKER_PORT`, else `METRICS_PORT`. The host is
 * loopback unless `HOST` names one specific interface.
 *
 * @example
 * healthcheckUrl({ PORT: '8080', HOST: '0.0.0.0' }); // 'http://127.0.0.1:8080/healthz'
 */
export function healthcheckUrl(env: NodeJS.ProcessEnv): string {
  const set = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  const port = set(env.REVIEW_ROLE) === 'worker' ? (set(env.WORKER_PORT) ?? set(env.METRICS_PORT)) : (set(env.PORT) ?? '3000');
  if (port === undefined) throw new Error('a worker-only process serves /healthz only with WORKER_PORT (or METRICS_PORT) set');
  const host = set(env.HOST);
  const loopback = host === undefined || host === '0.0.0.0' || host === '::' || host === '[::]';
  const name = loopback ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}/healthz`;
}

/**
 * Probes `url` once: 0 when it answers 2xx within `timeoutMs`, else 1 (with the reason on `report`).
 *
 * @example
 * process.exitCode = await probeHealth(healthcheckUrl(process.env));
 */
export async function probeHealth(url: string, timeoutMs = 4_000, report: (line: string) => void = console.error): Promise<0 | 1> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok) return 0;
    report(`unhealthy: GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return 1;
  } catch (err) {
    report(`unhealthy: GET ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
