import picomatch from 'picomatch';
import type { FileContent } from '../review/ports.js';
import { judgeLanguage, judgePath, type PathVerdict } from './judge-path.js';
import { detectLanguage, detectShebangLanguage, type Language } from './language.js';
import { findSignals } from './signals.js';
import type { DiffFile, FileClassification, SkipReason } from './types.js';

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
 *
 * Order: `exclude` globs win over everything; then what has nothing to review (unparseable, deleted,
 * binary, no hunks); then `include` globs, which select a file whatever its path or language says;
 * then the path and Linguist language (see `judgePath`). Globs use picomatch with dotfiles matched,
 * and a glob without `/` matches the base name anywhere (`*.sql` is `**\/*.sql`).
 *
 * @example classifyByPath(file, { include: [], exclude: ['legacy/**'], maxFileBytes: 512 * 1024 })
 */
export function classifyByPath(file: DiffFile, opts: ClassifyOptions): FileClassification {
  const path = file.path;
  const language = detectLanguage(path);
  const known = describe(path, language);

  const excludedBy = firstMatch(opts.exclude, path);
  if (excludedBy !== undefined) return skipped(known, 'excluded', `excluded by paths.exclude (${excludedBy})`);
  if (file.parseError !== undefined) return skipped(known, 'unparseable', `the diff of this file could not be read: ${file.parseError}`);
  if (file.status === 'deleted') return skipped(known, 'deleted', 'deleted (nothing to comment on at head)');
  if (file.binary) return skipped(known, 'binary', 'binary file');
  if (file.hunks.length === 0) return skipped(known, 'no-patch', noPatchReason(file));

  const includedBy = firstMatch(opts.include, path);
  if (includedBy !== undefined) return { ...known, selected: true, reason: `included by paths.include (${includedBy})` };
  return fromVerdict(known, judgePath(path, language));
}

/**
 * Second pass for a candidate: generated/vendored markers, size, and integration signals in the
 * head content. Returns the final verdict.
 *
 * Binary and too-large heads are skipped even when `include` matched (there is nothing the reviewers
 * can read); generated markers are not applied to an included file. A file with no extension is
 * judged by its `#!` line. An unreadable head (`content` undefined) leaves the candidate as it is,
 * to be reviewed from the diff alone.
 */
export function classifyWithContent(candidate: FileClassification, content: FileContent | undefined, opts: ClassifyOptions): FileClassification {
  if (!candidate.selected) return candidate;
  const included = firstMatch(opts.include, candidate.path) !== undefined;
  const needsShebang = !included && candidate.language === undefined && candidate.ruleLanguage === undefined && isShebangCandidate(candidate);
  if (content === undefined) {
    return needsShebang ? skipped(candidate, 'unsupported-language', 'unknown language (no extension, head not readable)') : candidate;
  }
  if (content.binary) return skipped(candidate, 'binary', 'binary file');
  if (content.tooLarge || content.size > opts.maxFileBytes) {
    return skipped(candidate, 'too-large', `too large to review (${formatBytes(content.size)}, limit ${formatBytes(opts.maxFileBytes)})`);
  }
  const text = content.text;
  if (text === undefined) {
    return needsShebang ? skipped(candidate, 'unsupported-language', 'unknown language (no extension, head not readable)') : candidate;
  }

  let current = candidate;
  if (needsShebang) {
    const language = detectShebangLanguage(text);
    if (!language) return skipped(candidate, 'unsupported-language', 'unknown language (no extension and no #! line)');
    current = fromVerdict(describe(candidate.path, language), judgeLanguage(language));
    if (!current.selected) return current;
  }
  if (!included) {
    const marker = generatedMarker(text);
    if (marker) return skipped(current, 'generated', `generated file (${marker})`);
    if (/\.spec$/i.test(current.path) && RPM_SPEC.test(text)) return skipped(current, 'config', 'configuration (RPM spec)');
    const frontend = JS_RULE_LANGUAGES.has(current.ruleLanguage ?? '') ? frontendByContent(current.path, text) : undefined;
    if (frontend) return skipped(current, 'frontend', `frontend code (${frontend})`);
  }

  const signals = current.reason.startsWith('API or schema contract') ? [] : findSignals(current.path, text, current.language);
  if (signals.length === 0) return { ...current, signals: [] };
  const integration = `integration code: ${signals.join(', ')}`;
  return { ...current, signals, reason: included ? `${current.reason}; ${integration}` : integration };
}

type Known = Pick<FileClassification, 'path' | 'language' | 'ruleLanguage' | 'signals'>;

function describe(path: string, language: Language | undefined): Known {
  const verdict = language ? judgeLanguage(language) : undefined;
  const ruleLanguage = verdict?.selected ? verdict.ruleLanguage : undefined;
  return { path, signals: [], ...(language ? { language: language.name } : {}), ...(ruleLanguage ? { ruleLanguage } : {}) };
}

