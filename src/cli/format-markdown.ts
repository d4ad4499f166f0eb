import type { ReviewResult } from '../review/ports.js';
import { renderComment, renderSummary } from '../review/render.js';
import { sortFindings } from './summarize-result.js';

/**
 * The review as one markdown document: the same summary the GitHub review posts, followed by each
 * inline comment under a `path:line` heading (what a PR would show next to the code).
 */
export function formatMarkdown(result: ReviewResult): string {
  const parts = [renderSummary(result).trim()];
  const inline = sortFindings(result.inline);
  if (inline.length > 0) {
    parts.push('## Inline comments');
    for (const f of inline) {
      const where = f.endLine && f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
      parts.push(`### \`${f.path}\` line ${where}\n\n${renderComment(f).trim()}`);
    }
  }
  return `${parts.join('\n\n')}\n`;
}
