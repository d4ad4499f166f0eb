import { atLeast, type Severity } from './finding.js';
import { markerKey, pathHash, type MarkedFinding } from './marker.js';

export interface CarryForwardInput {
  /** The open findings the last review's marker kept (v2 markers; v1 markers have none). */
  lastOpen: readonly MarkedFinding[];
  /** The paths this review re-reviewed (an incremental review); `undefined`: every path was re-reviewed. */
  onlyPaths: ReadonlySet<string> | undefined;
  /** Every path in the pull request's diff now. */
  diffPaths: readonly string[];
  /** The findings this review computed (new or posted before): never carried twice. */
  present: readonly MarkedFinding[];
  /** Findings below the configured minimum severity are not carried. */
  minSeverity: Severity;
}

/**
 * The last review's open findings that are still open at this head by assumption: those on files this
 * review did not re-review (their code did not change since). A finding whose file was re-reviewed and
 * that this review did not find again is fixed, and is not carried. A full review re-reviews every file,
 * so it carries nothing. When a path hash is ambiguous (a re-reviewed file and one that was not share
 * it), the finding is carried: a check may then fail for a fixed finding, but never passes on an open one.
 *
 * @example
 * carryForward({ lastOpen: prior.lastOpen, onlyPaths: new Set(['src/a.ts']), diffPaths: ['src/a.ts', 'src/b.ts'], present: chosen.open, minSeverity: 'low' })
 * // the last marker's findings on src/b.ts
 */
export function carryForward(input: CarryForwardInput): MarkedFinding[] {
  const { onlyPaths } = input;
  if (!onlyPaths) return [];
  const reReviewed = new Set([...onlyPaths].map(pathHash));
  const notReReviewed = new Set(input.diffPaths.filter((p) => !onlyPaths.has(p)).map(pathHash));
  const present = new Set(input.present.map((f) => markerKey(f.fingerprint)));
  const out: MarkedFinding[] = [];
  for (const f of input.lastOpen) {
    const key = markerKey(f.fingerprint);
    if (present.has(key) || !atLeast(f.severity, input.minSeverity)) continue;
    if (reReviewed.has(f.pathHash) && !notReReviewed.has(f.pathHash)) continue;
    present.add(key);
    out.push(f);
  }
  return out;
}
