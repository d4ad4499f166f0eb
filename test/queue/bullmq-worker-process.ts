/**
 * A BullMQ worker in its own process, for the kill -9 test (bullmq.test.ts): runs jobs that never
 * finish and says on stdout when it is ready and when a job started.
 * Usage: tsx test/queue/bullmq-worker-process.ts <redis-url> <prefix>
 */
import { createBullmqQueue } from '../../src/queue/bullmq-queue.js';

const [redisUrl, prefix] = process.argv.slice(2);
if (!redisUrl || !prefix) throw new Error('usage: bullmq-worker-process.ts <redis-url> <prefix>');
const queue = createBullmqQueue({ redisUrl, prefix });
await queue.start(async (job) => {
  process.stdout.write(`started ${job.deliveryId}\n`);
  await new Promise(() => undefined); // works until killed
});
process.stdout.write('ready\n');
