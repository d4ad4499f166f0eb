import type { CodeExcerpt } from './reply-ports.js';

/**
 * The lines of `text` within `radius` of `line` (1-based), or the file's start when the line is unknown
 * or past its end: what the answerer sees of the file around a finding.
 *
 * @example excerptAround('src/pay.ts', source, 42) // { path: 'src/pay.ts', startLine: 12, text: '…', focusLine: 42 }
 */
export function excerptAround(path: string, text: string, line: number | undefined, radius = 40): CodeExcerpt {
  const lines = text.split('\n');
  const known = line !== undefined && line >= 1 && line <= lines.length;
  const start = known ? Math.max(1, line - radius) : 1;
  const end = Math.min(lines.length, known ? line + radius : 2 * radius + 1);
  return { path, startLine: start, text: lines.slice(start - 1, end).join('\n'), ...(known ? { focusLine: line } : {}) };
}
