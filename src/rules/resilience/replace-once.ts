/**
 * Replaces `find` with `replacement` in `line` when it occurs exactly once; null otherwise,
 * so a suggestion never rewrites the wrong occurrence.
 */
export function replaceOnce(line: string, find: string, replacement: string): string | null {
  const at = line.indexOf(find);
  if (at < 0 || line.indexOf(find, at + 1) >= 0) return null;
  return `${line.slice(0, at)}${replacement}${line.slice(at + find.length)}`;
}
