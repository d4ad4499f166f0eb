import { withFileMemo } from '../rules/ast/file-memo.js';
import { hasFileRole, isOutsideRuntime } from '../rules/file-role.js';
import { vendorOfModule } from '../rules/coupling/vendor-sdks.js';
import type { RuleContext } from '../rules/types.js';
import { integrationPointsOf, parseFile } from './extract-points.js';
import { exportedVendorTypes, mayHaveFileFacts, signatureVendorTypes, tokenRefreshesOf, vendorClientsOf, type SignatureVendorType, type TokenRefresh, type VendorClientProvider, type VendorTypeExport } from './file-facts.js';
import { importedModules, moduleIndex, moduleOf, scanImportSpecifiers, scannedImportedModules, type ModuleIndex } from './module-graph.js';
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
  const index = moduleIndex(files);
  return mergeFileModels(files.map((f) => fileModelOf(f, index)));
}

/**
 * What the model knows of one file: its integration points and the repository modules it imports. Small and
 * plain JSON (no source text), so a repository's per-file models can be cached per base commit and the head
 * model made from them by replacing the changed files (see {@link mergeFileModels}).
 */
export interface FileModel {
  path: string;
  language: SourceFile['language'];
  points: IntegrationPoint[];
  /** Repository modules the file imports. */
  imports: string[];
  /** The file says it is an adapter (`clients/`, `*_gateway.py`; see `hasFileRole`). */
  namedAdapter?: boolean;
  /** Why the file was not parsed, when it was not. */
  error?: string;
  /** Only its imports were read (no integration signals, see `hasIntegrationSignals`): `points` is empty unread. */
  unparsed?: boolean;
  /** Names it exports that are a vendor SDK's types (re-exports, type aliases; see `exportedVendorTypes`). */
  vendorTypes?: VendorTypeExport[];
  /** Its functions that request an OAuth/API token (see `tokenRefreshesOf`). */
  tokenRefreshes?: TokenRefresh[];
  /** Vendor types in its public signatures (see `signatureVendorTypes`). */
  signatureTypes?: SignatureVendorType[];
  /** Vendor clients it builds and hands out (see `vendorClientsOf`). */
  clientProviders?: VendorClientProvider[];
}

/**
 * The model data of one file, its imports resolved against `index` (the repository's modules). One parse
 * per file for its points and its imports; with `points` given (the rule run found them already), a file
 * is only scanned for its imports, without a parse.
 */
export function fileModelOf(file: SourceFile, index: ModuleIndex, points?: readonly IntegrationPoint[]): FileModel {
  const namedAdapter = hasFileRole(file.path, file.source, 'adapter');
  const base = { path: file.path, language: file.language, ...(namedAdapter ? { namedAdapter } : {}) };
  if (points) {
    // Given points: parsed again only when the file may export a vendor type or request a token.
    const gate = mayHaveFileFacts(file.source);
    const wanted = (gate.tokens && points.length > 0) || ((gate.vendorTypes || points.length > 0) && importsVendor(file));
    const parsed = wanted && !isOutsideRuntime(file.path, file.source) ? parseFile(file) : undefined;
    const facts = parsed && !('error' in parsed) ? fileFacts(parsed.ctx, points) : {};
    return { ...base, points: [...points], imports: scannedImportedModules(file, index), ...facts };
  }
  const parsed = parseFile(file);
  const own: IntegrationPoint[] = [];
  let error: string | undefined;
  let facts: Pick<FileModel, 'vendorTypes' | 'tokenRefreshes' | 'signatureTypes'> = {};
  if (!isOutsideRuntime(file.path, file.source)) {
    if ('error' in parsed) error = parsed.error;
    else {
      own.push(...withFileMemo(() => integrationPointsOf(parsed.ctx)));
      facts = fileFacts(parsed.ctx, own);
    }
  }
  const imports = importedModules(file, index, 'error' in parsed ? null : parsed.ctx.root);
  return { ...base, points: own, imports, ...facts, ...(error ? { error } : {}) };
}

