import { couplingRules } from './families/coupling.js';
import { errorHandlingRules } from './families/error-handling.js';
import { resilienceRules } from './families/resilience.js';
import { abstractionRules } from './families/abstraction.js';
import { securityRules } from './families/security.js';
import { performanceRules } from './families/performance.js';
import type { Rule } from './types.js';

/** Every rule arch-review ships, by family. Ids are unique (a test checks). */
export const ALL_RULES: readonly Rule[] = [
  ...securityRules,
  ...errorHandlingRules,
  ...resilienceRules,
  ...performanceRules,
  ...couplingRules,
  ...abstractionRules,
];

/** The rules turned on by config (`rules: { id: false }` turns one off). */
export function enabledRules(toggles: Readonly<Record<string, boolean>>): Rule[] {
  return ALL_RULES.filter((r) => toggles[r.id] !== false);
}
