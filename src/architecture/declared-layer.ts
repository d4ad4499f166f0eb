import type { DeclaredLayer, Layer } from '../integration/layers.js';
import { ADAPTER_DIRS, nameWords } from '../rules/file-role.js';
import { declaredLayerOf, type CompiledArchitecture, type CompiledRef } from './compile-architecture.js';

/** Module names that say business logic or the request edge (adapter names come from `file-role`'s ADAPTER_DIRS). */
const BUSINESS_NAMES = new Set(['domain', 'domains', 'core', 'application', 'services', 'service', 'usecases', 'usecase', 'business', 'model', 'models', 'entities', 'logic']);
const EDGE_NAMES = new Set(['api', 'apis', 'http', 'web', 'rest', 'handlers', 'handler', 'controllers', 'controller', 'routes', 'router', 'webhooks', 'endpoints', 'resolvers', 'graphql', 'grpc', 'presentation']);
const PERSISTENCE_NAMES = new Set(['persistence', 'repositories', 'repository', 'db', 'database', 'storage']);

const isVendor = (refs: readonly CompiledRef[] | undefined): boolean => refs?.some((r) => r.kind === 'vendor') ?? false;
const moduleNames = (refs: readonly CompiledRef[] | undefined): string[] => (refs ?? []).flatMap((r) => (r.kind === 'module' ? [r.name] : []));

/**
 * What the declared `architecture:` modules say about the layers the model infers: a module exempted from a
 * vendor rule (`to: vendor:*`, `except: adapters`) or allowed to import a vendor SDK is where vendor code
 * belongs, an adapter; otherwise the module's name says it (`adapters`, `infrastructure`, `clients` → adapter,
 * `persistence` → adapter; `domain`, `application`, `services` → business; `api`, `handlers`, `controllers` →
 * edge). A path in no declared module, or in one whose role neither says, is left to the model.
 * `undefined` when no module is declared.
 *
 * @example declaredLayers(compiled)?.('src/domain/order.ts') // 'business'
 */
export function declaredLayers(compiled: CompiledArchitecture): DeclaredLayer | undefined {
  if (compiled.modules.length === 0) return undefined;
  const vendorHomes = new Set([
    ...compiled.forbid.filter((f) => isVendor(f.to)).flatMap((f) => moduleNames(f.except)),
    ...compiled.allow.filter((a) => isVendor(a.to)).flatMap((a) => moduleNames(a.from)),
  ]);
  const roles = new Map<string, Layer>();
  for (const { name } of compiled.modules) {
    const role = vendorHomes.has(name) ? 'adapter' : layerOfName(name);
    if (role) roles.set(name, role);
  }
  if (roles.size === 0) return undefined;
  return (path) => {
    const module = declaredLayerOf(compiled, path);
    return module === undefined ? undefined : roles.get(module);
  };
}

function layerOfName(name: string): Layer | undefined {
  const words = nameWords(name);
  if (words.some((w) => ADAPTER_DIRS.has(w) || PERSISTENCE_NAMES.has(w))) return 'adapter';
  if (words.some((w) => EDGE_NAMES.has(w))) return 'edge';
  if (words.some((w) => BUSINESS_NAMES.has(w))) return 'business';
  return undefined;
}
