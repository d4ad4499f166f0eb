import type { Config } from '../config/schema.js';
import type { LineMap } from '../diff/types.js';
import { anchorFinding } from './anchor-finding.js';
import { atLeast, type Finding } from './finding.js';
import { markerKey, pathHash, type MarkedFinding } from './marker.js';
import { mergeFindings } from './merge-findings.js';
import type { DemotedFinding, SummaryFinding } from './ports.js';

export interface SelectFindingsInput {
  findings: readonly Finding[];
  config: Config;
  /** Line maps of the files in the diff, by path. */
  lineMaps: ReadonlyMap<string, LineMap>;
  /** Fingerprints posted by an earlier review of this PR (full, or as a marker keeps them): not repeated. */
  alreadyPosted?: ReadonlySet<string>;
}

export interface SelectedFindings {
  /** Anchored to commentable lines, ranked (severity, then category), at most `max_inline_comments`. */
  inline: Finding[];
  /** Everything else that survived filtering, ranked: not in the diff, or over the cap. */
  summaryOnly: SummaryFinding[];
  /**
   * Findings that passed the filters but are not posted inline on purpose (see `DemotedFinding`): a demotion
   * set by their producer, or a confidence under `min_confidence`. Ranked; not in the marker or the check.
   */
  demoted: DemotedFinding[];
  /** How many findings were left out because an earlier review posted them. */
  alreadyPosted: number;
  /** How many findings the configuration turned off (category off, or below `min_severity`). */
  filtered: number;
  /** How many findings were merged into another one (duplicates, or an agent finding on a rule's lines). */
  merged: number;
  /**
   * Fingerprints for the review marker: every finding that passed the filters (inline, summary, or
   * already posted), and the fingerprints merged into them, so the next review repeats none of them
   * even if only the latest marker is read.
   */
  fingerprints: string[];
  /** The findings that passed the filters but an earlier review posted: still open at this head. Ranked. */
  earlier: Finding[];
  /** Every finding that passed the filters (new or posted before), with severity and path, for the marker. */
  open: MarkedFinding[];
}

/**
 * Filters (category on/off, minimum severity), merges duplicates (same fingerprint, or a rule and an
 * agent finding on the same lines and category), ranks, anchors and caps. Nothing is dropped silently:
 * what cannot be inline goes to `summaryOnly` with the reason, and the counts say what was filtered,
 * merged or already posted. Inputs are not mutated.
 *
 * Order of the steps matters: the category filter runs first, the severity filter after merging (a merged
 * finding takes the more severe severity), and `alreadyPosted` matches any fingerprint a finding stands for.
 * See `anchorFinding` for how lines are anchored (agent findings may move up to 3 lines; rule findings never).
 *
 * @example selectFindings({ findings, config: defaultConfig(), lineMaps, alreadyPosted: new Set(['a1b2']) })
 */
export function selectFindings(input: SelectFindingsInput): SelectedFindings {
  const { config, lineMaps } = input;
  const posted = input.alreadyPosted ?? new Set<string>();

  const inCategory = input.findings.filter((f) => config.categories[f.category] !== false);
  const merged = mergeFindings(inCategory);
  const passed = merged.filter((m) => atLeast(m.finding.severity, config.min_severity));
  const demoted: DemotedFinding[] = [];
  const kept = passed.filter((m) => {
    const d = demotionOf(m.finding, config.min_confidence);
    if (d) demoted.push({ finding: m.finding, ...d });
    return !d;
  });
  const filtered = input.findings.length - inCategory.length + countFindings(merged) - countFindings(passed);

  const fingerprints = [...new Set(kept.flatMap((m) => m.fingerprints))];
  const isPosted = (fp: string) => posted.has(fp) || posted.has(markerKey(fp));
  const fresh = kept.filter((m) => !m.fingerprints.some(isPosted));
  const freshSet = new Set(fresh);

  const inline: Finding[] = [];
  const summaryOnly: SummaryFinding[] = [];
  for (const { finding } of fresh) {
    const anchored = anchorFinding(finding, lineMaps.get(finding.path));
    if (!anchored) summaryOnly.push({ finding, reason: 'not-in-diff' });
    else if (inline.length < config.max_inline_comments) inline.push(anchored);
    else summaryOnly.push({ finding, reason: 'over-cap' });
  }

  return {
    inline,
    summaryOnly,
    demoted,
    alreadyPosted: kept.length - fresh.length,
    filtered,
    merged: inCategory.length - merged.length,
    fingerprints,
    earlier: kept.filter((m) => !freshSet.has(m)).map((m) => m.finding),
    open: kept.map((m) => ({ fingerprint: m.finding.fingerprint, severity: m.finding.severity, pathHash: pathHash(m.finding.path) })),
  };
}

/** Why a finding is not inline on purpose, or undefined when it may be. */
function demotionOf(f: Finding, minConfidence: number): Omit<DemotedFinding, 'finding'> | undefined {
  if (f.demotion) return { reason: f.demotion.reason, why: f.demotion.why };
  if (f.confidence !== undefined && f.confidence < minConfidence) {
    return { reason: 'low-confidence', why: `confidence ${f.confidence.toFixed(2)} is under the threshold (\`min_confidence: ${minConfidence}\`).` };
  }
  return undefined;
}

/** How many input findings a list of merged findings stands for. */
const countFindings = (list: ReadonlyArray<{ count: number }>): number => list.reduce((n, m) => n + m.count, 0);
