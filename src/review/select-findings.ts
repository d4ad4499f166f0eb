import type { Config } from '../config/schema.js';
import type { LineMap } from '../diff/types.js';
import type { Finding } from './finding.js';
import type { SummaryFinding } from './ports.js';

export interface SelectFindingsInput {
  findings: readonly Finding[];
  config: Config;
  /** Line maps of the files in the diff, by path. */
  lineMaps: ReadonlyMap<string, LineMap>;
  /** Fingerprints posted by an earlier review of this PR: not repeated. */
  alreadyPosted?: ReadonlySet<string>;
}

export interface SelectedFindings {
  /** Anchored to commentable lines, ranked (severity, then category), at most `max_inline_comments`. */
  inline: Finding[];
  /** Everything else that survived filtering: not in the diff, or over the cap. */
  summaryOnly: SummaryFinding[];
  /** How many findings were left out because an earlier review posted them. */
  alreadyPosted: number;
}

/**
 * Filters (category on/off, minimum severity), merges duplicates (same fingerprint, or a rule and an
 * agent finding on the same lines and category), ranks, anchors and caps. Nothing is dropped silently:
 * what cannot be inline goes to `summaryOnly` with the reason.
 */
export function selectFindings(input: SelectFindingsInput): SelectedFindings {
  void input;
  throw new Error('selectFindings: not implemented yet');
}
