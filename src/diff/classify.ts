import type { FileContent } from '../review/ports.js';
import type { DiffFile, FileClassification } from './types.js';

export interface ClassifyOptions {
  /** Globs always reviewed (config `paths.include`). */
  include: readonly string[];
  /** Globs never reviewed (config `paths.exclude`). */
  exclude: readonly string[];
  /** Head files larger than this are skipped as too large. */
  maxFileBytes: number;
}

/**
 * First pass, from the path and the diff alone: a final skip verdict (docs, lockfile, binary, …),
 * or a candidate (`selected: true`) whose head content should be read for the second pass.
 */
export function classifyByPath(file: DiffFile, opts: ClassifyOptions): FileClassification {
  void file;
  void opts;
  throw new Error('classifyByPath: not implemented yet');
}

/**
 * Second pass for a candidate: generated/vendored markers, size, and integration signals in the
 * head content. Returns the final verdict.
 */
export function classifyWithContent(candidate: FileClassification, content: FileContent | undefined, opts: ClassifyOptions): FileClassification {
  void content;
  void opts;
  return candidate;
}
