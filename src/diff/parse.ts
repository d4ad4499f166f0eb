import type { DiffFile, RawDiff } from './types.js';

/** The result of parsing a change: files, plus warnings about input that was skipped or repaired. */
export interface ParsedDiff {
  files: DiffFile[];
  warnings: string[];
}

/**
 * Parses a unified diff (`git diff` output) or GitHub's per-file patches into `DiffFile`s,
 * correcting parse-diff's known gaps. Never throws on bad input: unreadable parts become warnings
 * or files with `parseError`.
 */
export function parseDiff(raw: RawDiff): ParsedDiff {
  void raw;
  throw new Error('parseDiff: not implemented yet');
}
