import net from 'node:net';

/**
 * A loopback port nobody listens on right now (picked by the OS, then released), for a server or
 * child process a test starts.
 *
 * @example
 * const port = await freePort();
 * const app = await startAppProcess({ PORT: String(port), HOST: '127.0.0.1', ... });
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
