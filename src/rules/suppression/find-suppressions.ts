import type { SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { COMMENT_KINDS } from '../security/syntax.js';

/** The word that starts a suppression; a file that does not contain it is not parsed for comments. */
export const SUPPRESSION_KEYWORD = 'arch-review-ignore';

/**
 * One `arch-review-ignore` directive found in a comment.
 * - `line` scope: `arch-review-ignore <id>[, <id>…]: <reason>` silences matching findings on the line the
 *   comment sits on (when code precedes it there) or on the code line directly below it (when the comment
 *   stands on its own lines; other comment-only lines may sit between, a blank line may not; below
 *   decorators and annotations, the declaration they decorate).
 * - `file` scope: `arch-review-ignore-file <id>[, …]: <reason>`, anywhere in the file, silences matching
 *   findings in the whole file.
 */
export interface Suppression {
  scope: 'line' | 'file';
  /** The ids as written, lower-cased: rule ids, category names, `all` or `*`. Empty when none was written. */
  ids: string[];
  /** The text after the colon, trimmed; `undefined` when there is no colon or nothing after it. */
  reason?: string;
  /** 1-based line of the directive. */
  line: number;
  /** `line` scope: the 1-based lines whose findings it silences (a finding is silenced when it starts on one). */
  targets: number[];
  /** `line` scope, trailing comment: the line it sits on, which also silences a finding spanning that line. */
  trailing?: number;
}

/**
 * Where a directive may start inside a comment: at the start of one of its lines, or right after a comment
 * marker (`//`, `#`, `/*`, `*`, `--`), so `# type: ignore  # arch-review-ignore …` works while prose that
 * mentions the word mid-sentence does not count.
 */
const DIRECTIVE = /(?:^|\/\/|#|\/\*|\*|--)[ \t]*arch-review-ignore(-file)?(?![\w-])([^\n]*)/g;
/** Ids after the keyword: comma-separated (spaces allowed around commas), then `: reason`. */
const IDS = /^[ \t]+([\w*][\w*/-]*(?:[ \t]*,[ \t]*[\w*][\w*/-]*)*)/;

/**
 * Every `arch-review-ignore` directive in real comments of a parsed file. The syntax tree tells comments from
 * string literals, template literals and docstrings, so `"// arch-review-ignore x: y"` in a string is not a
 * suppression (a regular expression over the text could not tell). Files without the keyword return at once
 * without walking the tree.
 *
 * @example
 * findSuppressions(parseSource('typescript', 'fetch(url); // arch-review-ignore http-call-without-timeout: health probe'), 'typescript')
 * // [{ scope: 'line', ids: ['http-call-without-timeout'], reason: 'health probe', line: 1, targets: [1], trailing: 1 }]
 */
export function findSuppressions(root: SgRoot, language: RuleLanguage, source?: string): Suppression[] {
  const text = source ?? root.root().text();
  if (!text.includes(SUPPRESSION_KEYWORD)) return [];
  const lines = text.split('\n');
  const comments = COMMENT_KINDS[language].flatMap((kind) => root.root().findAll({ rule: { kind } }));
  comments.sort((a, b) => a.range().start.index - b.range().start.index);
  // Lines holding nothing but comments (and whitespace), so a directive can sit above other comment lines.
  const segments = new Map<number, Array<[number, number]>>();
  for (const c of comments) {
    const { start, end } = c.range();
    for (let l = start.line; l <= end.line; l++) {
      const from = l === start.line ? start.column : 0;
      const to = l === end.line ? end.column : Number.MAX_SAFE_INTEGER;
      segments.set(l + 1, [...(segments.get(l + 1) ?? []), [from, to]]);
    }
  }
  const commentOnly = new Set([...segments].filter(([l, segs]) => isCommentOnly(codeLeft(lines[l - 1] ?? '', segs))).map(([l]) => l));

  const out: Suppression[] = [];
  for (const c of comments) {
    const body = c.text();
    if (!body.includes(SUPPRESSION_KEYWORD)) continue;
    const { start, end } = c.range();
    const trailing = !isCommentOnly(codeLeft(lines[start.line] ?? '', segments.get(start.line + 1) ?? []));
    const bodyLines = body.split('\n');
    bodyLines.forEach((bodyLine, i) => {
      const cleaned = i === bodyLines.length - 1 ? bodyLine.replace(/\*\/\s*$/, '') : bodyLine;
      for (const m of cleaned.matchAll(DIRECTIVE)) {
        const scope = m[1] ? 'file' : 'line';
        const { ids, reason } = parseArguments(m[2] ?? '');
        const line = start.line + i + 1;
        if (scope === 'file') {
          out.push({ scope, ids, ...(reason !== undefined ? { reason } : {}), line, targets: [] });
          continue;
        }
        const targets: number[] = [];
        if (trailing) targets.push(start.line + 1);
        else {
          let t = end.line + 2;
          while (commentOnly.has(t)) t++;
          // Decorators and annotations (`@app.post(…)`, `@PostMapping`) belong to the declaration below them,
          // where rules report: the directive above them covers that line too.
          while (t <= lines.length && /^\s*@/.test(lines[t - 1] ?? '')) targets.push(t++);
          if (t <= lines.length && (lines[t - 1] ?? '').trim() !== '') targets.push(t);
        }
        out.push({ scope, ids, ...(reason !== undefined ? { reason } : {}), line, targets, ...(trailing ? { trailing: start.line + 1 } : {}) });
      }
    });
  }
  return out;
}

/**
 * The ids and reason after the keyword: ` a, b: why` → `{ ids: ['a', 'b'], reason: 'why' }`. Text after the
 * ids without a colon is not a reason (`arch-review-ignore a because…` has none): the syntax asks for the colon.
 */
export function parseArguments(rest: string): { ids: string[]; reason?: string } {
  const m = IDS.exec(rest);
  const ids = m ? m[1]!.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '') : [];
  const after = m ? rest.slice(m[0].length) : rest;
  const colon = /^\s*:(.*)$/.exec(after);
  const reason = colon?.[1]?.trim();
  return { ids, ...(reason ? { reason } : {}) };
}

/** Nothing left but whitespace, or JSX's braces around a comment (`{/* … *\/}`). */
const isCommentOnly = (code: string): boolean => code === '' || code.replace(/\s+/g, '') === '{}';

/** What is left of a line once its comment segments are cut out, trimmed. */
function codeLeft(text: string, segments: ReadonlyArray<[number, number]>): string {
  let rest = text;
  for (const [from, to] of segments) rest = rest.slice(0, from) + ' '.repeat(Math.max(0, Math.min(to, text.length) - from)) + rest.slice(to);
  return rest.trim();
}
