import { describe, expect, it } from 'vitest';
import { numberHints } from '../../src/agent/hint-ids.js';
import { resolveRuleVerdicts } from '../../src/agent/resolve-rule-verdicts.js';
import { finding } from '../review/factories.js';

const shown = numberHints([finding({ path: 'b.ts', line: 1, fingerprint: 'fb' }), finding({ path: 'a.ts', line: 9, fingerprint: 'fa' })]);

describe('numberHints and resolveRuleVerdicts', () => {
  it('numbers the hints by path and line', () => {
    expect(shown.map((h) => [h.id, h.finding.fingerprint])).toEqual([['R1', 'fa'], ['R2', 'fb']]);
  });

  it('maps verdicts on shown ids to fingerprints, and ignores unknown ids, repeats and rejects without a reason', () => {
    const r = resolveRuleVerdicts(
      [
        { id: 'r1', verdict: 'reject', reason: 'Constant value.' },
        { id: 'R1', verdict: 'confirm', reason: '' },
        { id: 'R2', verdict: 'reject', reason: ' ' },
        { id: 'R2', verdict: 'confirm', reason: 'Real.' },
        { id: 'R7', verdict: 'reject', reason: 'Made up.' },
      ],
      shown,
    );
    expect(r).toEqual({
      rejected: [{ fingerprint: 'fa', reason: 'Constant value.' }],
      confirmed: [],
      ignored: [
        { id: 'R1', why: 'repeated-id' },
        { id: 'R2', why: 'no-reason' },
        { id: 'R2', why: 'repeated-id' },
        { id: 'R7', why: 'unknown-id' },
      ],
    });
  });
});
