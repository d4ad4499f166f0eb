import { couplingRules } from './families/coupling.js';
import { errorHandlingRules } from './families/error-handling.js';
import { resilienceRules } from './families/resilience.js';
import { abstractionRules } from './families/abstraction.js';
import { securityRules } from './families/security.js';
import { performanceRules } from './families/performance.js';
import { boundaryRules } from './families/boundaries.js';
import { repositoryRules } from './families/repository.js';
import { ruleEnabled, type RuleSettings } from './rule-settings.js';
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
  ...repositoryRules,
];

/**
 * The rules turned on by config: `rules: { id: false }` (or `{ enabled: false }`) turns one off,
 * `rules: { id: true }` (or `{ enabled: true }`) turns on a rule that is off by default (`defaultMode: 'off'`)
 * and posts a summary-only rule's findings inline. The long form's other keys (`severity`, `paths`,
 * `exclude`) are applied by the review (see `rule-settings.ts`).
 */
export function enabledRules(settings: RuleSettings): Rule[] {
  return ALL_RULES.filter((r) => ruleEnabled(settings, r.id) ?? r.defaultMode !== 'off').map((r) =>
    ruleEnabled(settings, r.id) === true && r.defaultMode !== undefined && r.defaultMode !== 'inline' ? { ...r, defaultMode: 'inline' as const } : r,
  );
}
