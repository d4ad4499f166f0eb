/** How a file changed in a diff. `mode-changed` is a permission change with no content change. */
export type FileStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied' | 'mode-changed';

/** One line of a hunk. Added lines have only `newLine`, deleted only `oldLine`, context both. */
export interface DiffLine {
  kind: 'add' | 'del' | 'context';
  content: string;
  oldLine?: number;
  newLine?: number;
}

export interface Hunk {
  /** 0-based position of the hunk in its file. */
  index: number;
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** One file of a diff, with parse-diff's gaps corrected. */
export interface DiffFile {
  /** The new path (the old one for a deleted file). Decoded to UTF-8, no `a/`/`b/` prefix. */
  path: string;
  /** The old path, set for renames and copies. */
  oldPath?: string;
  status: FileStatus;
  binary: boolean;
  /** Similarity index (0-100) for renames and copies. */
  similarity?: number;
  oldMode?: string;
  newMode?: string;
  hunks: Hunk[];
  additions: number;
  deletions: number;
  /** Set when the file could not be read as a diff (e.g. a malformed hunk); the file is skipped with this reason. */
  parseError?: string;
  /** Set when the source sent no patch text for this file (GitHub's files API omits it for binary and very large files). */
  noPatch?: boolean;
}

/**
 * Which lines a review comment may target. RIGHT is the new side, LEFT the old side.
 * Each commentable line maps to the index of its hunk; a multi-line comment must stay inside one hunk.
 */
export interface LineMap {
  right: Map<number, number>;
  left: Map<number, number>;
  /** New-side lines that were added (not context). */
  added: Set<number>;
}

/** Why a file is skipped. */
export type SkipReason =
  | 'docs'
  | 'frontend'
  | 'test'
  | 'migration'
  | 'script'
  | 'lockfile'
  | 'generated'
  | 'vendored'
  | 'binary'
  | 'config'
  | 'too-large'
  | 'unsupported-language'
  | 'deleted'
  | 'excluded'
  | 'no-patch'
  | 'unparseable';

/** Which side of the diff a line is on: RIGHT is the new version, LEFT the old. */
export type Side = 'RIGHT' | 'LEFT';

/** Languages the rules understand. */
export type RuleLanguage = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'java';

/** The verdict on one file: reviewed (selected) or skipped, and why, in words a reviewer would use. */
export interface FileClassification {
  path: string;
  selected: boolean;
  /** A short human reason, e.g. "integration code: imports stripe, axios" or "lockfile". */
  reason: string;
  skipReason?: SkipReason;
  /** Linguist language name, when known. */
  language?: string;
  ruleLanguage?: RuleLanguage;
  /** Integration signals found in the content (e.g. `http-client:axios`, `sdk:stripe`, `webhook-route`). */
  signals: string[];
}

/** The raw change as a source delivers it. */
export type RawDiff =
  | { kind: 'unified'; text: string }
  /** GitHub's files API: per-file patches with no `diff --git` header; `patch` is absent for binary or huge files. */
  | {
      kind: 'files';
      files: Array<{ filename: string; previous_filename?: string; status: string; patch?: string; additions?: number; deletions?: number }>;
      /** Set when GitHub listed fewer files than the PR has (the 3,000-file cap). */
      truncated?: boolean;
    };