/** The vendor types a file exports and its token requests, when it has any (absent otherwise: the cached JSON stays small). */
function fileFacts(ctx: RuleContext, points: readonly IntegrationPoint[]): Pick<FileModel, 'vendorTypes' | 'tokenRefreshes' | 'signatureTypes' | 'clientProviders'> {
  const gate = mayHaveFileFacts(ctx.source);
  const vendorTypes = gate.vendorTypes ? exportedVendorTypes(ctx) : [];
  const tokenRefreshes = gate.tokens ? tokenRefreshesOf(ctx, points) : [];
  // Only a module that makes calls can be an adapter whose signatures matter.
  const signatureTypes = points.length > 0 ? signatureVendorTypes(ctx) : [];
  const clientProviders = importsVendor(ctx)
    ? vendorClientsOf(ctx).flatMap((c) => (c.exported ? [{ vendor: c.vendor, name: c.exported, line: c.line }] : []))
    : [];
  return {
    ...(vendorTypes.length > 0 ? { vendorTypes } : {}),
    ...(tokenRefreshes.length > 0 ? { tokenRefreshes } : {}),
    ...(signatureTypes.length > 0 ? { signatureTypes } : {}),
    ...(clientProviders.length > 0 ? { clientProviders } : {}),
  };
}

/** Some import line of the file names a vendor SDK module (read by regular expressions, no parse). */
function importsVendor(file: SourceFile): boolean {
  const specifiers = file.language === 'python' ? [...file.source.matchAll(/^\s*(?:from|import)\s+([\w.]+)/gm)].map((m) => m[1]!) : scanImportSpecifiers(file.source, file.language);
  return specifiers.some((m) => vendorOfModule(file.language, m) !== undefined);
}

/** The integration model of a repository from its files' model data: points, module imports, and the adapters found from both. */
export function mergeFileModels(files: readonly FileModel[]): IntegrationModel {
  const points: IntegrationPoint[] = [];
  const errors: string[] = [];
  const imports = new Map<string, Set<string>>();
  const named = new Set<string>();
  const vendorTypes = new Map<string, VendorTypeExport[]>();
  const tokenRefreshes: NonNullable<IntegrationModel['tokenRefreshes']> = [];
  const signatureTypes = new Map<string, SignatureVendorType[]>();
  const clientProviders: NonNullable<IntegrationModel['clientProviders']> = new Map();
  for (const file of files) {
    points.push(...file.points);
    if (file.vendorTypes) vendorTypes.set(moduleOf(file.path, file.language), [...(vendorTypes.get(moduleOf(file.path, file.language)) ?? []), ...file.vendorTypes]);
    for (const c of file.clientProviders ?? []) clientProviders.set(c.vendor, [...(clientProviders.get(c.vendor) ?? []), { ...c, path: file.path, module: moduleOf(file.path, file.language) }]);
    if (file.signatureTypes) signatureTypes.set(moduleOf(file.path, file.language), [...(signatureTypes.get(moduleOf(file.path, file.language)) ?? []), ...file.signatureTypes]);
    for (const r of file.tokenRefreshes ?? []) tokenRefreshes.push({ ...r, path: file.path, module: moduleOf(file.path, file.language) });
    if (file.error) errors.push(file.error);
    const from = moduleOf(file.path, file.language);
    if (file.namedAdapter) named.add(from);
    if (file.imports.length === 0) continue;
    const set = imports.get(from) ?? new Set<string>();
    for (const t of file.imports) set.add(t);
    imports.set(from, set);
  }
  return { points, imports, adapters: adaptersOf(points, imports, named), errors, vendorTypes, tokenRefreshes, signatureTypes, clientProviders };
}

const moduleOfFile = (f: SourceFile): string => moduleOf(f.path, f.language);

/**
 * Adapters: for each outbound service, the modules that hold most of the repository's calls to it (or a fair
 * share, when their name or folder says they are an adapter) and that other modules import.
 */
export function findAdapters(points: readonly IntegrationPoint[], imports: ReadonlyMap<string, ReadonlySet<string>>, files: readonly SourceFile[]): Adapter[] {
  return adaptersOf(points, imports, new Set(files.filter((f) => hasFileRole(f.path, f.source, 'adapter')).map(moduleOfFile)));
}

/**
 * A module (a file's path without its extension, or a Go package folder) that is a test, fixture, script,
 * migration or CLI entry point by its path alone (`src/pay.test`, `tests/test_pay`, `scripts/seed`).
 * Any source extension reads the stem the same way (`foo.test.ts` → `foo.test`).
 */
export const isModuleOutsideRuntime = (module: string): boolean => isOutsideRuntime(`${module}.ts`);

/** {@link findAdapters} with the modules that say they are adapters already known. */
export function adaptersOf(points: readonly IntegrationPoint[], imports: ReadonlyMap<string, ReadonlySet<string>>, named: ReadonlySet<string>): Adapter[] {
  const importers = new Map<string, string[]>();
  for (const [from, targets] of imports) {
    // Tests, fixtures, scripts and migrations do not make a module an adapter: only runtime code "goes through" it.
    if (isModuleOutsideRuntime(from)) continue;
    for (const t of targets) importers.set(t, [...(importers.get(t) ?? []), from]);
  }
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
