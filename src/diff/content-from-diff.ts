import type { FileContent } from '../review/ports.js';
import type { DiffFile } from './types.js';

/**
 * The head version of a file the diff adds whole: a new file's single hunk holds every line, so
 * there is nothing to fetch. `undefined` for any other file (its head must be read from the source).
 * The trailing newline is assumed (the `\ No newline` marker is not kept); rules see the same lines.
 *
 * @example
 * const content = contentFromDiff(file) ?? (await source.readFile(file.path, maxBytes));
 */
export function contentFromDiff(file: DiffFile): FileContent | undefined {
  if (file.status !== 'added' || file.binary || file.parseError !== undefined || file.hunks.length !== 1) return undefined;
  const hunk = file.hunks[0]!;
  if (hunk.oldLines !== 0 || hunk.newStart > 1 || hunk.lines.some((l) => l.kind !== 'add')) return undefined;
  const text = hunk.lines.map((l) => `${l.content}\n`).join('');
  return { text, size: Buffer.byteLength(text), binary: false };
}
