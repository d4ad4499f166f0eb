import type { Finding } from './finding.js';
import type { ReviewResult } from './ports.js';

/** The review summary in markdown: counts, files reviewed and skipped, summary-only findings, questions, notes. */
export function renderSummary(result: ReviewResult): string {
  void result;
  throw new Error('renderSummary: not implemented yet');
}

/** One inline comment: severity and category, what/why/fix, and a ```suggestion block where it applies. */
export function renderComment(finding: Finding): string {
  void finding;
  throw new Error('renderComment: not implemented yet');
}
