import { decodeGitPath, readQuotedToken } from './decode-path.js';
import type { FileStatus } from './types.js';

/** What one file's header lines (from `diff --git` or `---` up to its first `@@`) say about it. */
export interface FileHeader {
  /** Old path without prefix; `undefined` for an added file. */
  oldPath?: string;
  /** New path without prefix; `undefined` for a deleted file. */
  newPath?: string;
  /** added/deleted/renamed/copied from the extended headers; `modified` otherwise (the caller spots mode-only changes). */
  status: FileStatus;
  binary: boolean;
  similarity?: number;
  oldMode?: string;
  newMode?: string;
  /** Set for a header this parser cannot use (a combined merge diff). */
  unsupported?: string;
}

const DEV_NULL = '/dev/null';

/**
 * Reads the header lines `lines[start, end)` of one file in a unified diff.
 *
 * parse-diff ignores git's extended headers (rename/copy from/to, similarity index, `Binary files …
 * differ`, `GIT binary patch`), keeps octal-escaped quoted names as they are, and misses mode lines that
 * end in `\r`; this reads them all. Paths are taken, most trusted first, from `rename`/`copy` lines
 * (never prefixed), then `---`/`+++`, then the `diff --git` line (the only source for binary,
 * mode-only and empty files). The `a/` `b/` prefixes (or git's mnemonic `c/` `i/` `o/` `w/`) are
 * stripped only when the `diff --git` line shows them, so `--no-prefix` paths stay whole.
 */
export function parseFileHeader(lines: readonly string[], start: number, end: number): FileHeader {
  const first = lines[start] ?? '';
  const combined = /^diff --(?:cc|combined) (.+)$/.exec(first);
  if (combined) return { newPath: decodeGitPath(combined[1]!), status: 'modified', binary: false, unsupported: 'combined (merge) diffs are not supported' };

  const git = first.startsWith('diff --git ') ? first.slice('diff --git '.length) : undefined;
  const prefixes = git === undefined ? undefined : gitPrefixes(git);
  let oldPath: string | undefined;
  let newPath: string | undefined;
  let minusPath: string | undefined;
  let plusPath: string | undefined;
  let status: FileStatus = 'modified';
  let binary = false;
  let similarity: number | undefined;
  let oldMode: string | undefined;
  let newMode: string | undefined;
  let m: RegExpExecArray | null;

  for (let i = start + (git === undefined ? 0 : 1); i < end; i++) {
    const line = lines[i]!;
    if ((m = /^old mode (\d+)$/.exec(line))) oldMode = m[1];
    else if ((m = /^new mode (\d+)$/.exec(line))) newMode = m[1];
    else if ((m = /^deleted file mode (\d+)$/.exec(line))) {
      status = 'deleted';
      oldMode = m[1];
    } else if ((m = /^new file mode (\d+)$/.exec(line))) {
      status = 'added';
      newMode = m[1];
    } else if ((m = /^similarity index (\d+)%$/.exec(line))) similarity = Number(m[1]);
    else if (line.startsWith('rename from ')) {
      oldPath = decodeGitPath(line.slice('rename from '.length));
      status = 'renamed';
    } else if (line.startsWith('rename to ')) {
      newPath = decodeGitPath(line.slice('rename to '.length));
      status = 'renamed';
    } else if (line.startsWith('copy from ')) {
      oldPath = decodeGitPath(line.slice('copy from '.length));
      status = 'copied';
    } else if (line.startsWith('copy to ')) {
      newPath = decodeGitPath(line.slice('copy to '.length));
      status = 'copied';
    } else if ((m = /^index [0-9a-f]+\.\.[0-9a-f]+ (\d+)$/.exec(line))) {
      oldMode ??= m[1];
      newMode ??= m[1];
    } else if (/^Binary files .* differ$/.test(line) || line === 'GIT binary patch') binary = true;
    else if (line.startsWith('--- ')) minusPath = markerPath(line.slice(4));
    else if (line.startsWith('+++ ')) plusPath = markerPath(line.slice(4));
  }

  const gitPaths = git === undefined ? undefined : splitGitLine(git, prefixes);
  const strip = (p: string | undefined, side: 0 | 1): string | undefined => {
    if (p === undefined || p === DEV_NULL) return p;
    const prefix = prefixes ? prefixes[side] : plainPrefix(minusPath, plusPath, side);
    return prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p;
  };
  oldPath ??= strip(minusPath, 0) ?? gitPaths?.[0];
  newPath ??= strip(plusPath, 1) ?? gitPaths?.[1];

  if (status === 'modified') {
    // A plain `diff -u` marks additions and deletions only with /dev/null.
    if (oldPath === DEV_NULL) status = 'added';
    else if (newPath === DEV_NULL) status = 'deleted';
  }
  if (oldPath === DEV_NULL) oldPath = undefined;
  if (newPath === DEV_NULL) newPath = undefined;
  if (status === 'added') oldPath = undefined;
  if (status === 'deleted') {
    oldPath ??= newPath;
    newPath = undefined;
  }

  return {
    ...(oldPath !== undefined ? { oldPath } : {}),
    ...(newPath !== undefined ? { newPath } : {}),
    status,
    binary,
    ...(similarity !== undefined ? { similarity } : {}),
    ...(oldMode !== undefined ? { oldMode } : {}),
    ...(newMode !== undefined ? { newMode } : {}),
  };
}

