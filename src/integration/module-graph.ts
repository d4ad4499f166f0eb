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
export function moduleIndex(files: readonly SourceFile[]): ModuleIndex {
  return { modules: new Set(files.map((f) => moduleOf(f.path, f.language))) };
}

/**
 * The repository modules a file imports: relative and aliased-by-suffix imports in TS/JS, absolute and
 * relative imports in Python, Go import paths ending in a package directory of the repository, Java imports
 * of the repository's classes (or packages, with `.*`). Third-party modules are left out. `tree`: the file
 * already parsed (parsed here when absent; `null`: it does not parse, so only Python's imports are read).
 */
export function importedModules(file: SourceFile, index: ModuleIndex, tree?: SgRoot | null): string[] {
  const from = moduleOf(file.path, file.language);
  const out = new Set<string>();
  const add = (m: string | undefined): void => {
    if (m && m !== from) out.add(m);
  };
  if (file.language === 'python') {
    for (const m of file.source.matchAll(/^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?([\w ,\n]+)\)?/gm)) {
      const dots = m[1]!.length;
      const base = dots > 0 ? relativePython(file.path, dots, m[2]!) : m[2]!.replace(/\./g, '/');
      const names = m[3]!.split(',').map((n) => n.trim().split(/\s+/)[0]!).filter(Boolean);
      let matched = false;
      for (const n of names) {
        const sub = bySuffix(`${base}/${n}`, index);
        if (sub) {
          add(sub);
          matched = true;
        }
      }
      if (!matched) add(bySuffix(base, index));
    }
    for (const m of file.source.matchAll(/^\s*import\s+([\w.]+)/gm)) add(bySuffix(m[1]!.replace(/\./g, '/'), index));
    return [...out];
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
  if (file.language === 'python') return importedModules(file, index, null);
  return resolveSpecifiers(file, scanImportSpecifiers(file.source, file.language), index);
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

function resolveSpecifiers(file: SourceFile, specifiers: readonly string[], index: ModuleIndex): string[] {
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
