import type { RuleLanguage } from '../diff/types.js';
import { declaredLayerOf, type CompiledArchitecture } from './compile-architecture.js';
import { fileImports } from './file-imports.js';
import { judgeImport, type BoundaryViolation } from './judge-import.js';
import type { ResolveContext } from './resolve-import.js';

/** A source file to judge. */
export interface ArchitectureFile {
  path: string;
  language: RuleLanguage;
  source: string;
  /** Only imports touching these lines are judged (a pull request's added lines); absent: every import. */
  lines?: ReadonlySet<number>;
}

/**
 * The boundary violations of `files`. Without `ctx.paths`, a guessed import target counts as the
 * repository's own only when it falls in a declared module (nothing else can be judged by module anyway).
 */
export function judgeFiles(compiled: CompiledArchitecture, files: readonly ArchitectureFile[], ctx: ResolveContext = {}): BoundaryViolation[] {
  const resolve: ResolveContext = ctx.paths || ctx.inRepo ? ctx : { ...ctx, inRepo: (p) => declaredLayerOf(compiled, p) !== undefined };
  const out: BoundaryViolation[] = [];
  for (const f of files) {
    const lines = f.lines;
    if (lines && lines.size === 0) continue;
    for (const imp of fileImports(f.path, f.language, f.source, resolve)) {
      if (lines && !touches(imp.line, imp.endLine, lines)) continue;
      out.push(...judgeImport(compiled, f.path, f.language, imp));
    }
  }
  return out;
}

function touches(start: number, end: number, lines: ReadonlySet<number>): boolean {
  for (let l = start; l <= end; l++) if (lines.has(l)) return true;
  return false;
}
