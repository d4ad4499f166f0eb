import type { DiffFile, LineMap, Side } from './types.js';

/** Builds the map of lines a review comment may target in `file`. */
export function buildLineMap(file: DiffFile): LineMap {
  void file;
  throw new Error('buildLineMap: not implemented yet');
}

/** True when a comment may target `line` on `side`. */
export function isCommentable(map: LineMap, side: Side, line: number): boolean {
  return (side === 'RIGHT' ? map.right : map.left).has(line);
}

/** True when every line from `start` to `end` is commentable and inside one hunk. */
export function spansOneHunk(map: LineMap, side: Side, start: number, end: number): boolean {
  const lines = side === 'RIGHT' ? map.right : map.left;
  const hunk = lines.get(start);
  if (hunk === undefined || end < start) return false;
  for (let l = start; l <= end; l++) if (lines.get(l) !== hunk) return false;
  return true;
}
