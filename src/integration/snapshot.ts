import { posix } from 'node:path';
import { classifyWithContent } from '../diff/classify.js';
import { judgePath } from '../diff/judge-path.js';
import { detectLanguage } from '../diff/language.js';
import { findSignals } from '../diff/signals.js';
import type { FileClassification, RuleLanguage } from '../diff/types.js';
import { moduleIndex, moduleOf, scannedImportedModules } from './module-graph.js';
import type { SourceFile } from './types.js';

/** How much of a repository a snapshot may read. */
export interface SnapshotBudget {
  /** Source files held at most (the four languages, after the path filters). */
  maxFiles: number;
  /** Bytes of source text held at most. */
  maxBytes: number;
  /** Reading stops after this long. */
  timeoutMs: number;
}

/** The source files of a repository at its base commit that matter to its integration model. */
export interface RepositorySnapshot {
  /** The base commit SHA (or the local ref). */
  ref: string;
  /** Kept source files (four languages). */
  files: SourceFile[];
  /** A budget cut it. */
  truncated: boolean;
  /** When cut: the package folders kept (those the PR touches and what they import). */
  scope?: string[];
  /** One line for the review summary when it was cut or could not be read. */
  note?: string;
  stats: { scanned: number; kept: number; bytes: number; elapsedMs: number };
}

export interface SnapshotCollectorOptions {
  budget: SnapshotBudget;
  /** The paths the change touches: their package folders are what a cut snapshot keeps. */
  changedPaths: readonly string[];
  /** A file larger than this is not read (default 512 KB). */
  maxFileBytes?: number;
  /** Milliseconds now (default `Date.now`). */
  now?: () => number;
}

interface Held extends SourceFile {
  /** The file imports an HTTP client, vendor SDK, database or queue library, or names a URL or webhook route. */
  integration: boolean;
  inScope: boolean;
}

const DEFAULT_MAX_FILE_BYTES = 512 * 1024;
/** A URL in the text is an integration signal `findSignals` does not look for (it reads imports and routes). */
const URL_LITERAL = /['"`]https?:\/\/[^'"`\s]{3,}/;

/**
 * Decides, entry by entry, which files of a repository a snapshot keeps, under a budget. Used the same way by
 * the GitHub tarball reader and the local git reader: `wants(path, size)` says whether an entry is worth
 * reading (a source file of the four languages, outside vendored, generated, test, fixture and script trees,
 * not too large), `add(path, text)` offers its text, `done` says the budget is spent, `finish(ref)` gives the
 * snapshot. A file is kept when its text has integration signals (the diff classifier's `findSignals`: HTTP
 * clients, vendor SDKs, databases, queues, webhook routes; or a URL literal) or when it imports a module of the
 * repository (so an adapter's importers are seen).
 *
 * Over `maxFiles` or `maxBytes`, only the package folders the change touches are read on, and of the files
 * read before, those they import (transitively); the snapshot says so in `note`. Over the time budget,
 * reading stops.
 *
 * @example
 * const c = new SnapshotCollector({ budget, changedPaths: ['services/billing/refund.ts'] });
 * for (const e of entries) if (c.wants(e.path, e.size)) c.add(e.path, e.text);
 * const snapshot = c.finish(sha);
 */
export class SnapshotCollector {
  private readonly held: Held[] = [];
  private readonly scopeFolders: string[];
  private readonly maxFileBytes: number;
  private readonly now: () => number;
  private readonly started: number;
  private scanned = 0;
  private bytes = 0;
  private scopedFiles = 0;
  private scopedBytes = 0;
  private cutReason: 'files' | 'bytes' | 'time' | undefined;
  private stopped = false;

  constructor(private readonly opts: SnapshotCollectorOptions) {
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.now = opts.now ?? Date.now;
    this.started = this.now();
    this.scopeFolders = [...new Set(opts.changedPaths.map(packageFolder))].sort();
  }

  /** The budget is spent: read no more entries. */
  get done(): boolean {
    if (!this.stopped && this.now() - this.started > this.opts.budget.timeoutMs) this.cut('time');
    return this.stopped;
  }

  /** Whether the entry at `path` (of `size` bytes) is worth reading. Counts it as scanned. */
  wants(path: string, size: number): boolean {
    this.scanned++;
    if (this.done || size > this.maxFileBytes) return false;
    if (this.cutReason && !this.inScope(path)) return false;
    return ruleLanguageOf(path) !== undefined;
  }

  /** Offers the text of an entry `wants` accepted. */
  add(path: string, text: string): void {
    if (this.done) return;
    const language = ruleLanguageOf(path);
    if (!language || text.slice(0, 8192).includes('\u0000')) return;
    const size = Buffer.byteLength(text);
    const candidate: FileClassification = { path, selected: true, reason: 'repository snapshot', ruleLanguage: language, signals: [], language: detectLanguage(path)!.name };
    const verdict = classifyWithContent(candidate, { text, size, binary: false }, { include: [], exclude: [], maxFileBytes: this.maxFileBytes });
    // Generated (by a marker in its first lines) or browser code.
    if (!verdict.selected) return;
    const inScope = this.inScope(path);
    const { budget } = this.opts;
    if (this.cutReason) {
      if (!inScope) return;
      if (this.scopedFiles + 1 > budget.maxFiles || this.scopedBytes + size > budget.maxBytes) {
        this.stopped = true;
        return;
      }
    } else if (this.held.length + 1 > budget.maxFiles || this.bytes + size > budget.maxBytes) {
      this.cut(this.held.length + 1 > budget.maxFiles ? 'files' : 'bytes');
      if (this.stopped || !inScope) return;
    }
    this.held.push({ path, language, source: text, integration: verdict.signals.length > 0 || hasUrlLiteral(text), inScope });
    this.bytes += size;
    if (inScope) {
      this.scopedFiles++;
      this.scopedBytes += size;
    }
  }

  /** The reader ran out of time on its own clock (a transport timeout): stop, as over the time budget. */
  timedOut(): void {
    this.cut('time');
  }

  /** The snapshot of what was kept, at `ref`. */
  finish(ref: string): RepositorySnapshot {
    const index = moduleIndex(this.held);
    const imports = new Map<Held, string[]>(this.held.map((f) => [f, scannedImportedModules(f, index)]));
    let pool = this.held;
    let scope: string[] | undefined;
    if (this.cutReason && this.scopeFolders.length > 0) {
      // The touched packages, and the modules they import (transitively) among the files read before the cut.
      const byModule = new Map<string, Held[]>();
      for (const f of this.held) byModule.set(moduleOf(f.path, f.language), [...(byModule.get(moduleOf(f.path, f.language)) ?? []), f]);
      const keep = new Set(this.held.filter((f) => f.inScope));
      const queue = [...keep];
      while (queue.length > 0) {
        for (const m of imports.get(queue.pop()!) ?? []) {
          for (const f of byModule.get(m) ?? []) {
            if (keep.has(f)) continue;
            keep.add(f);
            queue.push(f);
          }
        }
      }
      pool = this.held.filter((f) => keep.has(f));
      scope = this.scopeFolders;
    }
    const files: SourceFile[] = pool
      .filter((f) => f.integration || (imports.get(f)?.length ?? 0) > 0)
      .map(({ path, language, source, integration }) => {
        const file = { path, language, source };
        signalled.set(file, integration);
        return file;
      });
    const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.source), 0);
    const truncated = this.cutReason !== undefined;
    return {
      ref,
      files,
      truncated,
      ...(scope ? { scope } : {}),
      ...(truncated ? { note: this.note() } : {}),
      stats: { scanned: this.scanned, kept: files.length, bytes, elapsedMs: this.now() - this.started },
    };
  }

  private inScope(path: string): boolean {
    return this.scopeFolders.some((folder) => folder === '' ? !path.includes('/') : path.startsWith(`${folder}/`));
  }

  private cut(reason: 'files' | 'bytes' | 'time'): void {
    this.cutReason ??= reason;
    // Out of time, or nothing to narrow to: stop here.
    if (reason === 'time' || this.scopeFolders.length === 0) this.stopped = true;
  }

  private note(): string {
    const { budget } = this.opts;
    const why =
      this.cutReason === 'files'
        ? `at ${budget.maxFiles.toLocaleString('en-US')} files`
        : this.cutReason === 'bytes'
          ? `at ${formatMb(budget.maxBytes)} of source`
          : `after ${Math.round(budget.timeoutMs / 1000)} s`;
    const folders = this.scopeFolders.filter((f) => f !== '').map((f) => `\`${f}\``);
    if (this.cutReason === 'time' || folders.length === 0) return `The repository snapshot was cut ${why}: the repository model covers only the files read until then.`;
    return `The repository snapshot was cut ${why}: the repository model covers ${listOf(folders)} and, of the files read before the cut, those they import.`;
  }
}

