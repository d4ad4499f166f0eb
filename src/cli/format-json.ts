import type { ChangeMap } from '../integration/change-map.js';
import type { SkipReason } from '../diff/types.js';
import type { SuppressedFinding } from '../review/apply-suppressions.js';
import type { Finding } from '../review/finding.js';
import type { DemotedFinding, ReviewResult, ReviewTarget, SummaryFinding, TokenUsage } from '../review/ports.js';
import { allFindings, summarizeResult, type ReviewSummary } from './summarize-result.js';

/** The document `--format json` prints. Documented in the README's CLI section; `version` changes on a breaking change. */
export interface JsonReport {
  version: 1;
  target: Pick<ReviewTarget, 'repository' | 'headSha' | 'baseSha'>;
  summary: ReviewSummary;
  /** Every finding (inline, then summary-only), each a `Finding` exactly as the review model defines it. */
  findings: Finding[];
  /** Findings that could not be inline comments, by fingerprint, with the reason. */
  summaryOnly: Array<{ fingerprint: string; reason: SummaryFinding['reason'] }>;
  /**
   * Findings kept out on purpose (lower confidence, already in the base, rejected by the agent), with why.
   * Not in `findings`, not counted in `summary`, never a reason for a non-zero exit.
   */
  demoted: DemotedFinding[];
  /**
   * Findings an `arch-review-ignore` comment silenced, with the directive's line, scope and reason. Not in
   * `findings`, not counted in `summary`, never a reason for a non-zero exit.
   */
  suppressed: SuppressedFinding[];
  /** Every file of the diff, reviewed or skipped, with the reason. */
  files: Array<{ path: string; selected: boolean; reason: string; skipReason?: SkipReason; language?: string }>;
  questions: string[];
  assessment?: string;
  notes: string[];
  usage?: TokenUsage;
  /** The integration map of the change: module → service edges with their status and resilience facts, and the headlines. */
  integrationMap?: ChangeMap;
  /** The repository model at the head (from the base snapshot): its adapters, services, files, and whether the snapshot was cut. */
  repository?: ReviewResult['repository'];
}

/** Builds the JSON report of a review (a plain object; see `formatJson` for the text). */
export function toJsonReport(result: ReviewResult): JsonReport {
  const { repository, headSha, baseSha } = result.target;
  return {
    version: 1,
    target: { repository, headSha, ...(baseSha ? { baseSha } : {}) },
    summary: summarizeResult(result),
    findings: allFindings(result),
    summaryOnly: result.summaryOnly.map((s) => ({ fingerprint: s.finding.fingerprint, reason: s.reason })),
    demoted: result.demoted ?? [],
    suppressed: result.suppressed ?? [],
    files: result.files.map((f) => ({
      path: f.path,
      selected: f.selected,
      reason: f.reason,
      ...(f.skipReason ? { skipReason: f.skipReason } : {}),
      ...(f.language ? { language: f.language } : {}),
    })),
    questions: result.questions,
    ...(result.assessment ? { assessment: result.assessment } : {}),
    notes: result.notes,
    ...(result.usage ? { usage: result.usage } : {}),
    ...(result.integrationMap ? { integrationMap: result.integrationMap } : {}),
    ...(result.repository ? { repository: result.repository } : {}),
  };
}

/** The review as pretty-printed JSON, ending in a newline. */
export function formatJson(result: ReviewResult): string {
  return `${JSON.stringify(toJsonReport(result), null, 2)}\n`;
}
