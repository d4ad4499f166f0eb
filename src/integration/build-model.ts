import { withFileMemo } from '../rules/ast/file-memo.js';
import { hasFileRole, isOutsideRuntime } from '../rules/file-role.js';
import { integrationPointsOf, parseFile } from './extract-points.js';
import { importedModules, moduleIndex, moduleOf } from './module-graph.js';
import type { Adapter, IntegrationModel, IntegrationPoint, SourceFile } from './types.js';

/** A module holding at least this share of a service's calls is its adapter (when others import it). */
const ADAPTER_SHARE = 0.5;
/** A module that says it is an adapter (`clients/`, `*_gateway.py`) needs less. */
const NAMED_ADAPTER_SHARE = 0.2;

/**
 * The integration model of a set of source files (a repository snapshot, or the files of a change): every
 * integration point, the imports between the repository's modules, and the adapters found from both.
 *
 * @example const model = buildIntegrationModel(files); model.adapters.find((a) => a.service === 'Stripe')
 */
export function buildIntegrationModel(files: readonly SourceFile[]): IntegrationModel {
  const points: IntegrationPoint[] = [];
  const errors: string[] = [];
  const index = moduleIndex(files);
  const imports = new Map<string, Set<string>>();
  for (const file of files) {
    // One parse per file for its points and its imports.
    const parsed = parseFile(file);
    if (!isOutsideRuntime(file.path, file.source)) {
      if ('error' in parsed) errors.push(parsed.error);
      else points.push(...withFileMemo(() => integrationPointsOf(parsed.ctx)));
    }
    const targets = importedModules(file, index, 'error' in parsed ? null : parsed.ctx.root);
    if (targets.length === 0) continue;
    const from = moduleOfFile(file);
    const set = imports.get(from) ?? new Set<string>();
    for (const t of targets) set.add(t);
    imports.set(from, set);
  }
  return { points, imports, adapters: findAdapters(points, imports, files), errors };
}

const moduleOfFile = (f: SourceFile): string => moduleOf(f.path, f.language);

/**
 * Adapters: for each outbound service, the modules that hold most of the repository's calls to it (or a fair
 * share, when their name or folder says they are an adapter) and that other modules import.
 */
export function findAdapters(points: readonly IntegrationPoint[], imports: ReadonlyMap<string, ReadonlySet<string>>, files: readonly SourceFile[]): Adapter[] {
  const importers = new Map<string, string[]>();
  for (const [from, targets] of imports) for (const t of targets) importers.set(t, [...(importers.get(t) ?? []), from]);
  const named = new Set(files.filter((f) => hasFileRole(f.path, f.source, 'adapter')).map(moduleOfFile));
  const byService = new Map<string, IntegrationPoint[]>();
  for (const p of points) {
    if (p.direction !== 'outbound') continue;
    byService.set(p.service, [...(byService.get(p.service) ?? []), p]);
  }
  const adapters: Adapter[] = [];
  for (const [service, calls] of byService) {
    const byModule = new Map<string, IntegrationPoint[]>();
    for (const p of calls) byModule.set(p.module, [...(byModule.get(p.module) ?? []), p]);
    for (const [module, own] of byModule) {
      const share = own.length / calls.length;
      const importedBy = (importers.get(module) ?? []).sort();
      if (importedBy.length === 0) continue;
      if (share < ADAPTER_SHARE && !(named.has(module) && share >= NAMED_ADAPTER_SHARE)) continue;
      adapters.push({
        service,
        module,
        share,
        importedBy,
        sets: {
          timeout: own.every((p) => p.facts.timeout === true),
          retry: own.every((p) => p.facts.retry !== undefined),
          idempotencyKey: own.some((p) => p.facts.idempotencyKey),
          errorTranslation: own.every((p) => p.facts.errorTranslation),
        },
      });
    }
  }
  return adapters.sort((a, b) => a.service.localeCompare(b.service) || b.share - a.share);
}
