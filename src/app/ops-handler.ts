import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../metrics.js';
import type { JobQueue } from '../queue/review-job.js';

/**
 * Who may read `/metrics` on one port: nobody (the path falls through, so the server answers 404),
 * anyone (a private port), or whoever sends `Authorization: Bearer <token>`.
 */
export type MetricsAccess = 'off' | 'open' | { bearer: string };

export interface OpsHandlerDeps {
  queue: JobQueue;
  metrics: Metrics;
  /** Whether the queue lives in Redis (so `/healthz` reports Redis reachability). */
  usesRedis: boolean;
  /** Who may read `/metrics` here; `/healthz` is always open (container and load-balancer probes). */
  metricsAccess: MetricsAccess;
}

/** A request handler in Probot's `addHandler` shape: returns true when it answered. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Serves `GET /healthz` (200 when the queue store is reachable, else 503, with the queue depth) and
 * `GET /metrics` (Prometheus text) as `metricsAccess` allows: 401 without the right bearer token.
 * Everything else falls through to the next handler.
 *
 * @example
 * const ops = createOpsHandler({ queue, metrics, usesRedis: false, metricsAccess: { bearer: env.metricsToken } });
 * addHandler(ops); // GET /metrics with "Authorization: Bearer <token>" → 200, without → 401
 */
export function createOpsHandler(deps: OpsHandlerDeps): RequestHandler {
  const access = deps.metricsAccess;
  const allowed = typeof access === 'object' ? bearerCheck(access.bearer) : () => access === 'open';
  return async (req, res) => {
    if (req.method !== 'GET') return false;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') {
      const [healthy, depth] = await Promise.all([deps.queue.healthy(), deps.queue.depth().catch(() => undefined)]);
      const ok = healthy && depth !== undefined;
      const body = {
        status: ok ? 'ok' : 'unavailable',
        queue: depth ?? null,
        redis: deps.usesRedis ? (healthy ? 'reachable' : 'unreachable') : 'not used',
      };
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      return true;
    }
    if (path === '/metrics' && access !== 'off') {
      if (!allowed(req.headers.authorization)) {
        res
          .writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain', 'cache-control': 'no-store' })
          .end('401: /metrics needs "Authorization: Bearer <METRICS_TOKEN>"\n');
        return true;
      }
      const text = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType, 'cache-control': 'no-store' }).end(text);
      return true;
    }
    return false;
  };
}

/**
 * A check of an `Authorization` header against `Bearer <token>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or the first differing byte of a guess.
 */
function bearerCheck(token: string): (header: string | undefined) => boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
    return match !== null && timingSafeEqual(digest(match[1] ?? ''), expected);
  };
}
