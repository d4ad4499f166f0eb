import { posix } from 'node:path';
import { classifyWithContent } from '../diff/classify.js';
import { judgePath } from '../diff/judge-path.js';
import { detectLanguage } from '../diff/language.js';
import { findSignals } from '../diff/signals.js';
import type { FileClassification, RuleLanguage } from '../diff/types.js';
import { importTargetKeys, moduleIndex, moduleKeys, moduleOf, resolveScannedImports, scanImports, type ModuleIndex, type ScannedImport } from './module-graph.js';
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
  /** `reread`: files of the import closure read in a second pass (they came before their importer). */
  stats: { scanned: number; kept: number; bytes: number; elapsedMs: number; reread?: number };
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

/** One source file the collector saw: its imports always, its text when kept. */
interface Seen {
  path: string;
  language: RuleLanguage;
  module: string;
  size: number;
  imports: ScannedImport[];
  /** Kept text: every file read before a cut; after it, the touched packages' and those they import (as known then). */
  source?: string;
  /** The file imports an HTTP client, vendor SDK, database or queue library, or names a URL or webhook route (read with its text, or when its imports were). */
  integration: boolean;
  inScope: boolean;
  /** In the touched packages' import closure as known so far. */
  joined: boolean;
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
 * Over `maxFiles` or `maxBytes` (the cut), what is kept narrows to the package folders the change touches and
 * the modules they import, transitively, wherever they are in the reader's order:
 * - files read before the cut are held until `finish`, which keeps those in the closure;
 * - after the cut, every source file is still read (the archive streams past it anyway) but only its import
 *   lines are kept (path and imports, no text), unless it is in the touched packages or in the closure as
 *   known so far (imported by a file of the closure read before it): then its text is kept;
 * - a file of the closure whose text was not kept (it came before its importer) is named by `secondPass()`,
 *   for the reader to read again (the App: one more filtered pass over the archive, only then), within what
 *   is left of the budget and the time.
 * What is kept holds to the budget (the touched packages first, then what they import, nearest first); the
 * snapshot says what in `note`. Over the time budget, reading stops and what was read is kept.
 *
 * @example
 * const c = new SnapshotCollector({ budget, changedPaths: ['services/billing/refund.ts'] });
 * for (const e of entries) if (c.wants(e.path, e.size)) c.add(e.path, e.text);
 * for (const e of c.secondPass().length > 0 ? entries : []) if (c.wants(e.path, e.size)) c.add(e.path, e.text);
 * const snapshot = c.finish(sha);
 */
export class SnapshotCollector {
  /** Every source file seen (read), in the reader's order. */
  private readonly seen: Seen[] = [];
  /** Seen files by {@link moduleKeys}: the candidates for an import's target. */
  private readonly seenByKey = new Map<string, Seen[]>();
  /** Files of the closure by {@link importTargetKeys}: the importers a file read later may be imported by. */
  private readonly pending = new Map<string, Seen[]>();
  private readonly scopeFolders: string[];
  private readonly maxFileBytes: number;
  private readonly now: () => number;
  private readonly started: number;
  private scanned = 0;
  /** Bytes of text held before the cut. */
  private bytes = 0;
  private held = 0;
  /** Files and bytes of text kept after the cut. */
  private scopedFiles = 0;
  private scopedBytes = 0;
  private cutReason: 'files' | 'bytes' | 'time' | undefined;
  private stopped = false;
  /** The second pass: the paths still to read. */
  private again: Map<string, Seen> | undefined;
  private reread = 0;

  constructor(private readonly opts: SnapshotCollectorOptions) {
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.now = opts.now ?? Date.now;
    this.started = this.now();
    this.scopeFolders = [...new Set(opts.changedPaths.map(packageFolder))].sort();
  }

  /** The budget is spent (or the second pass has read all it wanted): read no more entries. */
  get done(): boolean {
    if (!this.stopped && this.now() - this.started > this.opts.budget.timeoutMs) this.cut('time');
    return this.stopped || (this.again !== undefined && this.again.size === 0);
  }

  /** Milliseconds left of the time budget. */
  get remainingMs(): number {
    return Math.max(0, this.opts.budget.timeoutMs - (this.now() - this.started));
  }

  /** Whether the entry at `path` (of `size` bytes) is worth reading. Counts it as scanned (in the first pass). */
  wants(path: string, size: number): boolean {
    if (this.again) return !this.done && this.again.has(path);
    this.scanned++;
    if (this.done || size > this.maxFileBytes) return false;
    return ruleLanguageOf(path) !== undefined;
  }

