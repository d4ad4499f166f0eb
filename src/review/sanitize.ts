import { inlineCode, splitCodeSegments } from './markdown.js';

export interface SanitizeOptions {
  /**
   * Links whose URL starts with one of these prefixes stay links, e.g. `https://github.com/acme/shop/`.
   * A prefix matches only at a path boundary: `https://github.com/acme/shop` does not allow `…/shop-evil`.
   * Default: none, so every link becomes plain text.
   */
  allowedLinkPrefixes?: readonly string[];
  /**
   * Lower-case names of raw HTML tags to keep (attributes are dropped), for sanitising a whole rendered
   * document, e.g. `['details', 'summary']`. Default: none. Content (finding bodies, questions) keeps
   * none: an unbalanced `</details>` in a body would close the summary's own sections.
   */
  keepTags?: readonly string[];
}

// Zero-width and formatting characters, bidirectional controls (Trojan Source), C0/C1 controls except
// tab and newline, Hangul fillers, interlinear annotations, and the tag and variation-selector
// supplement blocks used to smuggle hidden text past a human reader.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- the class lists exactly the characters to remove.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

/**
 * Removes invisible and bidirectional control characters, and normalises line ends to `\n`.
 * Safe on code: it changes nothing a reader can see.
 * @example stripInvisible('a\u202Eb') // 'ab'
 */
export function stripInvisible(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(INVISIBLE, '');
}

// Elements GitHub would render (or strip) as HTML. Lower-case only: `Promise<Response>` or `<T>` in prose
// are types, not tags, and are kept visible by escaping the `<` instead.
const HTML_TAGS = new Set(
  (
    'a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption center cite code col ' +
    'colgroup data dd del details dfn dialog div dl dt em embed fieldset figcaption figure font footer form frame frameset ' +
    'h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main map mark marquee math menu ' +
    'meta meter nav noscript object ol optgroup option output p param picture plaintext pre progress q rp rt ruby s samp ' +
    'script section select slot small source span strike strong style sub summary sup svg table tbody td template textarea ' +
    'tfoot th thead time title tr track tt u ul var video wbr xmp'
  ).split(' '),
);

const PROSE = new RegExp(
  [
    // An existing backslash escape stays as it is (re-escaping would undo it); `\@` is not in the list, so a
    // mention behind it is still wrapped.
    String.raw`(?<escape>\\[\\\x60<&\[\]!])`,
    String.raw`(?<comment><!--[\s\S]*?-->|<!--)`,
    String.raw`(?<decl><[!?][^>]*>)`,
    String.raw`(?<image>!\[(?<imgAlt>[^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\]))`,
    String.raw`(?<link>\[(?<linkText>[^\]\n]*)\]\(\s*<?(?<linkUrl>[^)\s>]*)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*\))`,
    String.raw`(?<autolink><(?<autoUrl>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>)`,
    String.raw`(?<tag><(?<closing>\/?)(?<tagName>[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?\/?>)`,
    String.raw`(?<lt><(?=[A-Za-z\/!?]))`,
    String.raw`(?<url>(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\/|www\.)[^\s<>\x60]*[^\s<>\x60.,;:!?'")\]*_~])`,
    String.raw`(?<xref>(?<![\w.\/-])[A-Za-z0-9][\w.-]*\/[\w.-]+#\d+)`,
    // An e-mail address is left alone; any other `@name` is wrapped, even right after a word character,
    // because wrapping what precedes it (`o/r#1@x`, `@a@b`) would otherwise leave `@name` at the start of a text node.
    String.raw`(?<email>(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w.:\/-]))`,
    String.raw`(?<mention>@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9][\w.-]*)?(?:\.[A-Za-z_]\w*)*)`,
    String.raw`(?<entity>&(?=#?[A-Za-z0-9]+;))`,
    String.raw`(?<bracketParen>\]\()`,
    String.raw`(?<bang>!(?=\[))`,
    // A backtick left in prose had no partner on its line; escaped, it cannot pair with the backticks
    // this function adds and turn the text between them into code (or code into prose).
    String.raw`(?<tick>\x60)`,
  ].join('|'),
  'g',
);

// Reference-style link and image targets (`[id]: https://…`): dropped, so `[text][id]` stays plain text.
const LINK_DEFINITION = /^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$/gm;

/**
 * Makes untrusted markdown (model or rule output, file paths, PR text) safe to post on GitHub, keeping it
 * readable. Visible text is never hidden, and nothing invisible is added:
 * - `@user`, `@org/team` and `owner/repo#1` become inline code, so nobody is notified or cross-referenced;
 * - raw HTML tags and comments are removed (`keepTags` aside); other `<` that could open HTML is escaped;
 * - images are replaced by their alt text; links become their text unless the URL is allowed;
 *   bare URLs that are not allowed become inline code, so they are not clickable;
 * - HTML entities are escaped, so `&#64;` cannot spell a mention;
 * - invisible and bidirectional control characters are removed everywhere, code included;
 * - inside code (fences, inline spans) nothing else changes, except that a fence cannot be a
 *   ```` ```suggestion ```` block (only a finding's `suggestion` field may propose an edit) and an
 *   unclosed fence is closed, so it cannot swallow what the renderer writes after it.
 *
 * @example sanitizeMarkdown('ping @alice, see <img src=x> [here](https://evil.example)')
 * // 'ping `@alice`, see  here'
 */
