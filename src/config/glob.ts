import picomatch from 'picomatch';

// `debug` (not in @types/picomatch) makes picomatch throw on an invalid regular expression instead of
// returning one that matches nothing (lib/picomatch.js, toRegex).
const STRICT = { dot: true, strictBrackets: true, debug: true };

/**
 * Why `glob` is not a usable picomatch pattern, or `undefined` when it is. Picomatch compiles a broken
 * pattern into one that silently matches nothing; here it is compiled strictly (`strictBrackets`, and
 * `debug` so an invalid regular expression throws), so an unclosed `[`, `{` or `(`, a stray `]`, `}`
 * or `)`, a reversed range or a trailing backslash is reported instead.
 *
 * @example globProblem('src/[abc') // 'Missing closing: "]" - use "\\]" to match literal characters'
 * @example globProblem('src/**\/*.ts') // undefined
 */
export function globProblem(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, STRICT);
    return undefined;
  } catch (err) {
    // picomatch writes `use "\\]"`; say what to type: `\]`.
    return (err instanceof Error ? err.message : String(err)).replace(/\\\\/g, '\\');
  }
}
