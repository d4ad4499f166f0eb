import { describe, expect, it } from 'vitest';
import { createRecentDeliveries } from '../../src/app/recent-deliveries.js';

describe('createRecentDeliveries', () => {
  it('claims an id once', () => {
    const seen = createRecentDeliveries();
    expect(seen.claim('a')).toBe(true);
    expect(seen.claim('a')).toBe(false);
  });

  it('forgets the least recently seen id beyond its bound', () => {
    const seen = createRecentDeliveries(2);
    seen.claim('a');
    seen.claim('b');
    seen.claim('a'); // refreshes a
    seen.claim('c'); // evicts b
    expect(seen.claim('a')).toBe(false);
    expect(seen.claim('b')).toBe(true);
  });

  it('lets a released id be claimed again', () => {
    const seen = createRecentDeliveries();
    seen.claim('a');
    seen.release('a');
    expect(seen.claim('a')).toBe(true);
  });
});
