import type { RuleLanguage } from '../diff/types.js';
import type { Severity } from '../review/finding.js';
import { vendorOfModule } from '../rules/coupling/vendor-sdks.js';
import { declaredLayerOf, type CompiledArchitecture, type CompiledRef } from './compile-architecture.js';
import { DIR_PROBE, type ResolvedImport } from './resolve-import.js';

/** One import that breaks a declared boundary. */
export interface BoundaryViolation {
  /** The importing file and the import's lines. */
  path: string;
  line: number;
  endLine: number;
  /** The module as written. */
  specifier: string;
  /** The repository path it resolves to, when it is the repository's own code. */
  target?: string;
  /** The `forbid` rule's name, or `layers` for the layer order. */
  rule: string;
  reason: string;
  severity: Severity;
  /** Declared modules of both ends, when they have one. */
  fromModule?: string;
  toModule?: string;
  /** The vendor SDK imported, when it is one (`Stripe`). */
  vendor?: string;
}

/** The name of the layer-order rule in findings and reports. */
export const LAYERS_RULE = 'layers';

interface Ends {
  fromPath: string;
  fromModule: string | undefined;
  targetProbe: string | undefined;
  toModule: string | undefined;
  vendor: string | undefined;
  specifier: string;
}

/**
 * The declared boundaries one import breaks: the layer order (an import of a layer above the file's own) and
 * every `forbid` rule whose `from` (and not `except`) matches the file and whose `to` matches the import.
 * An `allow` entry that matches both ends clears the import of everything.
 */
export function judgeImport(compiled: CompiledArchitecture, fromPath: string, language: RuleLanguage, imp: ResolvedImport): BoundaryViolation[] {
  const targetProbe = imp.target === undefined ? undefined : imp.targetIsDir ? `${imp.target}/${DIR_PROBE}` : imp.target;
  const vendor = imp.target === undefined ? vendorOfModule(language, imp.specifier)?.name : undefined;
  const ends: Ends = {
    fromPath,
    fromModule: declaredLayerOf(compiled, fromPath),
    targetProbe,
    toModule: targetProbe === undefined ? undefined : declaredLayerOf(compiled, targetProbe),
    vendor,
    specifier: imp.specifier,
  };
  if (compiled.allow.some((a) => (a.from === undefined || a.from.some((r) => fromMatches(r, ends))) && a.to.some((r) => toMatches(r, ends)))) return [];
  const base = {
    path: fromPath,
    line: imp.line,
    endLine: imp.endLine,
    specifier: imp.specifier,
    ...(imp.target !== undefined ? { target: imp.target } : {}),
    ...(ends.fromModule !== undefined ? { fromModule: ends.fromModule } : {}),
    ...(ends.toModule !== undefined ? { toModule: ends.toModule } : {}),
    ...(vendor !== undefined ? { vendor } : {}),
  };
  const out: BoundaryViolation[] = [];
  const fromRank = ends.fromModule === undefined ? undefined : compiled.layerRank.get(ends.fromModule);
  const toRank = ends.toModule === undefined ? undefined : compiled.layerRank.get(ends.toModule);
  if (fromRank !== undefined && toRank !== undefined && toRank < fromRank) {
    out.push({
      ...base,
      rule: LAYERS_RULE,
      reason: `Layers are ordered ${compiled.layers.join(' → ')}: a layer may import only the layers below it, and \`${ends.toModule}\` is above \`${ends.fromModule}\`.`,
      severity: 'medium',
    });
  }
  for (const f of compiled.forbid) {
    if (f.from && !f.from.some((r) => fromMatches(r, ends))) continue;
    if (f.except?.some((r) => fromMatches(r, ends))) continue;
    if (!f.to.some((r) => toMatches(r, ends))) continue;
    out.push({ ...base, rule: f.name, reason: f.reason, severity: f.severity });
  }
  return out;
}

function fromMatches(ref: CompiledRef, e: Ends): boolean {
  if (ref.kind === 'module') return e.fromModule === ref.name;
  if (ref.kind === 'glob') return ref.test(e.fromPath);
  return false;
}

function toMatches(ref: CompiledRef, e: Ends): boolean {
  switch (ref.kind) {
    case 'module':
      return e.toModule === ref.name;
    case 'glob':
      return e.targetProbe !== undefined && ref.test(e.targetProbe);
    case 'vendor':
      return e.vendor !== undefined && ref.names.has(e.vendor);
    case 'package':
      return e.targetProbe === undefined && (e.specifier === ref.name || e.specifier.startsWith(`${ref.name}/`) || e.specifier.startsWith(`${ref.name}.`));
  }
}