  /** Offers the text of an entry `wants` accepted. */
  add(path: string, text: string): void {
    if (this.done) return;
    const language = ruleLanguageOf(path);
    if (!language || text.slice(0, 8192).includes('\u0000')) return;
    if (this.again) return this.addAgain(path, text);
    const size = Buffer.byteLength(text);
    const inScope = this.inScope(path);
    const { budget } = this.opts;
    if (!this.cutReason) {
      const verdict = this.verdict(path, language, text, size);
      if (!verdict) return;
      if (this.held + 1 <= budget.maxFiles && this.bytes + size <= budget.maxBytes) {
        this.see({ path, language, size, text, integration: verdict.integration, inScope });
        this.held++;
        this.bytes += size;
        return;
      }
      this.cut(this.held + 1 > budget.maxFiles ? 'files' : 'bytes');
      if (this.stopped) return;
    }
    // After the cut: the text is kept for the touched packages and what they are known to import; else only the imports.
    const imports = scanImports(text, language);
    const module = moduleOf(path, language);
    const wanted = inScope || this.importedByClosure({ path, language, module, imports });
    if (!wanted) {
      // Whether it would be kept if it turns out to be imported (else a second pass need not read it).
      this.see({ path, language, size, imports, integration: hasUrlLiteral(text) || findSignals(path, text, detectLanguage(path)?.name).length > 0 });
      return;
    }
    const verdict = this.verdict(path, language, text, size);
    if (!verdict) return;
    if (this.scopedFiles + 1 > budget.maxFiles || this.scopedBytes + size > budget.maxBytes) {
      this.stopped = true;
      return;
    }
    this.scopedFiles++;
    this.scopedBytes += size;
    this.join(this.see({ path, language, size, imports, text, integration: verdict.integration, inScope }));
  }

  /** The reader ran out of time on its own clock (a transport timeout): stop, as over the time budget. */
  timedOut(): void {
    this.cut('time');
  }

  /**
   * After the first pass: the paths of the files the touched packages import (transitively, resolved against
   * every path seen) whose text was not kept because they came before their importer, nearest first, as many
   * as fit what is left of the budget. Empty when the snapshot was not cut, or cut by time, or has them all.
   * Starts the second pass: `wants` then accepts these paths only, and `done` is true once all are read.
   */
  secondPass(): string[] {
    if (this.again) return [...this.again.keys()];
    const missing: Seen[] = [];
    if (this.budgetCut() && !this.stopped && this.remainingMs > 0) {
      const { budget } = this.opts;
      const index = moduleIndex(this.seen);
      const importsOf = (f: Seen): string[] => resolveScannedImports(f, f.imports, index);
      // Files without integration signals or repository imports are not kept: not worth reading again.
      const closure = this.closure(importsOf).filter((f) => f.integration || importsOf(f).length > 0);
      let files = closure.filter((f) => f.source !== undefined).length;
      let bytes = closure.reduce((n, f) => n + (f.source !== undefined ? f.size : 0), 0);
      for (const f of closure) {
        if (f.source !== undefined) continue;
        if (files + 1 > budget.maxFiles || bytes + f.size > budget.maxBytes) break;
        missing.push(f);
        files++;
        bytes += f.size;
      }
    }
    this.again = new Map(missing.map((f) => [f.path, f]));
    return missing.map((f) => f.path);
  }

  /** The snapshot of what was kept, at `ref`. */
  finish(ref: string): RepositorySnapshot {
    const index = moduleIndex(this.seen);
    const resolved = new Map<Seen, string[]>();
    const importsOf = (f: Seen): string[] => {
      let m = resolved.get(f);
      if (!m) resolved.set(f, (m = resolveScannedImports(f, f.imports, index)));
      return m;
    };
    const cut = this.budgetCut();
    // Cut: the touched packages and what they import, nearest first; else every file read.
    let pool = cut ? this.closure(importsOf) : this.seen;
    let unread = 0;
    if (cut) {
      unread = pool.filter((f) => f.source === undefined && (f.integration || importsOf(f).length > 0)).length;
      pool = pool.filter((f) => f.source !== undefined);
    }
    const { budget } = this.opts;
    const files: SourceFile[] = [];
    let bytes = 0;
    let overBudget = 0;
    for (const f of pool) {
      if (f.source === undefined || !(f.integration || importsOf(f).length > 0)) continue;
      if (cut && (files.length + 1 > budget.maxFiles || bytes + f.size > budget.maxBytes)) {
        overBudget++;
        continue;
      }
      const file = { path: f.path, language: f.language, source: f.source };
      signalled.set(file, f.integration);
      files.push(file);
      bytes += Buffer.byteLength(f.source);
    }
    const truncated = this.cutReason !== undefined;
    const imported = files.filter((f) => !this.inScope(f.path)).length;
    return {
      ref,
      files,
      truncated,
      ...(truncated && this.scopeFolders.length > 0 ? { scope: this.scopeFolders } : {}),
      ...(truncated ? { note: this.note(cut ? { imported, left: unread + overBudget } : undefined) } : {}),
      stats: { scanned: this.scanned, kept: files.length, bytes, elapsedMs: this.now() - this.started, ...(this.reread > 0 ? { reread: this.reread } : {}) },
    };
  }

  /** A second-pass entry: its text is kept. */
  private addAgain(path: string, text: string): void {
    const f = this.again!.get(path);
    if (!f) return;
    this.again!.delete(path);
    const verdict = this.verdict(path, f.language, text, Buffer.byteLength(text));
    if (!verdict) return;
    f.source = text;
    f.integration = verdict.integration;
    this.reread++;
  }

