import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { compileArchitecture, hasBoundaries, judgeFiles, type ArchitectureFile, type BoundaryViolation, type ResolveContext } from '../architecture/index.js';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { judgeLanguage, judgePath } from '../diff/judge-path.js';
import { detectLanguage } from '../diff/language.js';
import { ConfigError, InputError } from '../errors.js';
import { boundaryFinding } from '../review/boundary-findings.js';
import { CATEGORIES, type Category, type Finding } from '../review/finding.js';
import type { ReviewResult } from '../review/ports.js';
import { architectureBoundary } from '../rules/coupling/architecture-boundary.js';
import { ruleAppliesTo } from '../rules/rule-settings.js';
import { toSarifLog } from './format-sarif.js';
import { catFileBatch } from './git-cat-file.js';
import { gitText, runGit } from './git.js';
import { loadCliConfig, REPO_CONFIG_PATH } from './load-cli-config.js';
import type { readPackageInfo } from './package-info.js';
import type { CliIo } from './run-cli.js';

/** Output formats of `arch-review check`. */
export const CHECK_FORMATS = ['text', 'json', 'sarif'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface CheckOptions {
  repoRoot?: string;
  ref?: string;
  format: CheckFormat;
  config?: string;
}

/** What `arch-review check` found, as data (the JSON output). */
export interface CheckReport {
  ref: string;
  files: number;
  durationMs: number;
  violations: Array<BoundaryViolation & { fingerprint: string }>;
}

/** Folders never walked when the root is not a git repository. */
const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor', 'dist', 'build', 'target', '.venv', 'venv', '__pycache__']);

/**
 * `arch-review check`: judges every source file of the repository (the working tree, or `--ref` read through
 * git) against the boundaries declared under `architecture:`. Exit codes: 0 no violation, 1 violations,
 * 2 configuration or usage error (including no `architecture:` rules to check).
 */
export async function runCheck(opts: CheckOptions, io: CliIo, pkg: ReturnType<typeof readPackageInfo>): Promise<number> {
  const started = performance.now();
  const cwd = opts.repoRoot ? path.resolve(io.cwd, opts.repoRoot) : io.cwd;
  if (!(await stat(cwd).catch(() => undefined))?.isDirectory()) throw new InputError(`--repo-root ${opts.repoRoot}: not a directory`);
  const tree = await openTree(cwd, opts.ref);

  const config = await checkConfig(opts.config, tree, io.cwd);
  for (const w of config.warnings) io.stderr.write(`arch-review: warning: ${w}\n`);
  const arch = config.config.architecture;
  const compiled = arch ? compileArchitecture(arch) : undefined;
  if (!compiled || !hasBoundaries(compiled)) {
    throw new ConfigError('no boundaries to check: declare `architecture.layers` (two or more) or `architecture.forbid` rules (see “Declared architecture boundaries” in the README)', config.file ?? REPO_CONFIG_PATH);
  }

  const all = tree.paths;
  const selected = selectFiles(all, config.config);
  const texts = await tree.read(selected.map((f) => f.path), config.config.max_file_bytes);
  const files: ArchitectureFile[] = selected.flatMap((f) => {
    const source = texts.get(f.path);
    return source === undefined ? [] : [{ ...f, source }];
  });
  const ctx: ResolveContext = { paths: new Set(all), ...(await resolveHints(tree)) };
  const violations = judgeFiles(compiled, files, ctx);
  const findings = violations.map((v) => boundaryFinding(v, texts.get(v.path) ?? ''));
  const report: CheckReport = {
    ref: tree.label,
    files: files.length,
    durationMs: Math.round(performance.now() - started),
    violations: violations.map((v, i) => ({ ...v, fingerprint: findings[i]!.fingerprint })),
  };
  io.stdout.write(renderCheck(report, findings, opts.format, pkg));
  return violations.length > 0 ? 1 : 0;
}

/** The repository at a ref (through git) or in the working tree (git's file list, else a walk of the folder). */
interface Tree {
  label: string;
  /** The repository root (or the folder checked, outside git). */
  root: string;
  paths: string[];
  read(paths: readonly string[], maxBytes: number): Promise<Map<string, string>>;
  readOne(p: string): Promise<string | undefined>;
}

async function openTree(cwd: string, ref: string | undefined): Promise<Tree> {
  let root: string | undefined;
  try {
    root = await gitText(['rev-parse', '--show-toplevel'], { cwd });
  } catch (err) {
    if (ref !== undefined) throw new InputError(`--ref needs a git repository: ${(err as Error).message}`, { cause: err });
  }
  if (ref !== undefined && root !== undefined) {
    const sha = await gitText(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root }).catch(() => '');
    if (!sha) throw new InputError(`--ref ${ref}: no such commit`);
    const listed = (await runGit(['ls-tree', '-r', '-z', '--name-only', sha], { cwd: root })).stdout.toString('utf8').split('\0').filter(Boolean);
    const gitRoot = root;
    return {
      label: ref,
      root: gitRoot,
      paths: listed,
      read: (paths, maxBytes) => catFiles(gitRoot, sha, paths, maxBytes),
      readOne: async (p) => (await catFiles(gitRoot, sha, [p], Number.MAX_SAFE_INTEGER)).get(p),
    };
  }
  const base = root ?? cwd;
  const paths = root
    ? (await runGit(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: base })).stdout.toString('utf8').split('\0').filter(Boolean)
    : await walk(base);
  const readOne = (p: string): Promise<string | undefined> => readFile(path.join(base, p), 'utf8').catch(() => undefined);
  return {
    label: 'working tree',
    root: base,
    paths,
    readOne,
    async read(list, maxBytes) {
      const out = new Map<string, string>();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < list.length) {
          const p = list[next++]!;
          const s = await stat(path.join(base, p)).catch(() => undefined);
          if (!s?.isFile() || s.size > maxBytes) continue;
          const text = await readOne(p);
          if (text !== undefined) out.set(p, text);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      return out;
    },
  };
}

