import { isCommentable, spansOneHunk } from '../diff/line-map.js';
import type { LineMap } from '../diff/types.js';
import type { Finding } from './finding.js';
import { codeBlock } from './markdown.js';

/** How far (in lines) an agent finding may be moved to reach a commentable line. */
export const SNAP_DISTANCE = 3;

/**
 * Anchors a finding to lines GitHub accepts a review comment on, or returns `undefined` (the caller lists
 * it in the summary as not in the diff). `map` is the line map of the finding's path, if it is in the diff.
 *
 * - A single line, or a range inside one hunk, that is commentable on the finding's side stays as it is.
 * - A range that is only partly commentable, or crosses hunks, shrinks to the commentable lines of one
 *   hunk inside it: the run holding the start line if there is one, else the first run with an added line,
 *   else the first run.
 * - An agent finding wholly outside the diff moves to the nearest commentable line at most
 *   `SNAP_DISTANCE` lines away (models often miscount by a line or two; on a tie, an added line, then the
 *   earlier one). Rule findings never move: their lines are exact, so a rule finding outside the diff is
 *   honestly reported as such.
 * A moved or shrunk finding says in its body which lines it is about, and its `suggestion` (written for the
 * original lines, so no longer safe to apply) becomes a plain code block in the body.
 */
export function anchorFinding(finding: Finding, map: LineMap | undefined): Finding | undefined {
  if (!map) return undefined;
  const side = finding.side;
  const end = finding.endLine !== undefined && finding.endLine > finding.line ? finding.endLine : undefined;
  if (end === undefined) {
    if (isCommentable(map, side, finding.line)) return withRange(finding, finding.line, undefined);
  } else {
    if (spansOneHunk(map, side, finding.line, end)) return finding;
    const run = pickRun(map, finding.line, end, side);
    if (run) return relocate(finding, run.start, run.end);
  }
  if (finding.source !== 'agent') return undefined;
  const near = nearestCommentable(map, finding.line, end ?? finding.line, side);
  return near === undefined ? undefined : relocate(finding, near, near);
}

function withRange(f: Finding, line: number, endLine: number | undefined): Finding {
  const { endLine: _drop, ...rest } = f;
  return endLine !== undefined && endLine > line ? { ...rest, line, endLine } : { ...rest, line };
}

function relocate(f: Finding, start: number, end: number): Finding {
  const original = f.endLine !== undefined && f.endLine > f.line ? `lines ${f.line}–${f.endLine}` : `line ${f.line}`;
  let body = `${f.body}\n\n_This finding is about ${original}; only ${start === end ? `line ${start}` : `lines ${start}–${end}`} ${start === end ? 'is' : 'are'} in the diff, so the comment sits there._`;
  if (f.suggestion !== undefined) body += `\n\nSuggested replacement for ${original}:\n\n${codeBlock(f.suggestion)}`;
  const { suggestion: _s, ...rest } = f;
  return withRange({ ...rest, body }, start, end);
}

function linesOf(map: LineMap, side: Finding['side']): Map<number, number> {
  return side === 'RIGHT' ? map.right : map.left;
}

function pickRun(map: LineMap, start: number, end: number, side: Finding['side']): { start: number; end: number } | undefined {
  const lines = linesOf(map, side);
  const runs: Array<{ start: number; end: number }> = [];
  for (let l = start; l <= end; l++) {
    const hunk = lines.get(l);
    if (hunk === undefined) continue;
    const last = runs[runs.length - 1];
    if (last && last.end === l - 1 && lines.get(last.end) === hunk) last.end = l;
    else runs.push({ start: l, end: l });
  }
  const hasAdded = (r: { start: number; end: number }) => side === 'RIGHT' && Array.from({ length: r.end - r.start + 1 }, (_, i) => r.start + i).some((l) => map.added.has(l));
  return runs.find((r) => r.start === start) ?? runs.find(hasAdded) ?? runs[0];
}

function nearestCommentable(map: LineMap, start: number, end: number, side: Finding['side']): number | undefined {
  const candidates: number[] = [];
  for (let d = 1; d <= SNAP_DISTANCE && candidates.length === 0; d++) {
    for (const l of [start - d, end + d]) if (l >= 1 && isCommentable(map, side, l)) candidates.push(l);
  }
  if (candidates.length === 0) return undefined;
  const added = candidates.filter((l) => side === 'RIGHT' && map.added.has(l));
  return Math.min(...(added.length > 0 ? added : candidates));
}
