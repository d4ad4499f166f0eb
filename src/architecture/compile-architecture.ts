import picomatch from 'picomatch';
import type { ArchitectureConfig } from '../config/architecture-schema.js';
import { isGlobRef } from '../config/architecture-schema.js';
import type { Severity } from '../review/finding.js';
import { vendorSdks } from '../rules/coupling/vendor-sdks.js';

type PathTest = (path: string) => boolean;

/** One end of a rule, compiled: what it matches on the importing side or the imported side. */
export type CompiledRef =
  | { kind: 'module'; name: string }
  | { kind: 'glob'; glob: string; test: PathTest }
  | { kind: 'vendor'; id: string /* `*` for any */; names: ReadonlySet<string> }
  | { kind: 'package'; name: string };

export interface CompiledForbid {
  name: string;
  from?: CompiledRef[];
  except?: CompiledRef[];
  to: CompiledRef[];
  reason: string;
  severity: Severity;
}

export interface CompiledAllow {
  from?: CompiledRef[];
  to: CompiledRef[];
  reason: string;
}

/** `architecture:` ready to judge imports with. */
export interface CompiledArchitecture {
  /** Modules in declaration order; a path belongs to the first whose globs match. */
  modules: ReadonlyArray<{ name: string; globs: readonly string[]; test: PathTest }>;
  /** Module name → its rank in `layers` (0 is the top layer). */
  layerRank: ReadonlyMap<string, number>;
  layers: readonly string[];
  forbid: readonly CompiledForbid[];
  allow: readonly CompiledAllow[];
}

// The same options as the rest of the configuration's globs (`dot`), so `.github/**` means what it says.
const GLOB = { dot: true };

/**
 * Compiles a validated `architecture:` section (see `ArchitectureSchema`, which has already rejected unknown
 * module names and invalid globs).
 * @example compileArchitecture({ modules: { domain: 'src/domain/**' }, layers: [], forbid: [], allow: [] })
 */
export function compileArchitecture(arch: ArchitectureConfig): CompiledArchitecture {
  const modules = Object.entries(arch.modules).map(([name, g]) => {
    const globs = typeof g === 'string' ? [g] : g;
    return { name, globs, test: picomatch(globs, GLOB) };
  });
  // An empty (or left out) `from`/`except` list means "no restriction": undefined here.
  const refs = (r: string | string[] | undefined): CompiledRef[] | undefined => {
    const list = r === undefined ? [] : typeof r === 'string' ? [r] : r;
    return list.length === 0 ? undefined : list.map(compileRef);
  };
  return {
    modules,
    layers: arch.layers,
    layerRank: new Map(arch.layers.map((l, i) => [l, i])),
    forbid: arch.forbid.map((f) => ({
      name: f.name,
      ...(f.from !== undefined ? { from: refs(f.from)! } : {}),
      ...(f.except !== undefined ? { except: refs(f.except)! } : {}),
      to: refs(f.to)!,
      reason: f.reason,
      severity: f.severity,
    })),
    allow: arch.allow.map((a) => ({ ...(a.from !== undefined ? { from: refs(a.from)! } : {}), to: refs(a.to)!, reason: a.reason })),
  };
}

function compileRef(ref: string): CompiledRef {
  const prefixed = /^(vendor|package):(.*)$/.exec(ref);
  if (prefixed?.[1] === 'package') return { kind: 'package', name: prefixed[2]! };
  if (prefixed) {
    const id = prefixed[2]!.toLowerCase();
    const names = new Set(vendorSdks().filter((v) => id === '*' || v.id === id || v.keys[0] === id).map((v) => v.name));
    return { kind: 'vendor', id, names };
  }
  if (isGlobRef(ref)) return { kind: 'glob', glob: ref, test: picomatch(ref, GLOB) };
  return { kind: 'module', name: ref };
}

/**
 * The module (or layer) of `architecture.modules` a repository path belongs to: the first, in the order of the
 * configuration, whose globs match it; `undefined` when none does.
 * @example declaredLayerOf(compiled, 'src/domain/order.ts') // 'domain'
 */
export function declaredLayerOf(compiled: CompiledArchitecture, path: string): string | undefined {
  return compiled.modules.find((m) => m.test(path))?.name;
}

/** True when `architecture:` declares anything to judge. */
export function hasBoundaries(compiled: CompiledArchitecture): boolean {
  return compiled.layers.length > 1 || compiled.forbid.length > 0;
}
