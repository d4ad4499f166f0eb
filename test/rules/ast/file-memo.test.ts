import { describe, expect, it } from 'vitest';
import { fileMemo, memoised, withFileMemo } from '../../../src/rules/ast/file-memo.js';
import { runRules } from '../../../src/rules/run-rules.js';
import { ALL_RULES } from '../../../src/rules/registry.js';

const OWNER = {};

describe('file memo', () => {
  it('computes once per open file and every time outside one', () => {
    let computed = 0;
    const ask = () => memoised(OWNER, 'k', () => ++computed);
    expect(ask()).toBe(1);
    expect(ask()).toBe(2); // no file open: no caching
    withFileMemo(() => {
      expect(ask()).toBe(3);
      expect(ask()).toBe(3);
    });
    withFileMemo(() => expect(ask()).toBe(4)); // the next file starts empty
    expect(fileMemo(OWNER, () => new Map())).toBeUndefined();
  });

  it('gives a nested analysis its own memo and restores the outer one, also after a throw', () => {
    withFileMemo(() => {
      memoised(OWNER, 'k', () => 'outer');
      expect(() => withFileMemo(() => {
        expect(memoised(OWNER, 'k', () => 'inner')).toBe('inner');
        throw new Error('rule failed');
      })).toThrow('rule failed');
      expect(memoised(OWNER, 'k', () => 'again')).toBe('outer');
    });
    expect(fileMemo(OWNER, () => 1)).toBeUndefined();
  });

  it('leaves no memo open after the rules of a file have run', () => {
    const source = "import axios from 'axios';\nexport async function f(id: string) {\n  for (const x of [1, 2]) await axios.post(`https://x/${id}`, { x });\n}\n";
    const once = runRules({ path: 'src/a.ts', language: 'typescript', source, changedLines: new Set([1, 2, 3, 4]) }, ALL_RULES);
    const twice = runRules({ path: 'src/a.ts', language: 'typescript', source, changedLines: new Set([1, 2, 3, 4]) }, ALL_RULES);
    expect(once.findings.length).toBeGreaterThan(0);
    expect(twice.findings.map((f) => [f.ruleId, f.line])).toEqual(once.findings.map((f) => [f.ruleId, f.line]));
    expect(fileMemo(OWNER, () => 1)).toBeUndefined();
  });
});
