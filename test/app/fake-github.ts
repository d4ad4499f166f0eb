import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A route: `METHOD /path` (as GitHub Enterprise serves it, under /api/v3) to a status and JSON body. */
export type Routes = Record<string, { status: number; body?: unknown } | ((req: SeenRequest) => { status: number; body?: unknown })>;

/** A fake GitHub Enterprise API on 127.0.0.1 (GHE_HOST=127.0.0.1:<port>, GHE_PROTOCOL=http). */
export interface FakeGitHub {
  host: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts the fake; unknown routes answer 404 (and are recorded, so tests can see them). */
export async function startFakeGitHub(routes: Routes): Promise<FakeGitHub> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const seen = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
      requests.push(seen);
      const route = routes[`${seen.method} ${seen.path}`];
      const answer = typeof route === 'function' ? route(seen) : (route ?? { status: 404, body: { message: 'Not Found' } });
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
