import { describe, expect, it } from 'vitest';
import { ConfigError, ExternalServiceError } from '../../src/errors.js';
import { MAX_ANNOTATIONS, configErrorCheckOutcome, failureCheckOutcome, retryingCheckOutput, reviewCheckOutcome } from '../../src/github/check-run-outcome.js';
import { config, finding } from '../review/factories.js';
import { reviewResult } from './review-result.js';

const failOnHigh = config({ check_run: { enabled: true, conclusion: 'failure', fail_on: 'high' } });

describe('reviewCheckOutcome', () => {
  it('is neutral by default, even with a high finding', () => {
    const out = reviewCheckOutcome(reviewResult([finding({ severity: 'high' })]), config());
    expect(out.conclusion).toBe('neutral');
    expect(out.title).toBe('1 finding: 1 high');
  });

  it('fails when the policy is failure and a finding reaches fail_on, counting summary-only findings', () => {
    const result = reviewResult([finding({ severity: 'low', line: 5 })], [{ finding: finding({ severity: 'high', line: 200 }), reason: 'not-in-diff' }]);
    const out = reviewCheckOutcome(result, failOnHigh);
    expect(out.conclusion).toBe('failure');
    expect(out.annotations.map((a) => [a.start_line, a.annotation_level])).toEqual([
      [5, 'notice'],
      [200, 'failure'],
    ]);
  });

  it('stays neutral under the failure policy when nothing reaches fail_on', () => {
    expect(reviewCheckOutcome(reviewResult([finding({ severity: 'medium' })]), failOnHigh).conclusion).toBe('neutral');
  });

  it('annotates new-side findings only, with their range', () => {
    const out = reviewCheckOutcome(reviewResult([finding({ line: 5, endLine: 7 }), finding({ line: 3, side: 'LEFT' })]), config());
    expect(out.annotations).toHaveLength(1);
    expect(out.annotations[0]).toMatchObject({ path: 'src/pay.ts', start_line: 5, end_line: 7, annotation_level: 'warning' });
  });

  it('keeps the most severe annotations when there are more than the cap, and says so', () => {
    const many = Array.from({ length: MAX_ANNOTATIONS + 10 }, (_, i) => finding({ line: i + 1, severity: i < 5 ? 'high' : 'low' }));
    const out = reviewCheckOutcome(reviewResult(many), config());
    expect(out.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(out.annotations.slice(0, 5).every((a) => a.annotation_level === 'warning')).toBe(true);
    expect(out.summary).toContain(`Annotations show the ${MAX_ANNOTATIONS} most severe of ${MAX_ANNOTATIONS + 10} findings`);
  });

  it('says when nothing new was found and links the review', () => {
    const out = reviewCheckOutcome(reviewResult([], [], { alreadyPosted: 3 }), config(), { reviewUrl: 'https://github.com/o/r/pull/2#pullrequestreview-9' });
    expect(out.title).toBe('No new findings (3 posted earlier)');
    expect(out.summary.startsWith('[Open the review](https://github.com/o/r/pull/2#pullrequestreview-9)')).toBe(true);
  });
});

describe('reviewCheckOutcome: findings posted earlier and still open (issue 7, item 10)', () => {
  it('keeps failing when a re-review finds nothing new but a high finding is still open', () => {
    const out = reviewCheckOutcome(reviewResult([], [], { alreadyPosted: 0, earlier: [{ severity: 'high' }] }), failOnHigh);
    expect(out.conclusion).toBe('failure');
    expect(out.title).toBe('1 high finding still open (posted earlier)');
    expect(out.summary).toContain('Still open from earlier reviews: 1 high (1 on files this push did not change, as the last review recorded them). Findings at or above `high` fail this check until the code is fixed.');
  });

  it('annotates a recomputed earlier finding as failing, after the new ones, and names both in the title', () => {
    const old = finding({ severity: 'high', line: 7, title: 'Old problem' });
    const out = reviewCheckOutcome(reviewResult([finding({ severity: 'low', line: 5 })], [], { alreadyPosted: 1, earlier: [{ severity: 'high', finding: old }, { severity: 'medium' }] }), failOnHigh);
    expect(out.conclusion).toBe('failure');
    expect(out.title).toBe('1 new finding: 1 low; 2 findings still open (posted earlier): 1 high, 1 medium');
    expect(out.annotations.map((a) => [a.start_line, a.annotation_level, a.title])).toEqual([
      [5, 'notice', '[low] resilience: HTTP call without a timeout'],
      [7, 'failure', '[high] resilience: Old problem (posted earlier)'],
    ]);
  });

  it('passes when the earlier findings are below fail_on, and under the neutral policy', () => {
    expect(reviewCheckOutcome(reviewResult([], [], { earlier: [{ severity: 'medium' }] }), failOnHigh).conclusion).toBe('neutral');
    const neutral = reviewCheckOutcome(reviewResult([], [], { earlier: [{ severity: 'high' }] }), config());
    expect(neutral).toMatchObject({ conclusion: 'neutral', title: '1 high finding still open (posted earlier)' });
  });

  it('says "No findings" when every earlier finding was fixed', () => {
    expect(reviewCheckOutcome(reviewResult([], [], { earlier: [] }), failOnHigh)).toMatchObject({ conclusion: 'neutral', title: 'No findings' });
  });
});

describe('configErrorCheckOutcome', () => {
  it('fails, quotes the error with its line and annotates that line', () => {
    const err = new ConfigError('max_inline_comments: expected number, received string', '.github/arch-review.yml:3:22');
    const out = configErrorCheckOutcome(err);
    expect(out.conclusion).toBe('failure');
    expect(out.summary).toContain('.github/arch-review.yml:3:22: max_inline_comments: expected number, received string');
    expect(out.annotations).toEqual([expect.objectContaining({ path: '.github/arch-review.yml', start_line: 3, annotation_level: 'failure' })]);
  });

  it('does not annotate a file of another repository', () => {
    expect(configErrorCheckOutcome(new ConfigError('bad', 'acme/.github:.github/arch-review.yml:2:1')).annotations).toEqual([]);
  });
});

describe('failureCheckOutcome', () => {
  it('is neutral and says why for project errors', () => {
    const out = failureCheckOutcome(new ExternalServiceError('github', 'GET /repos/o/r/pulls/2 -> 401: Bad credentials (check APP_ID / PRIVATE_KEY)'));
    expect(out.conclusion).toBe('neutral');
    expect(out.title).toContain('The review failed: github: GET /repos/o/r/pulls/2 -> 401');
    expect(out.summary).toContain('check APP_ID / PRIVATE_KEY');
  });

  it('names only the type of a foreign error, whose message may carry anything', () => {
    const out = failureCheckOutcome(new TypeError('token ghs_secret123 leaked'));
    expect(out.title).toContain('TypeError');
    expect(JSON.stringify(out)).not.toContain('ghs_secret123');
  });

  it('tells how to try again and never promises a retry that will not happen', () => {
    const out = failureCheckOutcome(new ExternalServiceError('github', 'GET /repos/o/r/pulls/2 -> 502: Bad Gateway', { retryable: true }), { attempt: 4, maxAttempts: 4 });
    expect(out.summary).toContain('after 4 attempts');
    expect(out.summary).toContain('Comment `/arch-review`');
    expect(out.summary).not.toMatch(/will be retried/);
  });
});

describe('retryingCheckOutput', () => {
  it('says which attempt failed, that another follows, and why', () => {
    const out = retryingCheckOutput(new ExternalServiceError('github', 'GET /repos/o/r/pulls/2 -> 502: Bad Gateway', { retryable: true }), { attempt: 1, maxAttempts: 4 });
    expect(out.title).toBe('Attempt 1 of 4 failed; retrying');
    expect(out.summary).toContain('502: Bad Gateway');
  });
});
