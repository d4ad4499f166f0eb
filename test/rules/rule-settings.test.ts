import { describe, expect, it } from 'vitest';
import { ALL_RULES, enabledRules } from '../../src/rules/registry.js';
import { ruleAppliesTo, ruleEnabled, ruleIdsForPath, withConfiguredSeverity } from '../../src/rules/rule-settings.js';
import { finding } from '../review/factories.js';

describe('rule settings (rules: { <id>: … } in config)', () => {
  it('reads enabled from both forms, and leaves a rule to its default when neither says', () => {
    expect(ruleEnabled({ a: false, b: true, c: { enabled: false }, d: { severity: 'low' } }, 'a')).toBe(false);
    expect(ruleEnabled({ b: true }, 'b')).toBe(true);
    expect(ruleEnabled({ c: { enabled: false } }, 'c')).toBe(false);
    expect(ruleEnabled({ d: { severity: 'low' } }, 'd')).toBeUndefined();
    expect(ruleEnabled({}, 'e')).toBeUndefined();
  });

  it('turns rules on and off with the long form as with booleans', () => {
    const id = ALL_RULES[0]!.id;
    expect(enabledRules({ [id]: { enabled: false } }).map((r) => r.id)).not.toContain(id);
    expect(enabledRules({ [id]: { severity: 'low' } }).map((r) => r.id)).toContain(id);
    const summary = ALL_RULES.find((r) => r.defaultMode === 'summary')!;
    expect(enabledRules({ [summary.id]: { enabled: true } }).find((r) => r.id === summary.id)?.defaultMode).toBe('inline');
  });

  it('limits a rule to `paths` and keeps it off `exclude`, exclude winning; a glob without / matches the file name', () => {
    const settings = { r: { paths: ['src/payments/**', '*.py'], exclude: ['**/fixtures/**'] } };
    expect(ruleAppliesTo(settings, 'r', 'src/payments/stripe.ts')).toBe(true);
    expect(ruleAppliesTo(settings, 'r', 'tools/deep/job.py')).toBe(true);
    expect(ruleAppliesTo(settings, 'r', 'src/orders/repo.ts')).toBe(false);
    expect(ruleAppliesTo(settings, 'r', 'src/payments/fixtures/stripe.ts')).toBe(false);
    expect(ruleAppliesTo(settings, 'other', 'anything.ts')).toBe(true);
    expect(ruleAppliesTo({ r: { paths: [] } }, 'r', 'src/a.ts')).toBe(true);
  });

  it('gives a per-file rule list only when config narrows a rule', () => {
    expect(ruleIdsForPath({ a: false, b: { severity: 'low' } }, ['a', 'b', 'c'], 'src/x.ts')).toBeUndefined();
    expect(ruleIdsForPath({ b: { exclude: ['src/**'] } }, ['a', 'b', 'c'], 'src/x.ts')).toEqual(['a', 'c']);
    expect(ruleIdsForPath({ b: { exclude: ['src/**'] } }, ['a', 'b', 'c'], 'lib/x.ts')).toEqual(['a', 'b', 'c']);
  });

  it('overrides the severity of a rule finding (over a match’s own), and leaves agent findings and other rules alone', () => {
    const out = withConfiguredSeverity(
      [finding({ ruleId: 'hardcoded-secret', severity: 'high' }), finding({ ruleId: 'swallowed-error', severity: 'medium' }), finding({ source: 'agent', severity: 'high' })],
      { 'hardcoded-secret': { severity: 'low' }, 'swallowed-error': false },
    );
    expect(out.map((f) => f.severity)).toEqual(['low', 'medium', 'high']);
  });
});
