import type { DiffLine, Hunk } from '../diff/types.js';
import type { ReviewFile } from '../review/ports.js';
import { maskSecrets } from '../review/mask-secrets.js';
import { neutralizeTags } from './neutralize-tags.js';
import { formatOutline, outlineFile } from './outline-file.js';

export interface RenderFileOptions {
  /** Head lines shown before and after each hunk (default 20). 0 shows the hunks alone. */
  contextLines?: number;
  /** Include the outline when the shown lines do not cover the whole file (default true). */
  outline?: boolean;
}

/** Explains the line markers of {@link renderFileForPrompt}; sent once per request. */
export const LINE_LEGEND = [
  'Line format inside <hunk>: the new-side line number, a marker, a space, then the code.',
  '  "+" an added line, " " an unchanged line inside the diff: both can carry a finding;',
  '  "|" surrounding code from the head version, outside the diff: context only, no findings there;',
  '  "-" a deleted line (no new-side number): it no longer exists.',
].join('\n');

const DEFAULT_CONTEXT = 20;

/**
 * One changed file as the model sees it: a `<file>` block with the path, status, language and
 * integration signals; an outline (imports, exported symbols) when the hunks do not show the whole file;
 * then each hunk verbatim with new-side line numbers, inside a window of head context. Credentials are
 * masked and prompt-tag lookalikes neutralised in everything shown.
 *
 * @example renderFileForPrompt(file, { contextLines: 20 })
 */
export function renderFileForPrompt(file: ReviewFile, opts: RenderFileOptions = {}): string {
  const context = Math.max(0, opts.contextLines ?? DEFAULT_CONTEXT);
  const d = file.diff;
  const c = file.classification;
  // Masked as a whole so a multi-line PEM block is caught; masking keeps every line break.
  const head = file.headText !== undefined ? maskSecrets(file.headText).split('\n') : undefined;
  if (head && head[head.length - 1] === '') head.pop();

  const attrs = [`path="${attr(d.path)}"`, `status="${d.status}"`];
  if (d.oldPath && d.oldPath !== d.path) attrs.push(`old_path="${attr(d.oldPath)}"`);
  if (c.language) attrs.push(`language="${attr(c.language)}"`);
  if (c.signals.length > 0) attrs.push(`signals="${attr(c.signals.join(', '))}"`);

  const { body, shown } = renderHunks(d.hunks, head, context);
  const parts = [`<file ${attrs.join(' ')}>`];
  const coversAll = head !== undefined && head.every((_, i) => shown.has(i + 1));
  if ((opts.outline ?? true) && head && !coversAll) {
    const outline = formatOutline(outlineFile(head.join('\n'), c.ruleLanguage));
    if (outline !== '') parts.push(`<outline>\n${neutralizeTags(outline)}\n</outline>`);
  }
  parts.push(body, '</file>');
  return parts.join('\n');
}

function attr(s: string): string {
  return neutralizeTags(s).replace(/["\n\r]/g, (ch) => (ch === '"' ? '&quot;' : ' '));
}

/** The hunks with their head context; `shown` holds every head line number that appears. */
function renderHunks(hunks: readonly Hunk[], head: string[] | undefined, context: number): { body: string; shown: Set<number> } {
  const shown = new Set<number>();
  const out: string[] = [];
  const width = String(Math.max(head?.length ?? 0, ...hunks.map((h) => h.newStart + h.newLines))).length;
  const num = (n: number | undefined) => (n === undefined ? ' '.repeat(width) : String(n).padStart(width));
  const headLine = (n: number) => `${num(n)}| ${neutralizeTags(head?.[n - 1] ?? '')}`;
  let lastShown = 0;

  hunks.forEach((h, i) => {
    const range = newRange(h);
    const lines: string[] = [];
    if (head && context > 0) {
      const from = Math.max(lastShown + 1, range.first - context, 1);
      if (from > lastShown + 1 && lastShown > 0) lines.push(`${' '.repeat(width)}  …`);
      for (let n = from; n < range.first; n++) {
        lines.push(headLine(n));
        shown.add(n);
      }
    }
    lines.push(...renderDiffLines(h.lines, num, shown));
    let end = Math.max(range.last, lastShown);
    if (head && context > 0) {
      // Stop where the next hunk's leading context would start, so no line is shown twice.
      const next = hunks[i + 1];
      const limit = Math.min(range.last + context, head.length, next ? newRange(next).first - 1 : Infinity);
      for (let n = range.last + 1; n <= limit; n++) {
        lines.push(headLine(n));
        shown.add(n);
      }
      end = Math.max(end, limit);
    }
    lastShown = end;
    out.push(`<hunk header="${attr(h.header)}">`, ...lines, '</hunk>');
  });
  return { body: out.join('\n'), shown };
}

/** First and last new-side line of a hunk; a deletion-only hunk sits after line `newStart`. */
function newRange(h: Hunk): { first: number; last: number } {
  if (h.newLines === 0) return { first: h.newStart + 1, last: h.newStart };
  return { first: h.newStart, last: h.newStart + h.newLines - 1 };
}

function renderDiffLines(lines: readonly DiffLine[], num: (n: number | undefined) => string, shown: Set<number>): string[] {
  // Masked together for the same reason as the head text; the line count does not change.
  const masked = maskSecrets(lines.map((l) => l.content).join('\n')).split('\n');
  return lines.map((l, i) => {
    const text = neutralizeTags(masked[i] ?? '');
    if (l.kind === 'del') return `${num(undefined)}- ${text}`;
    if (l.newLine !== undefined) shown.add(l.newLine);
    return `${num(l.newLine)}${l.kind === 'add' ? '+' : ' '} ${text}`;
  });
}
