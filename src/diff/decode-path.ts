const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/**
 * Decodes one path token as git prints it: C-quoted (`"a/caf\303\251.ts"`, octal escapes are raw
 * UTF-8 bytes) or bare. Git quotes a name that holds non-ASCII bytes, control characters, `"` or `\`
 * (with the default `core.quotePath`), so octal runs must be decoded as bytes, not as code points.
 * A bare token is returned as is. Invalid UTF-8 becomes U+FFFD rather than an error.
 *
 * @example decodeGitPath('"a/caf\\303\\251.ts"') // 'a/café.ts'
 */
export function decodeGitPath(token: string): string {
  if (token.length < 2 || !token.startsWith('"') || !token.endsWith('"')) return token;
  const body = token.slice(1, -1);
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      // A raw character (core.quotePath=false leaves UTF-8 unescaped): re-encode so it joins the byte run.
      const cp = body.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      for (const b of encoder.encode(s)) bytes.push(b);
      i += s.length - 1;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) {
      bytes.push(92);
      break;
    }
    const octal = /^[0-3][0-7]{2}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (next in ESCAPES) {
      bytes.push(ESCAPES[next]!);
      i += 1;
    } else {
      // Not an escape git writes: keep the backslash and let the next character through.
      bytes.push(92);
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/**
 * Reads one possibly quoted path token at the start of `text`.
 * Returns the raw token (quotes kept) and the rest after it, or undefined when a quote is not closed.
 */
export function readQuotedToken(text: string): { token: string; rest: string } | undefined {
  if (!text.startsWith('"')) return undefined;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === '"') return { token: text.slice(0, i + 1), rest: text.slice(i + 1) };
  }
  return undefined;
}