async function walk(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...(await walk(root, rel)));
    } else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** Blobs of `paths` at `sha`, in one `git cat-file --batch` process; blobs over `maxBytes` are left out. */
async function catFiles(cwd: string, sha: string, paths: readonly string[], maxBytes: number): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await catFileBatch(
    cwd,
    paths.map((p) => `${sha}:${p}`),
    (i, type, body) => {
      if (type === 'blob' && body.length <= maxBytes) out.set(paths[i]!, body.toString('utf8'));
      return true;
    },
  );
  return out;
}

async function checkConfig(explicit: string | undefined, tree: Tree, cwd: string): Promise<{ config: Config; warnings: string[]; file?: string }> {
  if (explicit !== undefined || tree.label === 'working tree') {
    return loadCliConfig(explicit, tree.root, cwd);
  }
  // At a ref, the configuration of that commit judges it.
  const text = await tree.readOne(REPO_CONFIG_PATH);
  return { ...loadConfig(text, REPO_CONFIG_PATH), ...(text !== undefined ? { file: REPO_CONFIG_PATH } : {}) };
}

/** Source files the review would judge: `paths.exclude` and the rule's own `exclude` win, `paths.include` brings a file back, else the path verdict. */
function selectFiles(paths: readonly string[], config: Config): Array<Omit<ArchitectureFile, 'source'>> {
  const excluded = matcher(config.paths.exclude);
  const included = matcher(config.paths.include);
  const out: Array<Omit<ArchitectureFile, 'source'>> = [];
  for (const p of paths) {
    // `paths.exclude`, and `rules: { architecture-boundary: { paths, exclude } }` as in a review.
    if (excluded(p) || !ruleAppliesTo(config.rules, architectureBoundary.id, p)) continue;
    const language = detectLanguage(p);
    if (!language) continue;
    const verdict = included(p) ? judgeLanguage(language) : judgePath(p, language);
    if (verdict.selected && verdict.ruleLanguage) out.push({ path: p, language: verdict.ruleLanguage });
  }
  return out;
}

/** A glob without `/` matches the file name in any folder, as in `paths:`. */
function matcher(globs: readonly string[]): (p: string) => boolean {
  const tests = globs.map((g) => picomatch(g, { dot: true, basename: !g.includes('/') }));
  return (p) => tests.some((t) => t(p));
}

