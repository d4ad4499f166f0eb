import { afterAll, beforeAll, describe } from 'vitest';
import { createMemoryFeedbackStore } from '../../src/feedback/feedback-store.js';
import { createRedisFeedbackStore } from '../../src/feedback/redis-feedback-store.js';
import { redisUnavailableReason, startRedis, type TestRedis } from '../queue/redis-server.js';
import { feedbackStoreContract } from './feedback-store-contract.js';

describe('the in-memory feedback store', () => {
  feedbackStoreContract(async () => createMemoryFeedbackStore());
});

describe.skipIf(redisUnavailableReason() !== undefined)('the Redis feedback store (a real redis-server)', () => {
  let redis: TestRedis;
  let n = 0;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  // Each test gets its own key prefix, so tests do not see each other's data.
  feedbackStoreContract(async () => createRedisFeedbackStore(redis.url, { prefix: `test-${++n}` }));
});
