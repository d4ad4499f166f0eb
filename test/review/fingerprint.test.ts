import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/review/fingerprint.js';

describe('fingerprint', () => {
  it('ignores whitespace changes and line numbers but not the code', () => {
    const a = fingerprint({ ruleId: 'r', category: 'security', path: 'a.ts', code: ['  const x = 1;'] });
    const b = fingerprint({ ruleId: 'r', category: 'security', path: 'a.ts', code: ['const   x = 1;  '] });
    const c = fingerprint({ ruleId: 'r', category: 'security', path: 'a.ts', code: ['const x = 2;'] });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
  it('differs by rule and path', () => {
    const base = { category: 'security', code: ['x'] };
    expect(fingerprint({ ...base, ruleId: 'a', path: 'p' })).not.toBe(fingerprint({ ...base, ruleId: 'b', path: 'p' }));
    expect(fingerprint({ ...base, ruleId: 'a', path: 'p' })).not.toBe(fingerprint({ ...base, ruleId: 'a', path: 'q' }));
  });
});
