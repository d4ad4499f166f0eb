import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../metrics.js';
import type { JobQueue } from '../queue/review-job.js';

export interface OpsHandlerDeps {
  queue: JobQueue;
  metrics: Metrics;
  /** Whether the queue lives in Redis (so `/healthz` reports Redis reachability). */
  usesRedis: boolean;
}

/** A request handler in Probot's `addHandler` shape: returns true when it answered. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Serves `GET /healthz` (200 when the queue store is reachable, else 503, with the queue depth) and
 * `GET /metrics` (Prometheus text). Everything else falls through to the next handler.
 */
export function createOpsHandler(deps: OpsHandlerDeps): RequestHandler {
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
    if (path === '/metrics') {
      const text = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text);
      return true;
    }
    return false;
  };
}
