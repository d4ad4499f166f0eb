import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithTimeout } from '../../src/github/fetch-with-timeout.js';

describe('fetchWithTimeout', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Answers /fast at once and never answers /hang.
    server = createServer((req, res) => {
      if (req.url === '/fast') res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('passes a request that answers in time through', async () => {
    const res = await fetchWithTimeout(2_000)(`${url}/fast`);
    expect(await res.text()).toBe('ok');
  });

  it('aborts a request that hangs past the timeout', async () => {
    await expect(fetchWithTimeout(150)(`${url}/hang`)).rejects.toThrow(/abort|timeout/i);
  });

  it('still honours the caller’s own signal', async () => {
    const ctrl = new AbortController();
    const pending = fetchWithTimeout(10_000)(`${url}/hang`, { signal: ctrl.signal });
    ctrl.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });
});