  /** Generated (by a marker in its first lines) or browser code: `undefined`; else whether it has integration signals. */
  private verdict(path: string, language: RuleLanguage, text: string, size: number): { integration: boolean } | undefined {
    const candidate: FileClassification = { path, selected: true, reason: 'repository snapshot', ruleLanguage: language, signals: [], language: detectLanguage(path)!.name };
    const verdict = classifyWithContent(candidate, { text, size, binary: false }, { include: [], exclude: [], maxFileBytes: this.maxFileBytes });
    return verdict.selected ? { integration: verdict.signals.length > 0 || hasUrlLiteral(text) } : undefined;
  }

  /** Records a seen file (its imports scanned from `text` unless given). */
  private see(f: { path: string; language: RuleLanguage; size: number; text?: string; imports?: ScannedImport[]; integration?: boolean; inScope?: boolean }): Seen {
    const seen: Seen = {
      path: f.path,
      language: f.language,
      module: moduleOf(f.path, f.language),
      size: f.size,
      imports: f.imports ?? scanImports(f.text ?? '', f.language),
      ...(f.text !== undefined ? { source: f.text } : {}),
      integration: f.integration ?? false,
      inScope: f.inScope ?? false,
      joined: false,
    };
    this.seen.push(seen);
    for (const k of moduleKeys(seen.module, seen.language)) push(this.seenByKey, k, seen);
    return seen;
  }

  /** A file of the closure imports this module (checked against the importers waiting on one of its keys). */
  private importedByClosure(f: Pick<Seen, 'path' | 'language' | 'module' | 'imports'>): boolean {
    const only: ModuleIndex = { modules: new Set([f.module]) };
    for (const k of moduleKeys(f.module, f.language)) {
      for (const importer of this.pending.get(k) ?? []) if (resolveScannedImports(importer, importer.imports, only).length > 0) return true;
    }
    return false;
  }

  /** `f` joins the closure as known so far, with the files seen before that it imports (transitively). */
  private join(first: Seen): void {
    const queue = [first];
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (f.joined) continue;
      f.joined = true;
      for (const k of importTargetKeys(f, f.imports)) {
        push(this.pending, k, f);
        for (const target of this.seenByKey.get(k) ?? []) {
          if (target.joined) continue;
          if (resolveScannedImports(f, f.imports, { modules: new Set([target.module]) }).length > 0) queue.push(target);
        }
      }
    }
  }

  /**
   * The touched packages' files and the files they import, transitively, resolved against every path seen:
   * the touched packages first, then breadth first (nearest imports first).
   */
  private closure(importsOf: (f: Seen) => string[]): Seen[] {
    const byModule = new Map<string, Seen[]>();
    for (const f of this.seen) push(byModule, f.module, f);
    const order = this.seen.filter((f) => f.inScope);
    const keep = new Set(order);
    for (let i = 0; i < order.length; i++) {
      const f = order[i]!;
      for (const m of importsOf(f)) {
        for (const d of byModule.get(m) ?? []) {
          if (keep.has(d)) continue;
          keep.add(d);
          order.push(d);
        }
      }
    }
    return order;
  }

  /** Cut by the files or bytes budget with packages to narrow to. */
  private budgetCut(): boolean {
    return (this.cutReason === 'files' || this.cutReason === 'bytes') && this.scopeFolders.length > 0;
  }

  private inScope(path: string): boolean {
    return this.scopeFolders.some((folder) => folder === '' ? !path.includes('/') : path.startsWith(`${folder}/`));
  }

  private cut(reason: 'files' | 'bytes' | 'time'): void {
    const first = this.cutReason === undefined;
    this.cutReason ??= reason;
    // Out of time, or nothing to narrow to: stop here.
    if (reason === 'time' || this.scopeFolders.length === 0) {
      this.stopped = true;
      return;
    }
    // The touched packages' files read so far start the closure.
    if (first) for (const f of this.seen) if (f.inScope && !f.joined) this.join(f);
  }

  private note(kept?: { imported: number; left: number }): string {
    const { budget } = this.opts;
    const why =
      this.cutReason === 'files'
        ? `at ${count(budget.maxFiles, 'file', 'files')}`
        : this.cutReason === 'bytes'
          ? `at ${formatMb(budget.maxBytes)} of source`
          : `after ${Math.round(budget.timeoutMs / 1000)} s`;
    const folders = this.scopeFolders.filter((f) => f !== '').map((f) => `\`${f}\``);
    if (!kept || folders.length === 0) return `The repository snapshot was cut ${why}: the repository model covers only the files read until then.`;
    let text = `The repository snapshot was cut ${why}: the repository model covers ${listOf(folders)}`;
    if (kept.imported > 0) text += ` and ${count(kept.imported, 'file', 'files')} they import`;
    if (kept.left > 0) text += `; ${count(kept.left, 'more file they import was', 'more files they import were')} left out to stay within the budget`;
    return `${text}.`;
  }
}

const count = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
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
