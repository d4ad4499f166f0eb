import { readEnv } from './config/env.js';
import type { Role } from './config/env.js';
import { ArchReviewError } from './errors.js';
import { startArchReview } from './index.js';

/**
 * Shared by both entry points: loads `.env` (as Probot does), parses the environment, starts, and
 * stops gracefully on SIGTERM/SIGINT. A second signal exits at once.
 */
export async function startProcess(role?: Role): Promise<void> {
  try {
    process.loadEnvFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let app: Awaited<ReturnType<typeof startArchReview>>;
  try {
    // The entry point's role is validated like REVIEW_ROLE (a worker needs REDIS_URL, not WEBHOOK_SECRET).
    const env = readEnv(role ? { ...process.env, REVIEW_ROLE: role } : process.env);
    app = await startArchReview(env, { role });
  } catch (err) {
    // Known configuration problems get their message only; anything else its stack.
    console.error(err instanceof ArchReviewError ? `arch-review: ${err.message}` : err);
    process.exit(1);
  }
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    app.log.info({ signal }, 'signal received');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
