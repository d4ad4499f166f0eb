import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/review/finding.js';
import { ALL_RULES, enabledRules } from '../../src/rules/registry.js';
import { rulesDoc, withRulesTable } from '../../src/rules/rules-doc.js';

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

  it('keeps docs/rules.md and the README rule table in step with the registry (npm run docs:rules)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8')).toBe(rulesDoc(ALL_RULES));
    expect(readme).toBe(withRulesTable(readme, ALL_RULES));
  });
});

describe('enabledRules', () => {
  const off = ALL_RULES.find((r) => r.defaultMode === 'off');
  const summary = ALL_RULES.find((r) => r.defaultMode === 'summary');

  it('leaves out a rule turned off in config, keeps the others', () => {
    const id = ALL_RULES[0]!.id;
    expect(enabledRules({ [id]: false }).map((r) => r.id)).not.toContain(id);
    expect(enabledRules({}).length).toBe(ALL_RULES.filter((r) => r.defaultMode !== 'off').length);
  });

  it.runIf(off !== undefined)('runs a rule that is off by default only when config turns it on', () => {
    expect(enabledRules({}).map((r) => r.id)).not.toContain(off!.id);
    expect(enabledRules({ [off!.id]: true }).find((r) => r.id === off!.id)?.defaultMode).toBe('inline');
  });

  it.runIf(summary !== undefined)('posts a summary-only rule inline when config turns it on', () => {
    expect(enabledRules({}).find((r) => r.id === summary!.id)?.defaultMode).toBe('summary');
    expect(enabledRules({ [summary!.id]: true }).find((r) => r.id === summary!.id)?.defaultMode).toBe('inline');
  });
});
