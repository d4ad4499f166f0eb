import type { RuleLanguage } from '../diff/types.js';
import { hasFileRole, nameWords } from '../rules/file-role.js';
import { moduleOf } from './module-graph.js';
import type { IntegrationModel } from './types.js';

/**
 * The layer a module plays in the repository: `adapter` (wraps a service), `business` (uses adapters, holds
 * the rules), `edge` (receives requests: handlers, controllers, webhooks), `entry` (wiring, config, CLI), or
 * `unknown` when the model says nothing (the rules then fall back to what folder names say).
 */
export type Layer = 'adapter' | 'business' | 'edge' | 'entry' | 'unknown';

/** A declared layer for a path (`architecture:` boundaries), which wins over the inferred one. */
export type DeclaredLayer = (path: string) => Layer | undefined;

/** One file to place in a layer. */
export interface LayerFile {
  path: string;
  language: RuleLanguage;
  source: string;
}

/** Folder and file-name words of the request edge. */
const EDGE_WORDS = new Set(['handler', 'handlers', 'controller', 'controllers', 'routes', 'router', 'routers', 'webhook', 'webhooks', 'views', 'resource', 'resources', 'endpoints', 'endpoint', 'resolvers', 'resolver', 'consumer', 'consumers', 'listener', 'listeners']);
/** Content that says request handler: Spring/Nest controllers, Flask/FastAPI/Django views, Express routers. */
const EDGE_CONTENT = /^\s*@(RestController|Controller|RequestMapping)\b|@Controller\(|^\s*@\w+\.(route|get|post|put|patch|delete)\(|^\s*(app|router)\.(get|post|put|patch|delete)\(|\bAPIRouter\(|\bhttp\.HandleFunc\(/m;

/**
 * The layer of each file, from the repository model: a module the model found to be an adapter of a service
 * (or whose name or folder says adapter) is `adapter`; a module receiving requests or webhooks is `edge`; CLI
 * entry points and config modules are `entry`; a module that imports an adapter of the repository (it reaches
 * services through the repository's own wrappers) or that request handlers import is `business`; anything
 * else `unknown`. Tests, scripts and migrations are `unknown` (the rules never speak there anyway).
 * `declared`: layers the configuration declares (`architecture:`), which win.
 *
 * @example inferLayers(model, files)['src/orders/cancel-order.ts'] // 'business'
 */
export function inferLayers(model: IntegrationModel, files: readonly LayerFile[], declared?: DeclaredLayer): Record<string, Layer> {
  const adapterModules = new Set(model.adapters.map((a) => a.module));
  const inbound = new Set(model.points.filter((p) => p.direction === 'inbound').map((p) => p.module));
  const importers = new Map<string, Set<string>>();
  for (const [from, targets] of model.imports) for (const t of targets) importers.set(t, (importers.get(t) ?? new Set()).add(from));
  const out: Record<string, Layer> = {};
  for (const f of files) out[f.path] = declared?.(f.path) ?? inferredLayer(f, model, adapterModules, inbound, importers);
  return out;
}

function inferredLayer(f: LayerFile, model: IntegrationModel, adapters: ReadonlySet<string>, inbound: ReadonlySet<string>, importers: ReadonlyMap<string, ReadonlySet<string>>): Layer {
  if (hasFileRole(f.path, f.source, 'test', 'script', 'migration')) return 'unknown';
  if (hasFileRole(f.path, f.source, 'cli', 'config')) return 'entry';
  const module = moduleOf(f.path, f.language);
  if (adapters.has(module) || hasFileRole(f.path, f.source, 'adapter')) return 'adapter';
  if (inbound.has(module) || isEdgeByName(f.path) || EDGE_CONTENT.test(f.source)) return 'edge';
  const uses = model.imports.get(module);
  if (uses && [...uses].some((m) => adapters.has(m))) return 'business';
  const by = importers.get(module);
  if (by && [...by].some((m) => inbound.has(m))) return 'business';
  return 'unknown';
}

function isEdgeByName(path: string): boolean {
  const parts = path.replace(/\\/g, '/').split('/');
  const stem = (parts.pop() ?? '').replace(/\.\w+$/, '');
  return parts.some((d) => EDGE_WORDS.has(d.toLowerCase())) || nameWords(stem).some((w) => EDGE_WORDS.has(w));
}
