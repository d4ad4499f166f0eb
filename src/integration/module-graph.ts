import { posix } from 'node:path';
import type { SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { importStatements } from '../rules/ast/import-bindings.js';
import { parseSource } from '../rules/parse-source.js';
import type { SourceFile } from './types.js';

const EXTENSION = /\.(tsx?|mts|cts|jsx?|mjs|cjs|py|go|java)$/;

/**
 * The module a file belongs to: Go's unit is the package (its directory); elsewhere the file without its
 * extension (`src/billing/refund.ts` → `src/billing/refund`; `pkg/__init__.py` and `lib/index.ts` stand for
 * their folder).
 */
export function moduleOf(path: string, language: RuleLanguage): string {
  if (language === 'go') return posix.dirname(path);
  return path.replace(EXTENSION, '').replace(/\/(index|__init__)$/, '');
}

/** The repository's modules, indexed for import resolution. */
export interface ModuleIndex {
  modules: Set<string>;
}

/** An index of the modules of `files`. */
export function moduleIndex(files: ReadonlyArray<Pick<SourceFile, 'path' | 'language'>>): ModuleIndex {
  return { modules: new Set(files.map((f) => moduleOf(f.path, f.language))) };
}

/**
 * The repository modules a file imports: relative and aliased-by-suffix imports in TS/JS, absolute and
 * relative imports in Python, Go import paths ending in a package directory of the repository, Java imports
 * of the repository's classes (or packages, with `.*`). Third-party modules are left out. `tree`: the file
 * already parsed (parsed here when absent; `null`: it does not parse, so only Python's imports are read, by a scan).
 */
export function importedModules(file: SourceFile, index: ModuleIndex, tree?: SgRoot | null): string[] {
  if (file.language === 'python') {
    // The parsed tree's import statements when there is one (relative ones too), else the scan of the import lines.
    let imports: ScannedImport[];
    try {
      imports = tree === null ? scanPythonImports(file.source) : pythonImportsOf(importStatements(tree ?? parseSource('python', file.source), 'python', { dependencies: true }));
    } catch {
      imports = scanPythonImports(file.source);
    }
    return resolveScannedImports(file, imports, index);
  }
  let statements: Array<{ module: string }>;
  try {
    if (tree === null) return [];
    statements = importStatements(tree ?? parseSource(file.language, file.source), file.language);
  } catch {
    return [];
  }
  return resolveSpecifiers(file, statements.map((s) => s.module), index);
}

/**
 * {@link importedModules} without a parse: the import specifiers are read by regular expressions over the
 * import lines (a commented-out import counts too). For files the model only needs the imports of, and for
 * deciding which files of a repository snapshot to keep.
 */
export function scannedImportedModules(file: SourceFile, index: ModuleIndex): string[] {
  return resolveScannedImports(file, scanImports(file.source, file.language), index);
}

/**
 * One import line of a file as written: the module specifier (`./pay`, `github.com/acme/shop/internal/pay`,
 * `com.acme.pay.Client`, Python's `.a.b` or `a.b`) and, for Python's `from m import a, b`, the names (each may
 * be a submodule of `m`). What {@link scanImports} reads and {@link resolveScannedImports} resolves.
 */
export interface ScannedImport {
  module: string;
  /** Python's `from … import` names (`*` left out). */
  names?: string[];
}

/** The import lines of a file (all four languages), read by regular expressions: no parse. */
export function scanImports(source: string, language: RuleLanguage): ScannedImport[] {
  if (language === 'python') return scanPythonImports(source);
  return scanImportSpecifiers(source, language).map((module) => ({ module }));
}

/** The repository modules (of `index`) that a file's scanned imports name; its own module left out. */
export function resolveScannedImports(file: Pick<SourceFile, 'path' | 'language'>, imports: readonly ScannedImport[], index: ModuleIndex): string[] {
  if (file.language !== 'python') return resolveSpecifiers(file, imports.map((i) => i.module), index);
  const from = moduleOf(file.path, file.language);
  const out = new Set<string>();
  const add = (m: string | undefined): void => {
    if (m && m !== from) out.add(m);
  };
  for (const imp of imports) {
    const base = pythonModulePath(file.path, imp.module);
    let matched = false;
    for (const n of imp.names ?? []) {
      const sub = bySuffix(posix.join(base, n), index);
      if (sub) {
        add(sub);
        matched = true;
      }
    }
    if (!matched) add(bySuffix(base, index));
  }
  return [...out];
}

/**
 * Keys of the modules a file's imports may name, to look a module up among the imports of files read before
 * it (the snapshot sees files one at a time, so it cannot resolve against the whole repository): `=path` for
 * an import that names one path (a relative TS/JS or Python import), else the last path segment of what it
 * names (for Python's `from m import a`: `m`'s and `a`'s; for a Java `p.*`: the package's). A module none of
 * whose {@link moduleKeys} is among them is not one of the file's imports; one that is may be (check with
 * {@link resolveScannedImports}).
 */
export function importTargetKeys(file: Pick<SourceFile, 'path' | 'language'>, imports: readonly ScannedImport[]): string[] {
  const keys = new Set<string>();
  for (const imp of imports) {
    if (file.language === 'python') {
      const base = pythonModulePath(file.path, imp.module);
      const relative = imp.module.startsWith('.');
      const key = (p: string): string => (relative ? `=${p}` : lastSegment(p));
      keys.add(key(base));
      for (const n of imp.names ?? []) keys.add(key(posix.join(base, n)));
    } else if (file.language === 'java') keys.add(lastSegment(imp.module.replace(/\.\*$/, '').replace(/\./g, '/')));
    else if (file.language === 'go') keys.add(lastSegment(imp.module));
    else if (imp.module.startsWith('.')) keys.add(`=${posix.normalize(posix.join(posix.dirname(file.path), imp.module)).replace(EXTENSION, '').replace(/\/index$/, '')}`);
    else if (/^[@~#]\//.test(imp.module) || /^src\//.test(imp.module)) keys.add(lastSegment(imp.module.replace(EXTENSION, '')));
  }
  keys.delete('');
  keys.delete('=');
  return [...keys];
}

/** The keys of `module` that {@link importTargetKeys} of its importers may hold: `=module`, its last segment, and for Java its package's (a `p.*` import). */
export function moduleKeys(module: string, language: RuleLanguage): string[] {
  const keys = [`=${module}`, lastSegment(module)];
  if (language === 'java') keys.push(lastSegment(posix.dirname(module)));
  return keys;
}

/**
 * Python's import statements, read by regular expressions over logical lines: `import a.b, c as d`,
 * `from a.b import c, d as e`, relative `from . import x` and `from ..a import (b,\n c,  # note\n)`, backslash
 * continuations and `;`-separated statements. Each statement ends at its own line (or closing parenthesis).
 */
export function scanPythonImports(source: string): ScannedImport[] {
  const out: ScannedImport[] = [];
  const statement = /^[ \t]*(?:from[ \t]+(\.+[\w.]*|[\w.]+)[ \t]+import[ \t]*(\([^)]*\)?|(?:[^\n\\]|\\\r?\n)*)|import[ \t]+((?:[^\n\\]|\\\r?\n)+))/gm;
  for (const m of source.matchAll(statement)) {
    if (m[1] !== undefined) {
      const names = pythonNames(m[2]!.startsWith('(') ? m[2]!.replace(/#[^\n]*/g, '').replace(/[()]/g, '') : untilStatementEnd(m[2]!));
      out.push({ module: m[1], ...(names.length > 0 ? { names } : {}) });
    } else for (const module of pythonNames(untilStatementEnd(m[3]!))) out.push({ module });
  }
  return out;
}

/** A logical line's import list without its comment, continuations or a following `;` statement. */
const untilStatementEnd = (text: string): string => text.replace(/\\\r?\n/g, ' ').replace(/[#;].*$/s, '');

/** `b as c, d` → `['b', 'd']` (the dotted module of `import a.b as c`); `*` and anything else left out. */
function pythonNames(list: string): string[] {
  return list
    .split(',')
    .map((n) => n.trim().split(/\s+/)[0] ?? '')
    .filter((n) => /^[A-Za-z_][\w.]*$/.test(n));
}

/** Python import statements of the parsed tree as {@link ScannedImport}s (`import a.b` has no names; `from m import x` has `x`). */
function pythonImportsOf(statements: ReadonlyArray<{ module: string; names: ReadonlyArray<{ imported: string }> }>): ScannedImport[] {
  return statements.map((s) => {
    const names = s.names.map((n) => n.imported).filter((n) => n !== '*');
    return { module: s.module, ...(names.length > 0 ? { names } : {}) };
  });
}

/** A Python module as written (`.a.b`, `a.b`) → its path (relative to the file's package for leading dots). */
function pythonModulePath(path: string, module: string): string {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots);
  return dots > 0 ? relativePython(path, dots, rest) : rest.replace(/\./g, '/');
}

/** The modules named by a file's import lines (TS/JS `import`/`require`, Go `import`, Java `import`), read by regular expressions. */
export function scanImportSpecifiers(source: string, language: RuleLanguage): string[] {
  const out: string[] = [];
  if (language === 'go') {
    for (const block of source.matchAll(/^import\s*\(([^)]*)\)/gm)) for (const m of block[1]!.matchAll(/"([^"\n]+)"/g)) out.push(m[1]!);
    for (const m of source.matchAll(/^import[ \t]+(?:[\w.]+[ \t]+)?"([^"\n]+)"/gm)) out.push(m[1]!);
  } else if (language === 'java') {
    for (const m of source.matchAll(/^[ \t]*import[ \t]+(?:static[ \t]+)?([\w.]+(?:\.\*)?)[ \t]*;/gm)) out.push(m[1]!);
  } else if (language !== 'python') {
    for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"\n]+)['"]/g)) out.push(m[1]!);
  }
  return out;
}

function resolveSpecifiers(file: Pick<SourceFile, 'path' | 'language'>, specifiers: readonly string[], index: ModuleIndex): string[] {
  const from = moduleOf(file.path, file.language);
  const out = new Set<string>();
  const add = (m: string | undefined): void => {
    if (m && m !== from) out.add(m);
  };
  for (const module of specifiers) {
    const s = { module };
    if (file.language === 'go') add(bySuffix(s.module, index));
    else if (file.language === 'java') {
      const path = s.module.replace(/\.\*$/, '').replace(/\./g, '/');
      add(bySuffix(path, index));
      if (s.module.endsWith('.*')) for (const m of index.modules) if (m.endsWith(`/${path}`) || posix.dirname(m).endsWith(path)) add(m);
    } else if (s.module.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file.path), s.module)).replace(EXTENSION, '').replace(/\/index$/, '');
      add(index.modules.has(target) ? target : undefined);
    } else if (/^[@~#]\//.test(s.module) || /^src\//.test(s.module)) {
      // Path aliases (`@/lib/payments`, `~/lib/payments`): matched by suffix.
      add(bySuffix(s.module.replace(/^[@~#]\//, '').replace(EXTENSION, ''), index));
    }
  }
  return [...out];
}

function relativePython(path: string, dots: number, rest: string): string {
  let dir = posix.dirname(path);
  for (let i = 1; i < dots; i++) dir = posix.dirname(dir);
  return rest ? posix.join(dir, rest.replace(/\./g, '/')) : dir;
}

/** The one module whose path is `suffix` or ends with `/suffix`; the shortest when several do. */
function bySuffix(suffix: string, index: ModuleIndex): string | undefined {
  if (!suffix) return undefined;
  if (index.modules.has(suffix)) return suffix;
  // Both kinds of match below end in the same last segment: only those modules are looked at.
  const candidates = byLastSegment(index).get(lastSegment(suffix)) ?? [];
  let best: string | undefined;
  for (const m of candidates) if (m.endsWith(`/${suffix}`) && (!best || m.length < best.length)) best = m;
  // Go import paths carry the module prefix (`github.com/acme/shop/internal/pay`): the repository path is a suffix of the import.
  if (!best) for (const m of candidates) if (suffix.endsWith(`/${m}`) && (!best || m.length > best.length)) best = m;
  return best;
}

const lastSegment = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const lastSegments = new WeakMap<ModuleIndex, Map<string, string[]>>();

/** The index's modules by their last path segment (built once per index). */
function byLastSegment(index: ModuleIndex): Map<string, string[]> {
  let map = lastSegments.get(index);
  if (!map) {
    map = new Map();
    for (const m of index.modules) {
      const k = lastSegment(m);
      const list = map.get(k);
      if (list) list.push(m);
      else map.set(k, [m]);
    }
    lastSegments.set(index, map);
  }
  return map;
}

/**
 * The repository module one import specifier of `file` names, when `index` has it: as {@link importedModules}
 * resolves it (Python's dotted and relative modules included).
 */
export function resolveImport(file: SourceFile, specifier: string, index: ModuleIndex): string | undefined {
  if (file.language === 'python') {
    const dots = /^\.*/.exec(specifier)![0].length;
    const rest = specifier.slice(dots);
    const m = bySuffix(dots > 0 ? relativePython(file.path, dots, rest) : rest.replace(/\./g, '/'), index);
    return m !== moduleOf(file.path, file.language) ? m : undefined;
  }
  return resolveSpecifiers(file, [specifier], index)[0];
}
