import { couplingRules } from './families/coupling.js';
import { errorHandlingRules } from './families/error-handling.js';
import { resilienceRules } from './families/resilience.js';
import { abstractionRules } from './families/abstraction.js';
import { securityRules } from './families/security.js';
import { performanceRules } from './families/performance.js';
import { boundaryRules } from './families/boundaries.js';
import type { Rule } from './types.js';

/** Every rule arch-review ships, by family. Ids are unique (a test checks). */
export const ALL_RULES: readonly Rule[] = [
  ...securityRules,
  ...errorHandlingRules,
  ...resilienceRules,
  ...performanceRules,
  ...couplingRules,
  ...abstractionRules,
  ...boundaryRules,
];

/**
 * The rules turned on by config: `rules: { id: false }` turns one off, `rules: { id: true }` turns on a rule
 * that is off by default (`defaultMode: 'off'`) and posts a summary-only rule's findings inline.
 */
export function enabledRules(toggles: Readonly<Record<string, boolean>>): Rule[] {
  return ALL_RULES.filter((r) => (toggles[r.id] === undefined ? r.defaultMode !== 'off' : toggles[r.id])).map((r) =>
    toggles[r.id] === true && r.defaultMode !== undefined && r.defaultMode !== 'inline' ? { ...r, defaultMode: 'inline' as const } : r,
  );
}