export function sanitizeMarkdown(text: string, opts: SanitizeOptions = {}): string {
  // Removing a token can join its neighbours into new syntax (`<<!---->!--` becomes `<!--`), so passes
  // repeat until nothing changes; escapes are kept as they are, so a finished text is a fixed point.
  let out = stripInvisible(text);
  for (let pass = 0; pass < 4; pass++) {
    const next = sanitizeOnce(out, opts);
    if (next === out) return out;
    out = next;
  }
  // Still changing after four passes: only crafted input gets here; make every `<` literal.
  return sanitizeOnce(out, opts).replace(/(?<!\\)</g, '\\<');
}

function sanitizeOnce(text: string, opts: SanitizeOptions): string {
  let out = '';
  for (const seg of splitCodeSegments(text)) {
    const piece = seg.kind === 'code' ? seg.text : seg.kind === 'fence' ? sanitizeFence(seg) : sanitizeProse(seg.text, opts);
    out += touchingTicks(out, piece) + piece;
  }
  return out;
}

/** `sanitizeMarkdown` for a one-line context (a title, a table cell, a list item): newlines become spaces. */
export function sanitizeInline(text: string, opts: SanitizeOptions = {}): string {
  return sanitizeMarkdown(text.replace(/\s*[\r\n]+\s*/g, ' '), opts).trim();
}

function sanitizeFence(seg: Extract<ReturnType<typeof splitCodeSegments>[number], { kind: 'fence' }>): string {
  let text = seg.text;
  if (/^suggestion/i.test(seg.info)) {
    // Only the finding's `suggestion` field may propose an applicable edit.
    const nl = text.indexOf('\n');
    const first = nl === -1 ? text : text.slice(0, nl);
    text = first.replace(/suggestion/i, 'text') + (nl === -1 ? '' : text.slice(nl));
  }
  if (!seg.closed) text += `${text.endsWith('\n') ? '' : '\n'}${seg.marker}`;
  return text;
}

/**
 * A space when `right` starts with a backtick and `left` ends with one (the two runs would merge into a
 * longer run) or with an unescaped backslash (which would escape it): either way code spans would open and
 * close elsewhere, and wrapped text such as a mention could end up as prose.
 */
function touchingTicks(left: string, right: string): string {
  if (!right.startsWith('`')) return '';
  const backslashes = /\\*$/.exec(left)![0].length;
  return left.endsWith('`') || backslashes % 2 === 1 ? ' ' : '';
}

function sanitizeProse(text: string, opts: SanitizeOptions): string {
  const keep = new Set(opts.keepTags ?? []);
  let prevEnd = -1;
  let prevOut = '';
  return text.replace(LINK_DEFINITION, '').replace(PROSE, (match: string, ...args: unknown[]) => {
    const offset = args[args.length - 3] as number;
    const whole = args[args.length - 2] as string;
    const out = replaceToken(match, args[args.length - 1] as Record<string, string | undefined>, keep, opts);
    // What precedes this token in the output: the previous replacement, or the untouched input before it.
    const sep = touchingTicks(offset === prevEnd ? prevOut : whole.slice(Math.max(0, offset - 16), offset), out);
    // A removed token (an HTML comment) leaves its neighbours touching, so it does not reset `prevOut`.
    if (out !== '' || offset !== prevEnd) prevOut = out;
    prevEnd = offset + match.length;
    return sep + out;
  })
    // No prose line started a fence (it would be a fence segment), so one that does now was made by a
    // removal (`<b>~~~`): escaped, it cannot swallow the rest of the document.
    .replace(/^( {0,3})(~{3,}|`{3,})/gm, '$1\\$2');
}

function replaceToken(match: string, g: Record<string, string | undefined>, keep: ReadonlySet<string>, opts: SanitizeOptions): string {
  if (g.escape !== undefined) return match;
  if (g.comment !== undefined || g.decl !== undefined) return '';
  if (g.image !== undefined) return sanitizeProse(g.imgAlt ?? '', opts);
  if (g.link !== undefined) {
    const label = sanitizeProse(g.linkText ?? '', opts);
    return isAllowedUrl(g.linkUrl ?? '', opts) ? `[${label}](${g.linkUrl})` : label;
  }
  if (g.autolink !== undefined) return isAllowedUrl(g.autoUrl ?? '', opts) ? match : inlineCode(g.autoUrl ?? '');
  if (g.tag !== undefined) {
    const name = g.tagName ?? '';
    if (keep.has(name)) return `<${g.closing ?? ''}${name}>`;
    return HTML_TAGS.has(name) ? '' : `\\${match}`;
  }
  if (g.lt !== undefined || g.entity !== undefined) return `\\${match}`;
  if (g.url !== undefined) return isAllowedUrl(match, opts) ? match : inlineCode(match);
  if (g.email !== undefined) return match;
  if (g.xref !== undefined || g.mention !== undefined) return inlineCode(match);
  if (g.bracketParen !== undefined) return ']\\(';
  if (g.tick !== undefined) return '\\`';
  if (g.bang !== undefined) return '\\!';
  return match;
}

function isAllowedUrl(url: string, opts: SanitizeOptions): boolean {
  if (url === '') return false;
  return (opts.allowedLinkPrefixes ?? []).some((prefix) => {
    if (prefix === '' || !url.startsWith(prefix)) return false;
    return url.length === prefix.length || prefix.endsWith('/') || /^[/?#]/.test(url.slice(prefix.length));
  });
}
