import { describe, expect, it } from 'vitest';
import { applyDismissals, buildLearnings, moveSummaryOnlyRules, type FeedbackEvent } from '../../src/review/feedback.js';
import { renderSummary } from '../../src/review/render.js';
import { finding } from './factories.js';

const ev = (over: Partial<FeedbackEvent> & Pick<FeedbackEvent, 'fingerprint'>): FeedbackEvent => ({
  kind: 'dismissed',
  ruleId: 'http-call-without-timeout',
  reason: 'thumbs-down',
  prNumber: 7,
  at: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('buildLearnings', () => {
  it('counts distinct dismissed findings per rule and sends a rule to summary-only at the threshold', () => {
    const events = [ev({ fingerprint: 'a'.repeat(16) }), ev({ fingerprint: 'a'.repeat(12), reason: 'resolved' }), ev({ fingerprint: 'b'.repeat(16) }), ev({ fingerprint: 'c'.repeat(16), ruleId: 'secret-in-log' })];
    const two = buildLearnings(events, new Map(), 3);
    // The same finding dismissed twice (full and marker-length fingerprint) counts once.
    expect(two.dismissalsByRule.get('http-call-without-timeout')).toBe(2);
    expect(two.summaryOnlyRules.size).toBe(0);
    const three = buildLearnings([...events, ev({ fingerprint: 'd'.repeat(16) })], new Map(), 3);
    expect([...three.summaryOnlyRules]).toEqual(['http-call-without-timeout']);
    expect(buildLearnings([...events, ev({ fingerprint: 'd'.repeat(16) })], new Map(), 0).summaryOnlyRules.size).toBe(0);
  });

  it('ignores feedback on a rule given before it was forgotten, and keeps later feedback', () => {
    const l = buildLearnings([ev({ fingerprint: 'a'.repeat(16) }), ev({ fingerprint: 'b'.repeat(16), at: '2026-03-01T00:00:00.000Z' })], new Map([['http-call-without-timeout', '2026-02-01T00:00:00.000Z']]), 1);
    expect([...l.dismissed.keys()]).toEqual(['b'.repeat(12)]);
  });

  it('counts 👍 apart from dismissals', () => {
    const l = buildLearnings([ev({ fingerprint: 'a'.repeat(16), kind: 'approved' })], new Map(), 3);
    expect(l.approvalsByRule.get('http-call-without-timeout')).toBe(1);
    expect(l.dismissed.size).toBe(0);
  });
});

describe('applyDismissals and moveSummaryOnlyRules', () => {
  it('demotes a dismissed finding (matched through the marker form of its fingerprint), never inline, listed as dismissed', () => {
    const dismissedOne = finding({ fingerprint: '0123456789abcdef', line: 3 });
    const other = finding({ fingerprint: 'fedcba9876543210', line: 9 });
    const learnings = buildLearnings([ev({ fingerprint: '0123456789ab', prNumber: 12 })], new Map(), 3);
    const { findings, suppressed } = applyDismissals([dismissedOne, other], learnings);
    expect(findings[0]!.demotion).toEqual({ reason: 'dismissed', why: 'dismissed on #12 with a 👎.' });
    expect(findings[1]!.demotion).toBeUndefined();
    expect(suppressed).toEqual(new Map([['http-call-without-timeout', 1]]));
  });

  it('moves a summary-only rule’s inline findings to the summary with one note saying how to undo it', () => {
    const learnings = buildLearnings(['1', '2', '3'].map((d) => ev({ fingerprint: d.repeat(16) })), new Map(), 3);
    const inline = [finding({ line: 3 }), finding({ line: 5, ruleId: 'secret-in-log', category: 'security' })];
    const moved = moveSummaryOnlyRules(inline, [], learnings);
    expect(moved.inline.map((f) => f.ruleId)).toEqual(['secret-in-log']);
    expect(moved.summaryOnly.map((s) => [s.finding.line, s.reason])).toEqual([[3, 'learned-summary-only']]);
    expect(moved.notes).toEqual([
      'Rule `http-call-without-timeout` was dismissed 3 times in this repository, so its findings are listed in this summary instead of inline. Comment `/arch-review forget http-call-without-timeout` to undo that.',
    ]);
    // Nothing of that rule in this review: no note.
    expect(moveSummaryOnlyRules([inline[1]!], [], learnings).notes).toEqual([]);
  });

  it('renders dismissed findings in their own collapsed group and learned summary-only findings with their reason', () => {
    const f = finding({ line: 3 });
    const body = renderSummary({
      target: { repository: 'acme/shop', number: 7, headSha: 'abc1234' },
      inline: [],
      summaryOnly: [{ finding: finding({ line: 8 }), reason: 'learned-summary-only' }],
      demoted: [{ finding: f, reason: 'dismissed', why: 'dismissed on #12 with a 👎.' }],
      files: [],
      questions: [],
      notes: [],
      alreadyPosted: 0,
      counts: { coupling: 0, 'error-handling': 0, resilience: 1, abstraction: 0, security: 0, performance: 0 },
      fingerprints: [],
      lineMaps: new Map(),
    });
    expect(body).toContain('**Dismissed earlier (👎, resolved unchanged, or a reply)** (1)');
    expect(body).toContain('dismissed on #12 with a 👎.');
    expect(body).toContain('_(its rule was dismissed often here: summary only)_');
  });
});
