import { parseFileHeader } from './parse-file-header.js';
import { parseHunks, type ParsedHunks } from './parse-hunks.js';
import type { DiffFile, FileStatus, RawDiff } from './types.js';

/** The result of parsing a change: files, plus warnings about input that was skipped or repaired. */
export interface ParsedDiff {
  files: DiffFile[];
  warnings: string[];
}

type ApiFile = Extract<RawDiff, { kind: 'files' }>['files'][number];

/** GitHub's file statuses; `changed` is a mode or type change, with or without a content change. */
const API_STATUS: Record<string, FileStatus> = {
  added: 'added',
  removed: 'deleted',
  modified: 'modified',
  renamed: 'renamed',
  copied: 'copied',
  changed: 'modified',
  unchanged: 'modified',
};

/**
 * Parses a unified diff (`git diff` output) or GitHub's per-file patches into `DiffFile`s,
 * correcting parse-diff's known gaps. Never throws on bad input: unreadable parts become warnings
 * or files with `parseError`.
 *
 * A unified diff is cut into files at `diff --git` lines (or at `---`/`+++`/`@@` triples for a plain
 * `diff -u`), so a malformed hunk cannot swallow the files after it; each file's header is read by
 * `parseFileHeader` and its hunks by `parseHunks`. CRLF line ends are read as LF.
 *
 * @example parseDiff({ kind: 'unified', text: execSync('git diff main') }).files[0]?.hunks
 */
export function parseDiff(raw: RawDiff): ParsedDiff {
  try {
    return raw.kind === 'files' ? parseFilesApi(raw.files) : parseUnified(raw.text);
  } catch (err) {
    // Defensive: the parsers below are written not to throw; if one does, the review goes on without the diff.
    return { files: [], warnings: [`The diff could not be parsed (${(err as Error).message}); no file was reviewed.`] };
  }
}

function splitLines(text: string): string[] {
  const normalized = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  const lines = normalized.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function parseUnified(text: string): ParsedDiff {
  if (typeof text !== 'string' || text.trim() === '') return { files: [], warnings: [] };
  const lines = splitLines(text);
  const starts = fileStarts(lines);
  const files: DiffFile[] = [];
  const warnings: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const file = parseUnifiedFile(lines, starts[k]!, starts[k + 1] ?? lines.length);
    files.push(file.file);
    if (file.warning) warnings.push(file.warning);
  }
  if (files.length === 0) warnings.push('The diff text holds no file changes (no `diff --git` or `---`/`+++` headers).');
  return { files, warnings };
}

/** Where each file begins. A hunk line always starts with ` `, `+`, `-` or `\`, never `diff ` or `@`, so these cuts are safe. */
function fileStarts(lines: readonly string[]): number[] {
  const git: number[] = [];
  for (let i = 0; i < lines.length; i++) if (/^diff --(git|cc|combined) /.test(lines[i]!)) git.push(i);
  if (git.length > 0) return git;
  const plain: number[] = [];
  for (let i = 0; i + 2 < lines.length; i++) {
    if (lines[i]!.startsWith('--- ') && lines[i + 1]!.startsWith('+++ ') && lines[i + 2]!.startsWith('@@')) plain.push(i);
  }
  return plain;
}

function parseUnifiedFile(lines: readonly string[], start: number, end: number): { file: DiffFile; warning?: string } {
  let firstHunk = start;
  while (firstHunk < end && !lines[firstHunk]!.startsWith('@@')) firstHunk++;
  const header = parseFileHeader(lines, start, firstHunk);
  const path = header.newPath ?? header.oldPath ?? '';
  const base: DiffFile = {
    path,
    ...(header.oldPath !== undefined && (header.status === 'renamed' || header.status === 'copied') ? { oldPath: header.oldPath } : {}),
    status: header.status,
    binary: header.binary,
    ...(header.similarity !== undefined ? { similarity: header.similarity } : {}),
    ...(header.oldMode !== undefined ? { oldMode: header.oldMode } : {}),
    ...(header.newMode !== undefined ? { newMode: header.newMode } : {}),
    hunks: [],
    additions: 0,
    deletions: 0,
  };
  if (path === '') {
    return withError(base, 'no file name could be read from the diff header', `A file in the diff has no readable name (near \`${clip(lines[start] ?? '')}\`); skipped.`);
  }
  if (header.unsupported) return withError(base, header.unsupported, `\`${path}\`: ${header.unsupported}; skipped.`);
  if (header.binary) return { file: base };

  const parsed = safeHunks(lines, firstHunk, end);
  const file = withHunks(base, parsed);
  if (file.status === 'modified' && file.hunks.length === 0 && file.oldMode !== undefined && file.newMode !== undefined && file.oldMode !== file.newMode) {
    file.status = 'mode-changed';
  }
  return finish(file, parsed);
}

