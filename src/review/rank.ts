import { CATEGORIES, severityRank, type Finding } from './finding.js';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Review order: most severe first, then category (in `CATEGORIES` order), path, line; a rule finding
 * before an agent one on the same spot, and the fingerprint last so the order never depends on input order.
 * Use with `Array.prototype.sort`.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
    byString(a.path, b.path) ||
    a.line - b.line ||
    (a.source === b.source ? 0 : a.source === 'rule' ? -1 : 1) ||
    byString(a.fingerprint, b.fingerprint)
  );
}
