import { describe, expect, it } from 'vitest';
import { withReadOnlyFallback } from '../../src/action/read-only-fallback.js';
import { countSeverities, reachesFailOn } from '../../src/action/workflow-report.js';
import { ExternalServiceError } from '../../src/errors.js';
import type { GitHubPublisher } from '../../src/github/github-publisher.js';
import { silentLogger, type ReviewResult } from '../../src/review/ports.js';

const result = { inline: [], summaryOnly: [] } as unknown as ReviewResult;

function failingWith(err: Error): GitHubPublisher {
  return {
    publish: () => Promise.reject(err),
    outcome: () => undefined,
  };
}

describe('withReadOnlyFallback', () => {
  it('hands the result to the fallback when GitHub refuses the write for good (403), and reads as nothing posted', async () => {
    const seen: ReviewResult[] = [];
    const p = withReadOnlyFallback(failingWith(new ExternalServiceError('github', 'POST … -> 403: Resource not accessible by integration', { status: 403 })), (r) => void seen.push(r), silentLogger);
    await p.publish(result);
    expect(seen).toEqual([result]);
    expect(p.readOnly()).toBe(true);
    expect(p.outcome()?.kind).toBe('nothing-new');
    expect(p.result()).toBe(result);
  });

  it('lets a rate-limit 403 (retryable), a 5xx and a 422 through: those are not a read-only token', async () => {
    for (const err of [
      new ExternalServiceError('github', 'secondary rate limit', { status: 403, retryable: true }),
      new ExternalServiceError('github', 'server error', { status: 502, retryable: true }),
      new ExternalServiceError('github', 'unprocessable', { status: 422 }),
    ]) {
      let called = false;
      const p = withReadOnlyFallback(failingWith(err), () => void (called = true), silentLogger);
      await expect(p.publish(result)).rejects.toBe(err);
      expect(called).toBe(false);
      expect(p.readOnly()).toBe(false);
    }
  });

  it('passes a published review through untouched', async () => {
    const inner: GitHubPublisher = { publish: async () => undefined, outcome: () => ({ kind: 'review', reviewId: 9, result, rejected: [] }) };
    const p = withReadOnlyFallback(inner, () => {
      throw new Error('not called');
    }, silentLogger);
    await p.publish(result);
    expect(p.outcome()).toMatchObject({ kind: 'review', reviewId: 9 });
    expect(p.readOnly()).toBe(false);
  });
});

describe('fail-on', () => {
  it('counts a finding at or above the severity: medium fails on a high one, high ignores medium and low', () => {
    expect(reachesFailOn(countSeverities(['high']), 'medium')).toBe(true);
    expect(reachesFailOn(countSeverities(['medium', 'low']), 'high')).toBe(false);
    expect(reachesFailOn(countSeverities(['low']), 'low')).toBe(true);
    expect(reachesFailOn(countSeverities(['high']), undefined)).toBe(false);
    expect(countSeverities(['high', 'low', 'low'])).toEqual({ total: 3, high: 1, medium: 0, low: 2 });
  });
});
