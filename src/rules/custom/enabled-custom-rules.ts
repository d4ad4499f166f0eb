import type { CustomRule } from './load-custom-rules.js';

/** `true`/`false`, or (per-rule settings) an object whose `enabled` says. */
function toggleOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { enabled?: unknown }).enabled === 'boolean') return (value as { enabled: boolean }).enabled;
  return undefined;
}

/**
 * The custom rules that run, by the same `rules:` config as the built-in ones: `rules: { <id>: false }`
 * turns a rule off, `rules: { <id>: true }` turns on one whose file says `severity: off`.
 *
 * @example enabledCustomRules(rules, { 'stripe-outside-payments': false })
 */
export function enabledCustomRules(rules: readonly CustomRule[], toggles: Readonly<Record<string, unknown>>): CustomRule[] {
  return rules
    .filter((r) => toggleOf(toggles[r.id]) ?? r.defaultMode !== 'off')
    .map((r) => (toggleOf(toggles[r.id]) === true && r.defaultMode === 'off' ? { ...r, defaultMode: 'inline' as const } : r));
}