function fromVerdict(known: Known, verdict: PathVerdict): FileClassification {
  if (!verdict.selected) return skipped(known, verdict.skipReason, verdict.reason);
  return { ...known, selected: true, reason: verdict.reason };
}

function skipped(known: Known | FileClassification, skipReason: SkipReason, reason: string): FileClassification {
  return { path: known.path, selected: false, reason, skipReason, signals: [], ...(known.language ? { language: known.language } : {}) };
}

function isShebangCandidate(c: FileClassification): boolean {
  const base = c.path.slice(c.path.lastIndexOf('/') + 1);
  return !base.includes('.');
}

function noPatchReason(file: DiffFile): string {
  switch (file.status) {
    case 'renamed':
      return `renamed from ${file.oldPath ?? 'another path'} with no content change`;
    case 'copied':
      return `copied from ${file.oldPath ?? 'another path'} with no content change`;
    case 'mode-changed':
      return `file mode change only (${file.oldMode ?? '?'} to ${file.newMode ?? '?'})`;
    case 'added':
      if (!file.noPatch) return 'new empty file';
      break;
  }
  return file.noPatch ? 'GitHub sent no patch for this file (binary or too large)' : 'no content change';
}

const GENERATED_MARKERS: ReadonlyArray<[RegExp, string]> = [
  [/Code generated .*DO NOT EDIT/, '"Code generated … DO NOT EDIT"'],
  [/@generated\b/, '@generated'],
  [/<auto-generated/i, '<auto-generated>'],
  [/^[ \t]*(?:#|\/\/|--|\/?\*+|<!--)[ \t]*(?:This file (?:was|is) )?(?:auto-?)?generated by\b/im, '"Generated by" header'],
  [/DO NOT EDIT/, '"DO NOT EDIT"'],
];

/** Generators mark their output in the first lines; a marker further down is more likely a comment about it. */
function generatedMarker(text: string): string | undefined {
  const head = text.slice(0, 4096).split('\n', 40).join('\n');
  return GENERATED_MARKERS.find(([re]) => re.test(head))?.[1];
}

/** Linguist calls `*.spec` Python; an RPM spec starts with its preamble tags. */
const RPM_SPEC = /^(?:Name|Summary|Version|Release|License|BuildRequires):\s*\S/m;

const JS_RULE_LANGUAGES = new Set(['typescript', 'tsx', 'javascript']);
/** UI frameworks: a module importing one renders a user interface. */
const UI_IMPORT = /^\s*(?:import\b[^;]*?\bfrom\s*|import\s*|(?:const|let|var)\s+[^=]+=\s*require\()\s*['"](react|react-dom(?:\/client)?|vue|svelte|preact|solid-js|@angular\/core|next\/(?:navigation|router|link|image|head))['"]/m;
/** Modules only a server imports: a file with one is backend whatever else it imports. */
const SERVER_IMPORT = /['"](?:node:[\w/]+|fs|http|https|net|child_process|express|fastify|koa|@nestjs\/[\w-]+|hono|next\/server|@aws-sdk\/[\w-]+|pg|mysql2|mongodb|mongoose|ioredis|bullmq|kafkajs|amqplib|stripe|twilio|nodemailer)['"]/;
const BROWSER_GLOBAL = /\b(?:window|document|localStorage|sessionStorage|navigator)\.\w/g;

/**
 * Browser code outside the folders `judgePath` knows: a `'use client'` module, a module importing a UI
 * framework, or one using browser globals (at least two different ones), unless it imports a server-only module
 * or is a Next.js route handler or API page (`app/**\/route.ts`, `pages/api/**`), which stay backend.
 * Returns what gave it away, or undefined for server code.
 */
export function frontendByContent(path: string, text: string): string | undefined {
  if (/(?:^|\/)route\.[cm]?[jt]s$/.test(path) || /(?:^|\/)pages\/api\//.test(path) || /^\s*['"]use server['"]/m.test(text)) return undefined;
  const head = text.slice(0, 64 * 1024);
  if (/^\s*['"]use client['"]/.test(head)) return "'use client'";
  if (SERVER_IMPORT.test(head)) return undefined;
  const ui = UI_IMPORT.exec(head);
  if (ui) return `imports ${ui[1]}`;
  const globals = new Set([...head.matchAll(BROWSER_GLOBAL)].map((m) => m[0].slice(0, m[0].indexOf('.'))));
  return globals.size >= 2 ? `browser globals: ${[...globals].sort().join(', ')}` : undefined;
}

const matchers = new Map<string, (path: string) => boolean>();

function firstMatch(globs: readonly string[], path: string): string | undefined {
  for (const glob of globs) {
    let m = matchers.get(glob);
    if (!m) {
      try {
        m = picomatch(glob, { dot: true, basename: !glob.includes('/') });
      } catch {
        m = () => false; // the config loader reports bad globs; here one just matches nothing
      }
      matchers.set(glob, m);
    }
    if (m(path)) return glob;
  }
  return undefined;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}
