import { expect, it } from 'vitest';
import type { FeedbackStore } from '../../src/feedback/feedback-store.js';
import type { FeedbackEvent } from '../../src/review/feedback.js';

const repo = { owner: 'Acme', repo: 'Payments' };
const dismissed = (fingerprint: string, ruleId: string, at: string, prNumber = 7): FeedbackEvent => ({ kind: 'dismissed', fingerprint, ruleId, reason: 'thumbs-down', prNumber, at });

/** What every feedback store must do; run against the in-memory store and the Redis one. */
export function feedbackStoreContract(make: () => Promise<FeedbackStore>): void {
  it('records each piece of feedback once and says which were new', async () => {
    const store = await make();
    const a = dismissed('0123456789abcdef', 'http-call-without-timeout', '2026-01-01T00:00:00.000Z');
    expect(await store.record(repo, [a])).toEqual([a]);
    // The same finding again (its marker form too) is not new; a 👍 on it is another kind.
    const again = { ...a, fingerprint: '0123456789ab', at: '2026-01-02T00:00:00.000Z' };
    const approved: FeedbackEvent = { kind: 'approved', fingerprint: a.fingerprint, ruleId: a.ruleId!, prNumber: 7, at: a.at };
    expect(await store.record(repo, [again, approved])).toEqual([approved]);
    const loaded = await store.load({ owner: 'acme', repo: 'payments' });
    expect(loaded.events).toHaveLength(2);
    expect(loaded.events).toContainEqual(a);
    await store.close();
  });

  it('keeps repositories apart', async () => {
    const store = await make();
    await store.record(repo, [dismissed('aaaa', 'r1', '2026-01-01T00:00:00.000Z')]);
    expect((await store.load({ owner: 'acme', repo: 'other' })).events).toEqual([]);
    await store.close();
  });

  it('forgets a rule: its events go, and older feedback is not recorded again', async () => {
    const store = await make();
    await store.record(repo, [dismissed('aaaa', 'r1', '2026-01-01T00:00:00.000Z'), dismissed('bbbb', 'r1', '2026-01-02T00:00:00.000Z'), dismissed('cccc', 'r2', '2026-01-01T00:00:00.000Z')]);
    expect(await store.forget(repo, 'r1', '2026-01-03T00:00:00.000Z')).toBe(2);
    const loaded = await store.load(repo);
    expect(loaded.events.map((e) => e.fingerprint)).toEqual(['cccc']);
    expect(loaded.forgotten.get('r1')).toBe('2026-01-03T00:00:00.000Z');
    // The same 👎 read again from the pull request does not come back; a newer one does.
    expect(await store.record(repo, [dismissed('aaaa', 'r1', '2026-01-01T00:00:00.000Z')])).toEqual([]);
    expect(await store.record(repo, [dismissed('dddd', 'r1', '2026-01-04T00:00:00.000Z')])).toHaveLength(1);
    await store.close();
  });

  it('takes back a resolved-thread dismissal, and only that reason', async () => {
    const store = await make();
    const resolved: FeedbackEvent = { ...dismissed('eeee', 'r1', '2026-01-01T00:00:00.000Z'), reason: 'resolved' };
    await store.record(repo, [resolved, dismissed('ffff', 'r1', '2026-01-01T00:00:00.000Z')]);
    expect(await store.retract(repo, 'ffff', 'resolved')).toBe(false);
    expect(await store.retract(repo, 'eeee', 'resolved')).toBe(true);
    expect((await store.load(repo)).events.map((e) => e.fingerprint)).toEqual(['ffff']);
    await store.close();
  });

  it('hands each other reviewed pull request to one reader per interval, most recent first', async () => {
    const store = await make();
    expect(await store.claimHarvest(repo, 1, 3, 50)).toEqual([]);
    // #1's reactions may have come after its review: the next review of another pull request reads them.
    expect(await store.claimHarvest(repo, 2, 3, 50)).toEqual([1]);
    expect(await store.claimHarvest(repo, 3, 3, 50)).toEqual([2]);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.claimHarvest(repo, 4, 2, 60_000)).toEqual([3, 2]);
    expect(await store.claimHarvest(repo, 5, 3, 60_000)).toEqual([4, 1]);
    expect(await store.claimHarvest({ owner: 'acme', repo: 'other' }, 9, 3, 60_000)).toEqual([]);
    await store.close();
  });
}
