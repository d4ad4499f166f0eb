import type { Category, Severity } from './finding.js';

/** Display names of the categories. */
export const CATEGORY_LABEL: Readonly<Record<Category, string>> = {
  coupling: 'Coupling',
  'error-handling': 'Error handling',
  resilience: 'Resilience',
  abstraction: 'Abstraction',
  security: 'Security',
  performance: 'Performance',
};

/**
 * Severity badges: an emoji that needs no variation selector (so nothing invisible is emitted) and a word,
 * so the severity is readable without colour.
 */
export const SEVERITY_BADGE: Readonly<Record<Severity, string>> = {
  high: '🔴 High',
  medium: '🟠 Medium',
  low: '🟡 Low',
};
