/**
 * The integration model of a local repository at a commit, for the real-world benchmark: `git ls-tree -r`
 * lists the tree, `git cat-file --batch` reads the blobs not seen before, and each (path, blob) is parsed
 * once for all the commits that share it (its points, the modules it imports, whether it is an adapter by
 * name or content). Import targets are resolved against the modules of the first commit that had the blob:
 * close enough for a benchmark. The product's own reader (the App's tarball snapshot, the CLI's local
 * snapshot) replaces this at merge.
 *
 *   const reader = new RepositoryModelReader('/work/q/novuhq__novu');
 *   const model = await reader.modelAt(sha);
 */
import { execFileSync } from 'node:child_process';
import { catFileBatch } from '../../../src/cli/git-cat-file.js';
import { findAdapters } from '../../../src/integration/build-model.js';
import { integrationPointsOf, parseFile } from '../../../src/integration/extract-points.js';
import { importedModules, moduleIndex, moduleOf } from '../../../src/integration/module-graph.js';
import type { IntegrationModel, IntegrationPoint, SourceFile } from '../../../src/integration/types.js';
import { withFileMemo } from '../../../src/rules/ast/file-memo.js';
import { nativeMemoryCollector } from '../../../src/rules/collect-native-memory.js';
import { hasFileRole, isOutsideRuntime } from '../../../src/rules/file-role.js';
import { ruleLanguageOfPath } from '../../../src/review/differential.js';

/** Files larger than this are left out (generated code, bundles). */
const MAX_BYTES = 256 * 1024;
const SKIP = /(^|\/)(node_modules|dist|build|vendor|third_party|\.git)\//;
const GENERATED = /\.d\.ts$|\.min\.js$|\.bundle\.js$|\.generated\.\w+$|_pb2\.py$|\.pb\.go$/;

interface Parsed {
  points: IntegrationPoint[];
  imports: string[];
  /** The source, kept only for files that are adapters by name or content (adapter detection reads it). */
  adapterSource?: string;
  error?: string;
}

export class RepositoryModelReader {
  private readonly cache = new Map<string, Parsed>();
  private readonly models = new Map<string, IntegrationModel>();
  parsedFiles = 0;

  constructor(private readonly dir: string) {}

  /** The model of the repository at `commit`, memoised (the last few commits). */
  async modelAt(commit: string): Promise<IntegrationModel> {
    const hit = this.models.get(commit);
    if (hit) return hit;
    const tree = this.tree(commit);
    const index = moduleIndex(tree.map((t) => ({ path: t.path, language: t.language, source: '' })));
    const missing = tree.filter((t) => !this.cache.has(key(t)));
    const texts = await this.blobs(missing.map((t) => t.blob));
    const collect = nativeMemoryCollector();
    for (const t of missing) {
      const source = texts.get(t.blob) ?? '';
      this.cache.set(key(t), parse({ path: t.path, language: t.language, source }, index));
      this.parsedFiles++;
      // Syntax trees are native memory, freed after a collection and a turn of the loop.
      collect(source.length);
      if (this.parsedFiles % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const points: IntegrationPoint[] = [];
    const imports = new Map<string, Set<string>>();
    const errors: string[] = [];
    const adapterFiles: SourceFile[] = [];
    for (const t of tree) {
      const p = this.cache.get(key(t))!;
      points.push(...p.points);
      if (p.error) errors.push(p.error);
      if (p.imports.length > 0) {
        const from = moduleOf(t.path, t.language);
        const set = imports.get(from) ?? new Set<string>();
        for (const m of p.imports) if (index.modules.has(m)) set.add(m);
        imports.set(from, set);
      }
      if (p.adapterSource !== undefined) adapterFiles.push({ path: t.path, language: t.language, source: p.adapterSource });
    }
    const model: IntegrationModel = { points, imports, adapters: findAdapters(points, imports, adapterFiles), errors };
    if (this.models.size >= 4) this.models.delete(this.models.keys().next().value as string);
    this.models.set(commit, model);
    return model;
  }

  private tree(commit: string): { path: string; blob: string; language: SourceFile['language'] }[] {
    const out = execFileSync('git', ['-C', this.dir, 'ls-tree', '-r', '-l', commit], { maxBuffer: 1 << 30 }).toString();
    const rows: { path: string; blob: string; language: SourceFile['language'] }[] = [];
    for (const line of out.split('\n')) {
      const m = /^\d+ blob ([0-9a-f]+)\s+(\d+|-)\t(.+)$/.exec(line);
      if (!m) continue;
      const [, blob, size, path] = m as unknown as [string, string, string, string];
      if (SKIP.test(path) || GENERATED.test(path) || Number(size) > MAX_BYTES) continue;
      const language = ruleLanguageOfPath(path);
      if (language) rows.push({ path, blob, language });
    }
    return rows;
  }

  /** Blob texts by id, read with one `git cat-file --batch` (the CLI's reader). */
  private async blobs(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(ids)];
    await catFileBatch(this.dir, unique, (i, type, body) => {
      if (type === 'blob') out.set(unique[i]!, body.toString('utf8'));
      return true;
    });
    return out;
  }
}

const key = (t: { path: string; blob: string }): string => `${t.path}\u0000${t.blob}`;

function parse(file: SourceFile, index: ReturnType<typeof moduleIndex>): Parsed {
  const parsed = parseFile(file);
  const adapter = hasFileRole(file.path, file.source, 'adapter');
  const base = adapter ? { adapterSource: file.source } : {};
  if ('error' in parsed) return { points: [], imports: importedModules(file, index, null), error: parsed.error, ...base };
  return withFileMemo(() => ({
    points: isOutsideRuntime(file.path, file.source) ? [] : integrationPointsOf(parsed.ctx),
    imports: importedModules(file, index, parsed.ctx.root),
    ...base,
  }));
}
