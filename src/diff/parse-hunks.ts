import parseDiffLib from 'parse-diff';
import type { DiffLine, Hunk } from './types.js';

/** Hunks read from one file's hunk region, and what was wrong with the ones that were dropped or repaired. */
export interface ParsedHunks {
  hunks: Hunk[];
  /** Human-readable problems, e.g. a hunk whose body is shorter than its header says (dropped). */
  problems: string[];
  /** How many hunks the region held before bad ones were dropped. */
  seen: number;
}

/**
 * Parses the hunks in `lines[start, end)` (the region that begins at a file's first `@@` line).
 *
 * Each hunk is cut out at its `@@` line and handed to parse-diff on its own, which fixes parse-diff's
 * habit of letting one hunk whose header over-counts swallow the hunks and even the files after it.
 * Around parse-diff: `\ No newline at end of file` markers (any `\` line, so localized git output too)
 * are removed first, since parse-diff records them as an extra change; the result is then checked,
 * and a hunk that does not parse, whose body does not match its header's counts, holds a line that is not ` `/`+`/`-`,
 * or overlaps the hunk before it is dropped with a problem. Lines after a hunk's counted body that
 * look like diff lines are ignored with a problem; other trailing text (a format-patch signature,
 * the next file's preamble in a plain `diff -u`) is ignored silently.
 */
export function parseHunks(lines: readonly string[], start: number, end: number): ParsedHunks {
  const hunks: Hunk[] = [];
  const problems: string[] = [];
  let seen = 0;
  let lastOld = 0;
  let lastNew = 0;

  let i = start;
  while (i < end) {
    const headerAt = i;
    i++;
    while (i < end && !lines[i]!.startsWith('@@')) i++;
    seen++;
    const result = readHunk(lines, headerAt, i, hunks.length);
    if (typeof result === 'string') {
      problems.push(result);
      continue;
    }
    const { hunk, trailing } = result;
    if (trailing) problems.push(trailing);
    const firstOld = hunk.oldLines > 0 ? hunk.oldStart : Infinity;
    const firstNew = hunk.newLines > 0 ? hunk.newStart : Infinity;
    if (firstOld <= lastOld || firstNew <= lastNew) {
      problems.push(`hunk \`${clip(hunk.header)}\` overlaps or precedes the hunk before it; dropped`);
      continue;
    }
    if (hunk.oldLines > 0) lastOld = hunk.oldStart + hunk.oldLines - 1;
    if (hunk.newLines > 0) lastNew = hunk.newStart + hunk.newLines - 1;
    hunks.push(hunk);
  }
  return { hunks, problems, seen };
}

function readHunk(lines: readonly string[], headerAt: number, end: number, index: number): { hunk: Hunk; trailing?: string } | string {
  const header = lines[headerAt]!;
  const body: string[] = [];
  for (let j = headerAt + 1; j < end; j++) {
    const line = lines[j]!;
    if (!line.startsWith('\\')) body.push(line);
  }

  let chunk: parseDiffLib.Chunk | undefined;
  try {
    chunk = parseDiffLib(body.length > 0 ? `${header}\n${body.join('\n')}` : header)[0]?.chunks[0];
  } catch {
    chunk = undefined;
  }
  if (!chunk || chunk.content !== header) return `hunk header \`${clip(header)}\` does not parse; dropped`;
  if ((chunk.oldLines > 0 && chunk.oldStart < 1) || (chunk.newLines > 0 && chunk.newStart < 1)) {
    return `hunk header \`${clip(header)}\` starts at line 0; dropped`;
  }

  if (chunk.oldLines === 0 && chunk.newLines === 0) return `hunk \`${clip(header)}\` is empty; dropped`;

  const out: DiffLine[] = [];
  let oldCount = 0;
  let newCount = 0;
  for (const change of chunk.changes) {
    const content = change.content.slice(1);
    if (change.type === 'normal') {
      // parse-diff takes any line as context; only ' ' (or an empty line whose space was stripped) is one.
      if (change.content !== '' && change.content[0] !== ' ') {
        return `hunk \`${clip(header)}\` has a line that is not context, added or deleted (\`${clip(change.content)}\`); dropped`;
      }
      out.push({ kind: 'context', content, oldLine: change.ln1, newLine: change.ln2 });
      oldCount++;
      newCount++;
    } else if (change.type === 'add') {
      out.push({ kind: 'add', content, newLine: change.ln });
      newCount++;
    } else {
      out.push({ kind: 'del', content, oldLine: change.ln });
      oldCount++;
    }
  }
  if (oldCount !== chunk.oldLines || newCount !== chunk.newLines) {
    return `hunk \`${clip(header)}\` does not match its header's counts (${oldCount}/${chunk.oldLines} old, ${newCount}/${chunk.newLines} new lines); dropped`;
  }

  const hunk: Hunk = {
    index,
    header,
    oldStart: chunk.oldStart,
    oldLines: chunk.oldLines,
    newStart: chunk.newStart,
    newLines: chunk.newLines,
    lines: out,
  };
  const rest = body.slice(chunk.changes.length);
  const looksLikeDiff = rest.length > 0 && rest[0] !== '-- ' && rest.some((l) => /^[-+ ]/.test(l));
  return looksLikeDiff ? { hunk, trailing: `hunk \`${clip(header)}\` is followed by ${rest.length} line(s) beyond its header's counts; ignored` } : { hunk };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
