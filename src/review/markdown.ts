/**
 * Small markdown primitives shared by the sanitiser and the renderer. They follow CommonMark/GFM as
 * GitHub renders it, and err on the side of treating text as prose: prose gets sanitised, code does not.
 */

/** A piece of markdown: prose, an inline code span, or a fenced code block (opening and closing lines included). */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'fence'; text: string; marker: string; info: string; closed: boolean };

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Splits markdown into prose, inline code spans and fenced code blocks.
 * Inline code spans are only recognised within one line: a span GitHub might close on a later line is
 * then treated as prose, which is the safe direction (prose is sanitised, code is not). A backslash-escaped
 * backtick does not open a span, as in CommonMark.
 */
export function splitCodeSegments(markdown: string): Segment[] {
  const out: Segment[] = [];
  const lines = markdown.split('\n');
  let prose: string[] = [];
  const flushProse = () => {
    if (prose.length === 0) return;
    for (const s of splitInlineCode(prose.join('\n'))) out.push(s);
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = FENCE_OPEN.exec(line);
    // A backtick fence's info string may not contain backticks (CommonMark 4.5).
    if (!open || (open[1]!.startsWith('`') && open[2]!.includes('`'))) {
      prose.push(line);
      continue;
    }
    // The newline before the fence belongs to the prose, so joining segments restores the input.
    if (prose.length > 0) prose.push('');
    flushProse();
    const marker = open[1]!;
    const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
    const body: string[] = [line];
    let closed = false;
    let j = i + 1;
    for (; j < lines.length; j++) {
      body.push(lines[j]!);
      if (close.test(lines[j]!)) {
        closed = true;
        break;
      }
    }
    const isLast = j >= lines.length - 1;
    out.push({ kind: 'fence', text: body.join('\n') + (isLast ? '' : '\n'), marker, info: open[2]!.trim(), closed });
    i = j;
  }
  flushProse();
  return out;
}

function splitInlineCode(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`' || escaped(text, i)) {
      i++;
      continue;
    }
    let j = i;
    while (text[j] === '`') j++;
    const run = j - i;
    const lineEnd = text.indexOf('\n', j) === -1 ? text.length : text.indexOf('\n', j);
    let k = j;
    let close = -1;
    while (k < lineEnd) {
      if (text[k] !== '`') {
        k++;
        continue;
      }
      let m = k;
      while (text[m] === '`') m++;
      if (m - k === run) {
        close = k;
        break;
      }
      k = m;
    }
    if (close === -1) {
      i = j;
      continue;
    }
    if (i > last) out.push({ kind: 'text', text: text.slice(last, i) });
    out.push({ kind: 'code', text: text.slice(i, close + run) });
    last = close + run;
    i = last;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** True when the character at `i` is backslash-escaped (an odd number of backslashes before it). */
function escaped(text: string, i: number): boolean {
  let n = 0;
  for (let k = i - 1; k >= 0 && text[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

/** Length of the longest run of `ch` in `s`. */
export function longestRun(s: string, ch = '`'): number {
  let best = 0;
  let cur = 0;
  for (const c of s) {
    cur = c === ch ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}

/**
 * A backtick fence no line of `content` can close: longer than any backtick run in it, at least three.
 * @example fenceFor('a ``` b') // '````'
 */
export function fenceFor(content: string): string {
  return '`'.repeat(Math.max(3, longestRun(content) + 1));
}

/** A fenced code block around `content` that `content` cannot close. */
export function codeBlock(content: string, info = ''): string {
  const fence = fenceFor(content);
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${info}\n${body}${fence}`;
}

/**
 * `text` as one inline code span, whatever backticks it holds; newlines become spaces.
 * @example inlineCode('a`b') // '``a`b``'
 */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const ticks = '`'.repeat(longestRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** Makes `text` safe inside a GFM table cell: pipes escaped (also needed inside code spans), one line. */
export function escapeTableCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\\?\|/g, '\\|');
}
