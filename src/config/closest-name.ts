/** Levenshtein distance between two strings (typo hints in config errors and suppression notes). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known name nearest to `word` (case-insensitive) within `max` edits, for a "did you mean": the first of
 * the nearest when several tie; `undefined` when none is that close.
 *
 * @example closestName('adaptres', ['api', 'adapters'], 2) // 'adapters'
 */
export function closestName(word: string, known: Iterable<string>, max = 2): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d <= max && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}
