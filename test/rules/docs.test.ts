import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/review/finding.js';
import { ALL_RULES } from '../../src/rules/registry.js';

describe('the rule registry', () => {
  it('has unique ids', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers all six categories, and every rule covers TS/JS and Python', () => {
    expect(new Set(ALL_RULES.map((r) => r.category))).toEqual(new Set(CATEGORIES));
    for (const r of ALL_RULES) {
      expect(r.languages, r.id).toEqual(expect.arrayContaining(['typescript', 'tsx', 'javascript', 'python']));
      expect(r.why.length, r.id).toBeGreaterThan(40);
      expect(r.fix.length, r.id).toBeGreaterThan(40);
    }
  });

  it('is documented: every rule id appears in the README rules table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Rules'), readme.indexOf('## Design'));
    for (const r of ALL_RULES) expect(section, r.id).toContain(`\`${r.id}\``);
  });
});