/**
 * Whether a file's text shows it talks to something outside the process: the diff classifier's integration
 * signals (HTTP clients, vendor SDKs, databases, queues, webhook routes) or a URL literal. A file without any
 * is not parsed for the repository model (its imports are read by a scan): at 5,000 files, parsing every one
 * costs seconds and gigabytes, and such a file has no point the model could name a service for.
 */
export function hasIntegrationSignals(file: SourceFile): boolean {
  return signalled.get(file) ?? (hasUrlLiteral(file.source) || findSignals(file.path, file.source, detectLanguage(file.path)?.name).length > 0);
}

/** What the collector found out about the files it gave, so the model build does not look again. */
const signalled = new WeakMap<SourceFile, boolean>();

const hasUrlLiteral = (text: string): boolean => URL_LITERAL.test(text);

/** The language the rules parse a file in, when it is a source file a snapshot reads (see `judgePath`: no vendored, generated, test, fixture or script trees). */
export function ruleLanguageOf(path: string): RuleLanguage | undefined {
  const language = detectLanguage(path);
  if (!language) return undefined;
  const verdict = judgePath(path, language);
  return verdict.selected ? verdict.ruleLanguage : undefined;
}

/**
 * The package folder of a path, what a cut snapshot keeps: a Go or Java file's own directory (its package),
 * else the first two folders (`services/billing/src/refund.ts` → `services/billing`); `''` at the top.
 */
export function packageFolder(path: string): string {
  const dir = posix.dirname(path);
  if (dir === '.') return '';
  if (/\.(go|java)$/.test(path)) return dir;
  return dir.split('/').slice(0, 2).join('/');
}

function listOf(items: readonly string[]): string {
  return (items.length > 4 ? [...items.slice(0, 4), `${items.length - 4} more folders`] : items).join(', ');
}

const formatMb = (n: number): string => (n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${Math.round(n / 1024)} KB`);
