import { describe, expect, it } from 'vitest';
import { bullmqJobId } from '../../src/queue/bullmq-queue.js';
import { QueueJobSchema, isReplyJob, isReviewJob, queueKey, type ReplyJob } from '../../src/queue/review-job.js';

const reply: ReplyJob = { type: 'reply', kind: 'thread', installationId: 1, owner: 'acme', repo: 'shop', number: 7, deliveryId: 'd-1', enqueuedAt: 1, commentId: 11, threadRootId: 10, commenter: 'mona', question: 'Why?', createdAt: '2026-12-03T10:00:00Z' };

describe('reply jobs', () => {
  it('cross Redis unchanged (plain JSON through the queue schema)', () => {
    expect(QueueJobSchema.parse(JSON.parse(JSON.stringify(reply)))).toEqual(reply);
    expect(() => QueueJobSchema.parse({ ...reply, question: 'x'.repeat(8_001) })).toThrow();
  });

  it('are their own queue entry: never coalesced with, replacing or aborting the PR’s review', () => {
    expect(isReplyJob(reply)).toBe(true);
    expect(isReviewJob(reply)).toBe(false);
    expect(queueKey(reply)).toBe('acme/shop#7!reply-d-1');
    expect(bullmqJobId(reply)).toBe('acme/shop#7!reply-d-1');
    expect(queueKey(reply)).not.toBe(queueKey({ ...reply, deliveryId: 'd-2' }));
  });
});
