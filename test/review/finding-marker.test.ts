import { describe, expect, it } from 'vitest';
import { findingMarker, parseFindingMarker } from '../../src/review/finding-marker.js';
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
