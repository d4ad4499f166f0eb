import { describe, expect, it } from 'vitest';
import { anchorFinding } from '../../src/review/anchor-finding.js';
import { finding, lineMap } from './factories.js';

// Hunk 0: new lines 10-14 (12 added); hunk 1: 20-24 (23 added).
const map = lineMap({ right: [[10, 14], [20, 24]], added: [12, 23] });

describe('anchorFinding', () => {
  it('returns the finding unchanged, suggestion included, when its range is inside one hunk', () => {
    const f = finding({ line: 11, endLine: 13, suggestion: 'x();' });
    expect(anchorFinding(f, map)).toEqual(f);
  });

  it('drops an endLine that is not after the line', () => {
    expect(anchorFinding(finding({ line: 12, endLine: 12 }), map)).not.toHaveProperty('endLine');
  });

  it('returns undefined when the file is not in the diff', () => {
    expect(anchorFinding(finding(), undefined)).toBeUndefined();
  });

  it('shrinks a range whose start is outside the diff to the run holding an added line', () => {
    // 8-23: runs 10-14 (has 12) and 20-23 (has 23); the first with an added line wins.
    expect(anchorFinding(finding({ line: 8, endLine: 23 }), map)).toMatchObject({ line: 10, endLine: 14 });
  });

  it('shrinks to a single line without an endLine', () => {
    const anchored = anchorFinding(finding({ line: 14, endLine: 18 }), map)!;
    expect(anchored.line).toBe(14);
    expect(anchored).not.toHaveProperty('endLine');
  });

  it('on a tie, snaps an agent finding to the added line', () => {
    const tied = lineMap({ right: [[10, 10], [14, 14]], added: [14] });
    expect(anchorFinding(finding({ source: 'agent', line: 12 }), tied)?.line).toBe(14);
  });

  it('never moves a rule finding', () => {
    expect(anchorFinding(finding({ source: 'rule', line: 16 }), map)).toBeUndefined();
    expect(anchorFinding(finding({ source: 'agent', line: 16 }), map)?.line).toBe(14);
  });
});