/** `go.mod`'s module path and `tsconfig.json`'s `paths` at the repository root, and the monorepo's workspace packages. */
async function resolveHints(tree: Tree): Promise<Pick<ResolveContext, 'goModule' | 'tsPaths' | 'workspaces'>> {
  const out: Pick<ResolveContext, 'goModule' | 'tsPaths' | 'workspaces'> = {};
  // Monorepo packages imported by name (`@acme/billing`): every package.json's `name` → its folder.
  const manifests = tree.paths.filter((p) => p.endsWith('package.json') && (p === 'package.json' || p.endsWith('/package.json')) && !p.includes('node_modules/') && p !== 'package.json');
  if (manifests.length > 0) {
    const texts = await tree.read(manifests, 1024 * 1024);
    const workspaces: Record<string, string> = {};
    for (const [p, text] of texts) {
      try {
        const name = (JSON.parse(text) as { name?: unknown }).name;
        if (typeof name === 'string' && name) workspaces[name] = path.posix.dirname(p);
      } catch {
        // Not JSON (a template or fixture): not a package.
      }
    }
    if (Object.keys(workspaces).length > 0) out.workspaces = workspaces;
  }
  const gomod = tree.paths.includes('go.mod') ? await tree.readOne('go.mod') : undefined;
  const module = gomod ? /^module\s+(\S+)/m.exec(gomod)?.[1] : undefined;
  if (module) out.goModule = module.replace(/^"|"$/g, '');
  const tsconfig = tree.paths.includes('tsconfig.json') ? await tree.readOne('tsconfig.json') : undefined;
  if (tsconfig) {
    try {
      const parsed = JSON.parse(stripJsonComments(tsconfig)) as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
      const paths = parsed.compilerOptions?.paths;
      if (paths) {
        const baseUrl = parsed.compilerOptions?.baseUrl ?? '.';
        out.tsPaths = Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, v.map((t) => path.posix.normalize(path.posix.join(baseUrl, t)))]));
      }
    } catch {
      // A tsconfig that does not parse as JSON with comments: aliases fall back to `@/` → `src/`.
    }
  }
  return out;
}

/** JSON with comments and trailing commas (tsconfig) as JSON; strings are left alone. */
export function stripJsonComments(text: string): string {
  return text
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str: string | undefined) => str ?? '')
    .replace(/("(?:[^"\\]|\\.)*")|,(\s*[}\]])/g, (m, str: string | undefined, close: string | undefined) => str ?? close ?? m);
}

function renderCheck(report: CheckReport, findings: readonly Finding[], format: CheckFormat, pkg: ReturnType<typeof readPackageInfo>): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'sarif') return `${JSON.stringify(toSarifLog(asResult(findings, report.ref), { version: pkg.version, informationUri: pkg.informationUri, rules: [architectureBoundary] }), null, 2)}\n`;
  const lines: string[] = [];
  const byRule = new Map<string, BoundaryViolation[]>();
  for (const v of report.violations) byRule.set(v.rule, [...(byRule.get(v.rule) ?? []), v]);
  for (const [rule, vs] of byRule) {
    lines.push(`${rule} (${vs.length} violation${vs.length === 1 ? '' : 's'}): ${vs[0]!.reason}`);
    for (const v of vs) lines.push(`  ${v.path}:${v.line}  imports ${v.specifier}${v.target && v.target !== v.specifier ? ` (${v.target})` : ''}${v.vendor ? ` [${v.vendor} SDK]` : ''}`);
    lines.push('');
  }
  const n = report.violations.length;
  lines.push(`${n === 0 ? 'No' : n} architecture violation${n === 1 ? '' : 's'} in ${report.files} files (${report.ref}, ${report.durationMs} ms).`);
  return `${lines.join('\n')}\n`;
}

/** The findings as a review result, for the SARIF writer the review uses. */
function asResult(findings: readonly Finding[], ref: string): ReviewResult {
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  counts.coupling = findings.length;
  return {
    target: { repository: ref, headSha: ref },
    inline: [...findings],
    summaryOnly: [],
    files: [],
    questions: [],
    notes: [],
    alreadyPosted: 0,
    counts,
    fingerprints: findings.map((f) => f.fingerprint),
    lineMaps: new Map(),
  };
}
