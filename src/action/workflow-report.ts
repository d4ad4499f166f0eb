import * as core from '@actions/core';
import { formatMarkdown } from '../cli/format-markdown.js';
import { allFindings } from '../cli/summarize-result.js';
import { SEVERITIES, type Finding, type Severity } from '../review/finding.js';
import { maskSecrets } from '../review/mask-secrets.js';
import type { ReviewResult } from '../review/ports.js';

/** Finding counts at the head commit: the Action's outputs. */
export interface FindingCounts {
  total: number;
  high: number;
  medium: number;
  low: number;
}

/** GitHub shows an annotation's message up to 64 KB; a finding's text is far shorter, but bound it anyway. */
const MAX_MESSAGE = 4_000;

/**
 * Counts findings by severity.
 *
 * @example countSeverities(['high', 'low', 'low']) // { total: 3, high: 1, medium: 0, low: 2 }
 */
export function countSeverities(severities: readonly Severity[]): FindingCounts {
  const counts: FindingCounts = { total: severities.length, high: 0, medium: 0, low: 0 };
  for (const s of severities) counts[s]++;
  return counts;
}

/**
 * The severities of every finding open at the review's head: the new ones and, when the review knows
 * them, those an earlier review posted that are still there (`result.open`).
 *
 * @example openSeverities(result) // ['high', 'medium', 'medium']
 */
export function openSeverities(result: ReviewResult): Severity[] {
  return result.open ? result.open.map((f) => f.severity) : allFindings(result).map((f) => f.severity);
}

/** True when a count reaches `failOn` (`high` counts only high findings; `low` counts all). */
export function reachesFailOn(counts: FindingCounts, failOn: Severity | undefined): boolean {
  if (!failOn) return false;
  return SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1).some((s) => counts[s] > 0);
}

/**
 * Writes the counts as step outputs (`total`, `high`, `medium`, `low`) to `GITHUB_OUTPUT`.
 *
 * @example writeOutputs({ total: 3, high: 1, medium: 2, low: 0 });
 */
export function writeOutputs(counts: FindingCounts): void {
  for (const [name, value] of Object.entries(counts)) core.setOutput(name, value);
}

/**
 * One workflow annotation per finding (`::error` for high, `::warning` for medium, `::notice` for low),
 * on its file and lines, escaped by `@actions/core` as the runner expects. What a read-only token gets
 * instead of inline review comments.
 *
 * @example annotateFindings(result); // ::error file=src/pay.ts,line=12,endLine=12,title=…::…
 */
export function annotateFindings(result: ReviewResult): void {
  for (const f of allFindings(result)) {
    const props: core.AnnotationProperties = { title: `arch-review: ${f.title} (${f.severity} ${f.category})`, file: f.path, startLine: f.line, endLine: Math.max(f.line, f.endLine ?? f.line) };
    const message = messageOf(f);
    if (f.severity === 'high') core.error(message, props);
    else if (f.severity === 'medium') core.warning(message, props);
    else core.notice(message, props);
  }
}

function messageOf(f: Finding): string {
  const text = maskSecrets(f.body.trim());
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** What happened, for the first lines of the job summary. */
export type SummaryHeadline =
  | { kind: 'review'; url?: string }
  | { kind: 'read-only' }
  | { kind: 'nothing-new' }
  | { kind: 'already-reviewed'; url?: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'config-error'; message: string };

/**
 * Appends to the job summary (`GITHUB_STEP_SUMMARY`): what was done, the counts and, when no review
 * could be posted (read-only token), the whole review as markdown. Nothing happens outside Actions.
 *
 * @example await writeJobSummary({ kind: 'read-only' }, counts, result);
 */
export async function writeJobSummary(headline: SummaryHeadline, counts: FindingCounts | undefined, result?: ReviewResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const full = headline.kind === 'read-only' && result !== undefined;
  // The full review brings its own `## arch-review` heading.
  const lines = full ? [`> ${headlineText(headline)}`] : ['## arch-review', '', headlineText(headline)];
  if (counts) lines.push('', `Findings open at this commit: **${counts.total}** (high ${counts.high}, medium ${counts.medium}, low ${counts.low}).`);
  if (full) lines.push('', formatMarkdown(result));
  await core.summary.addRaw(`${lines.join('\n')}\n`).write();
}

function headlineText(h: SummaryHeadline): string {
  switch (h.kind) {
    case 'review':
      return h.url ? `Posted [a review](${h.url}) on the pull request.` : 'Posted a review on the pull request.';
    case 'read-only':
      return 'The workflow’s token cannot write to this pull request (a pull request from a fork, or `permissions` without `pull-requests: write`), so the findings are shown as annotations and below instead of a review.';
    case 'nothing-new':
      return 'Nothing new since the last review, so no review was posted.';
    case 'already-reviewed':
      return h.url ? `This commit was [reviewed already](${h.url}); nothing was posted.` : 'This commit was reviewed already; nothing was posted.';
    case 'skipped':
      return `Not reviewed: ${h.reason}.`;
    case 'config-error':
      return `The configuration cannot be used: ${h.message}`;
  }
}
