/**
 * `npm start`: the GitHub App. REVIEW_ROLE picks what this process does: `all` (default: webhooks and
 * reviews), `web` (webhooks only, jobs go to Redis) or `worker` (reviews only).
 */
import { startProcess } from './start-process.js';

await startProcess();
