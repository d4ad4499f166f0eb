import type { DiffFile, LineMap, Side } from './types.js';

/**
 * Builds the map of lines a review comment may target in `file`: RIGHT holds added and context lines
 * by their new line number, LEFT deleted and context lines by their old one, each mapped to its hunk's
 * index (GitHub rejects a comment on a line outside every hunk, and a range across two hunks).
 * A binary file or one without hunks yields empty maps.
 *
 * @example isCommentable(buildLineMap(file), 'RIGHT', 42)
 */
export function buildLineMap(file: DiffFile): LineMap {
  const right = new Map<number, number>();
  const left = new Map<number, number>();
  const added = new Set<number>();
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.newLine !== undefined) right.set(line.newLine, hunk.index);
      if (line.oldLine !== undefined) left.set(line.oldLine, hunk.index);
      if (line.kind === 'add' && line.newLine !== undefined) added.add(line.newLine);
    }
  }
  return { right, left, added };
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