function parseFilesApi(apiFiles: readonly ApiFile[]): ParsedDiff {
  const files: DiffFile[] = [];
  const warnings: string[] = [];
  for (const f of apiFiles ?? []) {
    const path = typeof f?.filename === 'string' ? f.filename : '';
    if (path === '') {
      warnings.push('GitHub listed a file with no name; skipped.');
      continue;
    }
    let status = Object.hasOwn(API_STATUS, f.status) ? API_STATUS[f.status] : undefined;
    if (status === undefined) {
      warnings.push(`\`${path}\`: unknown GitHub file status \`${String(f.status)}\`; read as modified.`);
      status = 'modified';
    }
    const base: DiffFile = {
      path,
      ...((status === 'renamed' || status === 'copied') && f.previous_filename ? { oldPath: f.previous_filename } : {}),
      status,
      binary: false,
      hunks: [],
      additions: 0,
      deletions: 0,
    };
    if (typeof f.patch !== 'string' || f.patch === '') {
      files.push({ ...base, status: f.status === 'changed' ? 'mode-changed' : status, additions: f.additions ?? 0, deletions: f.deletions ?? 0, noPatch: true });
      continue;
    }
    const lines = splitLines(f.patch);
    let firstHunk = 0;
    while (firstHunk < lines.length && !lines[firstHunk]!.startsWith('@@')) firstHunk++;
    const parsed = safeHunks(lines, firstHunk, lines.length);
    if (firstHunk > 0) parsed.problems.unshift(`${firstHunk} line(s) before the first hunk were ignored`);
    const file = withHunks(base, parsed);
    if (f.status === 'changed' && file.hunks.length === 0 && parsed.seen === 0) file.status = 'mode-changed';
    const done = finish(file, parsed);
    files.push(done.file);
    if (done.warning) warnings.push(done.warning);
  }
  return { files, warnings };
}

function safeHunks(lines: readonly string[], start: number, end: number): ParsedHunks {
  try {
    return parseHunks(lines, start, end);
  } catch (err) {
    return { hunks: [], problems: [`hunks could not be read (${(err as Error).message})`], seen: 1 };
  }
}

function withHunks(base: DiffFile, parsed: ParsedHunks): DiffFile {
  let additions = 0;
  let deletions = 0;
  for (const h of parsed.hunks) {
    for (const l of h.lines) {
      if (l.kind === 'add') additions++;
      else if (l.kind === 'del') deletions++;
    }
  }
  return { ...base, hunks: parsed.hunks, additions, deletions };
}

/** A file whose every hunk was dropped is unparseable; one that lost only some keeps the rest, with a warning. */
function finish(file: DiffFile, parsed: ParsedHunks): { file: DiffFile; warning?: string } {
  if (parsed.problems.length === 0) return { file };
  const more = parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more problem(s))` : '';
  if (file.hunks.length === 0) {
    return withError(file, parsed.problems[0]!, `\`${file.path}\`: ${parsed.problems[0]}${more}; the file was not reviewed.`);
  }
  return { file, warning: `\`${file.path}\`: ${parsed.problems[0]}${more}.` };
}

function withError(file: DiffFile, parseError: string, warning: string): { file: DiffFile; warning: string } {
  return { file: { ...file, hunks: [], additions: 0, deletions: 0, parseError }, warning };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
