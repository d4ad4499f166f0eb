import { CATEGORIES, SEVERITIES, severityRank, type Category, type Finding, type Severity } from '../review/finding.js';
import type { ReviewResult } from '../review/ports.js';

/** The counts every output format shows; the `summary` object of `--format json`. */
export interface ReviewSummary {
  /** All findings: inline plus summary-only. */
  findings: number;
  inline: number;
  summaryOnly: number;
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
  filesReviewed: number;
  filesSkipped: number;
  /** Findings left out because an earlier review already posted them. */
  alreadyPosted: number;
}

/** Every finding of a review, inline ones first, each list ranked by file, line and severity. */
export function allFindings(result: ReviewResult): Finding[] {
  return [...sortFindings(result.inline), ...sortFindings(result.summaryOnly.map((s) => s.finding))];
}

/** Findings by path, then line, then severity: the reading order of a diff. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.line - b.line ||
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
  );
}

/** Counts of a review's findings and files. */
export function summarizeResult(result: ReviewResult): ReviewSummary {
  const findings = allFindings(result);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of findings) {
    bySeverity[f.severity]++;
    byCategory[f.category]++;
  }
  const reviewed = result.files.filter((f) => f.selected).length;
  return {
    findings: findings.length,
    inline: result.inline.length,
    summaryOnly: result.summaryOnly.length,
    bySeverity,
    byCategory,
    filesReviewed: reviewed,
    filesSkipped: result.files.length - reviewed,
    alreadyPosted: result.alreadyPosted,
  };
}
