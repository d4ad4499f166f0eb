import { describe, expect, it } from 'vitest';
import { dismissedCommentMarker, findingCommentMarker, findingMarker, parseDismissedCommentMarkers, parseFindingCommentMarker, parseFindingMarker, withoutDismissal } from '../../src/review/finding-marker.js';
import { toComment } from '../../src/github/github-publisher.js';
import type { Finding } from '../../src/review/finding.js';

const finding = (over: Partial<Finding> = {}): Finding => ({
  path: 'src/pay.ts',
  line: 12,
  side: 'RIGHT',
  category: 'resilience',
  severity: 'high',
  title: 'HTTP call without a timeout',
  body: 'Set a timeout.',
  source: 'rule',
  ruleId: 'http-call-without-timeout',
  fingerprint: '0123456789abcdef',
  ...over,
});

describe('finding marker', () => {
  it('reads back the fingerprint, category and rule id it wrote', () => {
    const text = `Some comment\n\n${findingMarker(finding())}`;
    expect(parseFindingMarker(text)).toEqual({ fingerprint: '0123456789abcdef', category: 'resilience', ruleId: 'http-call-without-timeout' });
  });

  it('has no rule for an agent finding', () => {
    expect(parseFindingMarker(findingMarker(finding({ ruleId: undefined, source: 'agent', category: 'coupling' })))).toEqual({ fingerprint: '0123456789abcdef', category: 'coupling' });
  });

  it('cannot be ended early by a value: dashes and angle brackets are encoded', () => {
    const marker = findingMarker(finding({ ruleId: 'evil --> <b>', fingerprint: 'a-->b' }));
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(parseFindingMarker(marker)).toMatchObject({ fingerprint: 'a-->b', ruleId: 'evil --> <b>' });
  });

  it('takes the last marker and refuses one without fingerprint or with an unknown category', () => {
    const two = `${findingMarker(finding({ fingerprint: 'first' }))}\n${findingMarker(finding({ fingerprint: 'second' }))}`;
    expect(parseFindingMarker(two)?.fingerprint).toBe('second');
    expect(parseFindingMarker('<!-- arch-review:finding cat=resilience -->')).toBeUndefined();
    expect(parseFindingMarker('<!-- arch-review:finding fp=abc cat=style -->')).toBeUndefined();
    expect(parseFindingMarker('no marker here')).toBeUndefined();
  });

  it('ends every inline review comment the publisher sends, whole even when the body is cut', () => {
    const body = toComment(finding()).body;
    expect(body.endsWith(findingMarker(finding()))).toBe(true);
    const huge = toComment(finding({ body: 'lorem ipsum '.repeat(6_000) })).body;
    expect(huge.length).toBeLessThanOrEqual(65_536);
    expect(parseFindingMarker(huge)?.fingerprint).toBe('0123456789abcdef');
  });
});

describe('the hidden markers of inline comments', () => {
  it('round-trips a finding’s fingerprint and rule id, also when the id holds characters that could end the comment', () => {
    const body = `**HTTP call without a timeout**\n\n${findingCommentMarker({ fingerprint: '0123456789abcdef', ruleId: 'custom-->rule id' })}`;
    expect(parseFindingCommentMarker(body)).toEqual({ fingerprint: '0123456789abcdef', ruleId: 'custom-->rule id' });
    expect(findingCommentMarker({ fingerprint: 'ab' })).toBe('<!-- arch-review:finding fp=ab -->');
    expect(parseFindingCommentMarker('plain text')).toBeUndefined();
  });

  it('records dismissals in the body and takes one reason back', () => {
    const at = '2026-01-02T03:04:05.000Z';
    const body = `text\n${dismissedCommentMarker({ reason: 'resolved', at })}\n${dismissedCommentMarker({ reason: 'reply', at })}`;
    expect(parseDismissedCommentMarkers(body)).toEqual([
      { reason: 'resolved', at },
      { reason: 'reply', at },
    ]);
    expect(parseDismissedCommentMarkers(withoutDismissal(body, 'resolved'))).toEqual([{ reason: 'reply', at }]);
    // An unknown reason or a bad time is not a dismissal.
    expect(parseDismissedCommentMarkers('<!-- arch-review:dismissed reason=whatever at=2026-01-01 -->\n<!-- arch-review:dismissed reason=reply at=yesterday -->')).toEqual([]);
  });
});
