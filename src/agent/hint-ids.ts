import type { Finding } from '../review/finding.js';

/** A rule finding as the agent sees it: a short id it can answer about, and the finding. */
export interface NumberedHint {
  /** `R1`, `R2`…: unique within one review. */
  id: string;
  finding: Finding;
}

/**
 * Gives every rule finding of a review a short id (`R1`…), so the agent can confirm or reject one by id
 * without echoing paths or fingerprints back. The ids are numbered over the whole review (by path, then
 * line), not per request, so an id names one finding whichever request shows it, and reads in order.
 *
 * @example numberHints([secretFinding, timeoutFinding]).map((h) => h.id) // ['R1', 'R2'], by path and line
 */
export function numberHints(hints: readonly Finding[]): NumberedHint[] {
  const ordered = [...hints].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return ordered.map((finding, i) => ({ id: `R${i + 1}`, finding }));
}
