import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARKER_BUDGET, fitMarker, markerKey, parseMarker, pathHash, renderMarker, type MarkedFinding } from '../../src/review/marker.js';
import { SEVERITIES } from '../../src/review/finding.js';

describe('review marker', () => {
  it('renders the documented hidden comment', () => {
    expect(renderMarker({ headSha: 'abc123', fingerprints: ['f1', 'f2'], version: '0.1.0' })).toBe('<!-- arch-review:v2 sha=abc123 fp=f1,f2 ver=0.1.0 -->');
  });

  it('keeps severity and path hash of open findings, most severe first, and shortens arch-review fingerprints to 12 hex digits', () => {
    const open: MarkedFinding[] = [
      { fingerprint: '0123456789abcdef', severity: 'low', pathHash: pathHash('src/a.ts') },
      { fingerprint: 'fedcba9876543210', severity: 'high', pathHash: pathHash('src/b.ts') },
    ];
    const marker = renderMarker({ headSha: 'abc', fingerprints: ['0123456789abcdef', 'fedcba9876543210', 'aaaabbbbccccdddd'], open, version: '1' });
    expect(marker).toBe(`<!-- arch-review:v2 sha=abc fp=fedcba987654:h${pathHash('src/b.ts')},0123456789ab:l${pathHash('src/a.ts')},aaaabbbbcccc ver=1 -->`);
    expect(parseMarker(marker)).toEqual({
      headSha: 'abc',
      fingerprints: ['fedcba987654', '0123456789ab', 'aaaabbbbcccc'],
      open: [
        { fingerprint: 'fedcba987654', severity: 'high', pathHash: pathHash('src/b.ts') },
        { fingerprint: '0123456789ab', severity: 'low', pathHash: pathHash('src/a.ts') },
      ],
      version: '1',
    });
    expect(markerKey('0123456789abcdef')).toBe('0123456789ab');
    expect(markerKey('fp-1')).toBe('fp-1');
  });

  it('still reads v1 markers (fingerprints only, severities unknown)', () => {
    expect(parseMarker('Summary\n\n<!-- arch-review:v1 sha=abc fp=0123456789abcdef,f2 ver=0.1.0 -->')).toEqual({
      headSha: 'abc',
      fingerprints: ['0123456789abcdef', 'f2'],
      version: '0.1.0',
    });
  });

  it('round-trips any state, whatever characters it holds', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uniqueArray(fc.string({ minLength: 1 }).filter((s) => markerKey(s) === s)),
        fc.string(),
        fc.array(fc.constantFrom(...SEVERITIES)),
        (headSha, fingerprints, version, severities) => {
          const open = fingerprints.slice(0, severities.length).map((fingerprint, i) => ({ fingerprint, severity: severities[i]!, pathHash: pathHash(fingerprint) }));
          const marker = renderMarker({ headSha, fingerprints, open, version });
          expect(marker).not.toMatch(/\n/);
          expect(marker.indexOf('-->')).toBe(marker.length - 3);
          const back = parseMarker(`summary\n\n${marker}`)!;
          expect(back).toMatchObject({ headSha, version });
          expect(new Set(back.fingerprints)).toEqual(new Set(fingerprints));
          expect(new Set(back.open ?? [])).toEqual(new Set(open));
        },
      ),
    );
  });

  it('reads the last marker in a body', () => {
    const body = `${renderMarker({ headSha: 'old', fingerprints: [], version: '1' })}\n${renderMarker({ headSha: 'new', fingerprints: ['a'], version: '2' })}`;
    expect(parseMarker(body)).toEqual({ headSha: 'new', fingerprints: ['a'], version: '2' });
  });

  it('returns undefined for bodies without a usable marker', () => {
    for (const body of ['', 'no marker', '<!-- arch-review:v3 sha=a fp= ver=1 -->', '<!-- arch-review:v1 fp=a ver=1 -->', '<!-- arch-review:v2 sha= -->']) {
      expect(parseMarker(body)).toBeUndefined();
    }
  });

  it('tolerates garbage fields and bad encodings', () => {
    expect(parseMarker('<!-- arch-review:v1 junk sha=abc fp=a,%E0%A4%A,,b x=y -->')).toEqual({ headSha: 'abc', fingerprints: ['a', 'b'], version: '' });
    expect(parseMarker('<!-- arch-review:v2 sha=abc fp=a:zz,b:h12345,c:m0a1b2c more=x ver=1 -->')).toEqual({
      headSha: 'abc',
      fingerprints: ['a', 'b', 'c'],
      open: [{ fingerprint: 'c', severity: 'medium', pathHash: '0a1b2c' }],
      version: '1',
    });
  });

  it('stays within its budget for any number of findings, keeping the most severe and counting the rest', () => {
    const fps = Array.from({ length: 20_000 }, (_, i) => createHash('sha256').update(String(i)).digest('hex').slice(0, 16));
    const open = fps.map((fingerprint, i) => ({ fingerprint, severity: i % 20 === 0 ? ('high' as const) : ('low' as const), pathHash: '0a1b2c' }));
    const { text, omitted } = fitMarker({ headSha: 'f'.repeat(40), fingerprints: fps, open, version: '0.1.0' });
    expect(text.length).toBeLessThanOrEqual(MARKER_BUDGET);
    const back = parseMarker(text)!;
    expect(omitted).toBe(20_000 - back.fingerprints.length);
    expect(back.omitted).toBe(omitted);
    expect(back.open!.filter((f) => f.severity === 'high')).toHaveLength(1_000);
    expect(back.fingerprints.length).toBeGreaterThan(1_400);
  });
});
