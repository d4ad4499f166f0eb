import { posix } from 'node:path';
import type { RuleLanguage } from '../diff/types.js';
import type { ImportStatement } from '../rules/ast/import-bindings.js';

/** What resolution may know about the repository; everything is optional. */
export interface ResolveContext {
  /** Every repository path (files), for precise resolution; without it, targets are guessed and `inRepo` decides. */
  paths?: ReadonlySet<string>;
  /** Go's module path from `go.mod` (`github.com/acme/shop`). */
  goModule?: string;
  /** TypeScript `compilerOptions.paths` (already relative to the repository root, `baseUrl` applied): `@/*` → [`src/*`]. */
  tsPaths?: Readonly<Record<string, readonly string[]>>;
  /** Workspace packages of a monorepo: package name (`@acme/billing`) → its folder (`packages/billing`). */
  workspaces?: Readonly<Record<string, string>>;
  /**
   * Without `paths`: whether a guessed path is the repository's own (e.g. "belongs to a declared module").
   * Guesses it rejects are treated as third-party.
   */
  inRepo?: (path: string) => boolean;
}

/** One import of a file, resolved. */
export interface ResolvedImport {
  /** The module as written (`../domain/order`, `stripe`, `app.domain.order`). */
  specifier: string;
  line: number;
  endLine: number;
  /** The repository path it points to (a file; for Go and Java wildcards, a package directory); absent for third-party code. */
  target?: string;
  /** `target` is a directory (a Go package, a Java `.*` import). */
  targetIsDir?: boolean;
}

const TS_EXT = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const TS_INDEX = TS_EXT.map((e) => `/index${e}`);

/**
 * Where an import of `from` points in the repository: relative imports (TS/JS, Python), Python absolute
 * packages (also under `src/`), Go packages under the module path (`go.mod`, else guessed from the path),
 * Java classes by package path (under the importing file's source root or `src/main/java`), TS path aliases
 * (`tsPaths`, else `@/`, `~/`, `#/` as `src/`). Standard-library and third-party imports have no target.
 */