/** The path on a `---`/`+++` line: quoted, or bare up to a tab (git adds one after names with spaces; `diff -u` puts a timestamp there). */
function markerPath(text: string): string {
  const quoted = readQuotedToken(text);
  if (quoted) return decodeGitPath(quoted.token);
  const tab = text.indexOf('\t');
  return tab >= 0 ? text.slice(0, tab) : text.trimEnd();
}

/** The prefixes the `diff --git` line shows: `a/` `b/`, a mnemonic pair, or none (`--no-prefix`). */
function gitPrefixes(rest: string): [string, string] {
  const a = /^"?([a-z])\//.exec(rest)?.[1];
  if (a === 'a' && / "?b\//.test(rest)) return ['a/', 'b/'];
  if (a && 'ciow'.includes(a)) {
    const b = / "?([ciow])\//.exec(rest)?.[1];
    if (b && b !== a) return [`${a}/`, `${b}/`];
  }
  return ['', ''];
}

/** For a plain `diff -u` (no `diff --git` line), strip `a/` `b/` only when both sides carry them. */
function plainPrefix(minus: string | undefined, plus: string | undefined, side: 0 | 1): string {
  const okMinus = minus === undefined || minus === DEV_NULL || minus.startsWith('a/');
  const okPlus = plus === undefined || plus === DEV_NULL || plus.startsWith('b/');
  return okMinus && okPlus ? (side === 0 ? 'a/' : 'b/') : '';
}

/**
 * Splits `a/x b/y` into its two paths (decoded, prefixes stripped). Bare names may hold spaces, so,
 * like git, a bare pair is only split where both halves name the same file; a rename's names come
 * from its `rename` lines instead.
 */
function splitGitLine(rest: string, prefixes: [string, string] | undefined): [string, string] | undefined {
  const [pa, pb] = prefixes ?? ['', ''];
  const unprefix = (p: string, prefix: string) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p);
  let oldRaw: string | undefined;
  let newRaw: string | undefined;
  const q = readQuotedToken(rest);
  if (q && q.rest.startsWith(' ')) {
    oldRaw = decodeGitPath(q.token);
    newRaw = decodeGitPath(q.rest.slice(1));
  } else if (rest.endsWith('"')) {
    for (let at = rest.lastIndexOf(' "'); at > 0; at = rest.lastIndexOf(' "', at - 1)) {
      const tail = readQuotedToken(rest.slice(at + 1));
      if (tail && tail.rest === '') {
        oldRaw = rest.slice(0, at);
        newRaw = decodeGitPath(tail.token);
        break;
      }
    }
  } else {
    const n = (rest.length - 1 - pa.length - pb.length) / 2;
    if (Number.isInteger(n) && n > 0) {
      const left = rest.slice(0, pa.length + n);
      const right = rest.slice(pa.length + n + 1);
      if (rest[pa.length + n] === ' ' && unprefix(left, pa) === unprefix(right, pb)) [oldRaw, newRaw] = [left, right];
    }
    if (oldRaw === undefined) {
      const at = rest.indexOf(` ${pb}`);
      if (at > 0) [oldRaw, newRaw] = [rest.slice(0, at), rest.slice(at + 1)];
    }
  }
  if (oldRaw === undefined || newRaw === undefined) return undefined;
  return [unprefix(oldRaw, pa), unprefix(newRaw, pb)];
}
