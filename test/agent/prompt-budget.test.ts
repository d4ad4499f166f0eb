import { describe, expect, it } from 'vitest';
import { measureBenchCases } from '../../bench/agent/bench-cases.js';

/**
 * The agent's prompt-size targets, measured offline the same way `npm run bench:agent` prints them:
 * what the planner would send versus a naive prompt of the whole diff plus every head file.
 */
describe('agent prompt budget (bench/agent)', async () => {
  const [demo, large] = await measureBenchCases();

  it('sends at most half the PR data of a naive whole-diff prompt for the demo PR', () => {
    expect(demo?.filesSelected).toBe(5);
    expect(demo?.prDataRatio).toBeLessThanOrEqual(0.5);
    // The integration map (computed context, counted apart) costs a tenth of the PR data at most.
    expect(demo?.integrationTokens).toBeGreaterThan(0);
    expect(demo!.integrationTokens).toBeLessThanOrEqual(0.1 * demo!.ours.prDataTokens);
    expect(demo?.ours.requests).toHaveLength(1);
    expect(demo?.ours.notCovered).toBe(0);
  });

  it('sends a small fraction of a naive prompt for a large PR, in a few requests, covering every selected file', () => {
    expect(large?.prDataRatio).toBeLessThanOrEqual(0.5);
    expect(large?.totalRatio).toBeLessThanOrEqual(0.1);
    expect(large?.ours.requests.length).toBeGreaterThan(1);
    expect(large?.ours.requests.length).toBeLessThanOrEqual(4);
    expect(large?.ours.notCovered).toBe(0);
    for (const r of large?.ours.requests ?? []) expect(r.inputTokens).toBeLessThanOrEqual(48_000);
  });

  it('marks the instructions as a cacheable prefix of every request', () => {
    for (const m of [demo, large]) {
      const shares = m?.ours.requests.map((r) => r.cacheableShare) ?? [];
      expect(shares.every((s) => s > 0.05 && s < 1)).toBe(true);
      expect(new Set(m?.ours.requests.map((r) => r.cachedTokens)).size).toBe(1);
    }
  });
});