export function resolveImport(from: string, language: RuleLanguage, imp: ImportStatement, ctx: ResolveContext = {}): ResolvedImport {
  const base = { specifier: imp.module, line: imp.line, endLine: imp.endLine };
  const found = (candidates: readonly string[], dir = false): ResolvedImport => {
    const target = pick(candidates, ctx, dir);
    return target === undefined ? base : { ...base, target, ...(dir ? { targetIsDir: true } : {}) };
  };
  const spec = imp.module;
  if (language === 'python') {
    const names = imp.names.map((n) => n.imported).filter((n) => n !== '*');
    const dots = /^\.*/.exec(spec)![0].length;
    const rest = spec.slice(dots).replace(/\./g, '/');
    const roots = dots > 0 ? [upFrom(from, dots, rest)] : [rest, `src/${rest}`];
    const candidates: string[] = [];
    for (const r of roots) {
      // `from pkg import module` imports a submodule when there is one; else a name of pkg.
      if (ctx.paths) for (const n of names) candidates.push(`${joinPath(r, n)}.py`, `${joinPath(r, n)}/__init__.py`);
      if (r) candidates.push(`${r}.py`, `${r}/__init__.py`);
    }
    return found(candidates);
  }
  if (language === 'go') {
    const dirs: string[] = [];
    if (ctx.goModule && (spec === ctx.goModule || spec.startsWith(`${ctx.goModule}/`))) dirs.push(spec.slice(ctx.goModule.length + 1));
    else if (/^[\w-]+\.[\w.-]+\//.test(spec)) {
      // No go.mod: any tail of the path may be the repository directory (`github.com/acme/shop/internal/pay` → `internal/pay`).
      // The tail that starts with the importing file's top folder comes first (`internal/api/h.go` → `internal/…`).
      const segs = spec.split('/');
      const top = from.split('/')[0];
      const anchor = segs.indexOf(top ?? '', 1);
      if (anchor > 0) dirs.push(segs.slice(anchor).join('/'));
      for (let i = 1; i < segs.length; i++) dirs.push(segs.slice(i).join('/'));
    }
    return found(dirs, true);
  }
  if (language === 'java') {
    // A class (`com.acme.Order`), a static member (`com.acme.Order.of`) or, for `com.acme.*` (written without
    // the `.*` by the import extraction), a package directory.
    const parts = spec.replace(/\.\*$/, '').split('.');
    const rels = [`${parts.join('/')}.java`, `${parts.slice(0, -1).join('/')}.java`];
    const first = parts[0] ?? '';
    const at = from.startsWith(`${first}/`) ? 0 : from.indexOf(`/${first}/`);
    const roots = [...new Set([...(at >= 0 ? [from.slice(0, at === 0 ? 0 : at + 1)] : []), 'src/main/java/', ''])];
    const candidates = roots.flatMap((r) => rels.map((rel) => `${r}${rel}`));
    if (ctx.paths) {
      const paths = ctx.paths;
      const bySuffix = rels.flatMap((rel) => (byBasename(paths).get(posix.basename(rel)) ?? []).filter((p) => p.endsWith(`/${rel}`)))[0];
      if (bySuffix) candidates.push(bySuffix);
      if (!candidates.some((c) => paths.has(c))) return found(roots.map((r) => `${r}${parts.join('/')}`), true);
    }
    const asFile = found(candidates);
    return asFile.target !== undefined || ctx.paths ? asFile : found(roots.map((r) => `${r}${parts.join('/')}`), true);
  }
  // TypeScript / JavaScript.
  let stems: string[] = [];
  if (spec.startsWith('.')) stems = [posix.normalize(posix.join(posix.dirname(from), spec))];
  else {
    const alias = ctx.tsPaths ? aliasTargets(spec, ctx.tsPaths) : [];
    if (alias.length > 0) stems = alias;
    else if (/^[@~#]\//.test(spec)) stems = [`src/${spec.slice(2)}`, spec.slice(2)];
    else if (/^src\//.test(spec)) stems = [spec];
    else {
      const ws = ctx.workspaces ? workspaceOf(spec, ctx.workspaces) : undefined;
      if (!ws) return base;
      // `@acme/billing/invoices` → its folder's `src/invoices` or `invoices`; the bare name → its entry or, failing that, its package.json.
      stems = ws.sub ? [`${ws.dir}/src/${ws.sub}`, `${ws.dir}/${ws.sub}`] : [`${ws.dir}/src/index`, `${ws.dir}/index`];
      const candidates = stems.flatMap((st) => [st, ...TS_EXT.map((e) => `${st}${e}`), ...TS_INDEX.map((e) => `${st}${e}`)]);
      const hit = found(candidates);
      return hit.target !== undefined ? hit : found([`${ws.dir}/package.json`]);
    }
  }
  const candidates: string[] = [];
  for (const s of stems) {
    const noJs = s.replace(/\.(m|c)?jsx?$/, '');
    candidates.push(s, ...TS_EXT.map((e) => `${noJs}${e}`), ...TS_INDEX.map((e) => `${s}${e}`));
  }
  return found(candidates);
}

function pick(candidates: readonly string[], ctx: ResolveContext, dir: boolean): string | undefined {
  if (ctx.paths) {
    const paths = ctx.paths;
    if (!dir) return candidates.find((c) => paths.has(c));
    const dirs = directories(paths);
    return candidates.find((c) => dirs.has(c));
  }
  const inRepo = ctx.inRepo;
  if (!inRepo) return undefined;
  // A directory is judged by a file in it: `internal/pay` matches `internal/pay/**`.
  return candidates.find((c) => inRepo(dir ? `${c}/${DIR_PROBE}` : c));
}

/** The name a directory target is matched by, as a file inside it (globs judge files). */
export const DIR_PROBE = '_';

const nameCache = new WeakMap<ReadonlySet<string>, Map<string, string[]>>();
/** Repository paths by file name, so a suffix lookup reads a handful of paths, not the whole listing. */
function byBasename(paths: ReadonlySet<string>): Map<string, string[]> {
  let index = nameCache.get(paths);
  if (!index) {
    index = new Map();
    for (const p of paths) {
      const name = posix.basename(p);
      const list = index.get(name);
      if (list) list.push(p);
      else index.set(name, [p]);
    }
    nameCache.set(paths, index);
  }
  return index;
}

const dirCache = new WeakMap<ReadonlySet<string>, Set<string>>();
function directories(paths: ReadonlySet<string>): Set<string> {
  let dirs = dirCache.get(paths);
  if (!dirs) {
    dirs = new Set();
    for (const p of paths) for (let d = posix.dirname(p); d !== '.' && !dirs.has(d); d = posix.dirname(d)) dirs.add(d);
    dirCache.set(paths, dirs);
  }
  return dirs;
}

function upFrom(path: string, dots: number, rest: string): string {
  let dir = posix.dirname(path);
  for (let i = 1; i < dots; i++) dir = posix.dirname(dir);
  const joined = rest ? posix.join(dir, rest) : dir;
  return joined === '.' ? '' : joined;
}

function joinPath(a: string, b: string): string {
  return a ? `${a}/${b}` : b;
}

/** The workspace package `spec` names (`@acme/billing` or `@acme/billing/sub`), if any. */
function workspaceOf(spec: string, workspaces: Readonly<Record<string, string>>): { dir: string; sub: string } | undefined {
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const dir = workspaces[name];
  return dir === undefined ? undefined : { dir, sub: parts.slice(nameLength).join('/') };
}

/** `@/lib/pay` with `{ '@/*': ['src/*'] }` → [`src/lib/pay`]. */
function aliasTargets(spec: string, paths: Readonly<Record<string, readonly string[]>>): string[] {
  for (const [pattern, targets] of Object.entries(paths)) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (spec === pattern) return [...targets];
      continue;
    }
    const pre = pattern.slice(0, star);
    const post = pattern.slice(star + 1);
    if (spec.startsWith(pre) && spec.endsWith(post) && spec.length >= pre.length + post.length) {
      const mid = spec.slice(pre.length, spec.length - post.length);
      return targets.map((t) => posix.normalize(t.replace('*', mid)));
    }
  }
  return [];
}
