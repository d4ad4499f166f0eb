/** `npm run worker`: only the review worker, taking jobs from Redis (REDIS_URL), whatever REVIEW_ROLE says. */
import { startProcess } from './start-process.js';

await startProcess('worker');
