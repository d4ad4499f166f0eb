import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarker, renderMarker } from '../../src/review/marker.js';

describe('review marker', () => {
  it('renders the documented hidden comment', () => {
    expect(renderMarker({ headSha: 'abc123', fingerprints: ['f1', 'f2'], version: '0.1.0' })).toBe('<!-- arch-review:v1 sha=abc123 fp=f1,f2 ver=0.1.0 -->');
  });

  it('round-trips any state, whatever characters it holds', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.string({ minLength: 1 })), fc.string(), (headSha, fingerprints, version) => {
        const marker = renderMarker({ headSha, fingerprints, version });
        expect(marker).not.toMatch(/\n/);
        expect(marker.indexOf('-->')).toBe(marker.length - 3);
        expect(parseMarker(`summary\n\n${marker}`)).toEqual({ headSha, fingerprints, version });
      }),
    );
  });

  it('reads the last marker in a body', () => {
    const body = `${renderMarker({ headSha: 'old', fingerprints: [], version: '1' })}\n${renderMarker({ headSha: 'new', fingerprints: ['a'], version: '2' })}`;
    expect(parseMarker(body)).toEqual({ headSha: 'new', fingerprints: ['a'], version: '2' });
  });

  it('returns undefined for bodies without a usable marker', () => {
    for (const body of ['', 'no marker', '<!-- arch-review:v2 sha=a fp= ver=1 -->', '<!-- arch-review:v1 fp=a ver=1 -->', '<!-- arch-review:v1 sha= -->']) {
      expect(parseMarker(body)).toBeUndefined();
    }
  });

  it('tolerates garbage fields and bad encodings', () => {
    expect(parseMarker('<!-- arch-review:v1 junk sha=abc fp=a,%E0%A4%A,,b x=y -->')).toEqual({ headSha: 'abc', fingerprints: ['a', 'b'], version: '' });
  });
});
