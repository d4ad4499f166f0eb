import { describe, expect, it } from 'vitest';
import { dismissedCommentMarker, findingCommentMarker, parseDismissedCommentMarkers, parseFindingCommentMarker, withoutDismissal } from '../../src/review/finding-marker.js';

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
