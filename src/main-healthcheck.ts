/**
 * `node dist/main-healthcheck.js`: the image's `HEALTHCHECK`. Reads `.env` as the server does, probes
 * the process's `/healthz` once and exits 0 (healthy) or 1.
 */
import { healthcheckUrl, probeHealth } from './app/healthcheck.js';

try {
  process.loadEnvFile();
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
try {
  process.exitCode = await probeHealth(healthcheckUrl(process.env));
} catch (err) {
  console.error(`unhealthy: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
