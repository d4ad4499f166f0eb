import { compileArchitecture, hasBoundaries, judgeFiles, LAYERS_RULE, type BoundaryViolation, type CompiledArchitecture, type ResolveContext } from '../architecture/index.js';
import type { Config } from '../config/schema.js';
import type { RuleLanguage } from '../diff/types.js';
import { architectureBoundary } from '../rules/coupling/architecture-boundary.js';
import { ruleAppliesTo, ruleEnabled } from '../rules/rule-settings.js';
import { ruleFindingBody } from '../rules/run-rules.js';
import type { Finding } from './finding.js';
import { fingerprint } from './fingerprint.js';

/** A changed file of the pull request: its head text and the lines the change adds. */
export interface BoundaryFile {
  path: string;
  language: RuleLanguage;
  text: string;
  added: ReadonlySet<number>;
  /** The text of the lines the change deletes from this file: an import deleted and added again (moved, reordered) is not new. */
  deleted?: readonly string[];
}

export interface BoundaryFindingsInput {
  config: Config;
  files: readonly BoundaryFile[];
  /** Optional precision: repository paths, Go module path, TS path aliases (see `ResolveContext`). */
  resolve?: ResolveContext;
  /** `config.architecture` already compiled (the review compiles it once for the layers too); compiled here when absent. */
  compiled?: CompiledArchitecture;
}

/**
 * `architecture-boundary` findings for the imports a pull request adds (an import line among the added
 * lines of a changed file) that break the layer order or a `forbid` rule declared under `architecture:`.
 * Works from the changed files alone; an import the base already had on an unchanged line is not judged.
 * Nothing when `architecture:` declares nothing or `rules: { architecture-boundary: false }`.
 */
export function boundaryFindings(input: BoundaryFindingsInput): Finding[] {
  const { config } = input;
  if (!config.architecture || ruleEnabled(config.rules, architectureBoundary.id) === false) return [];
  const compiled = input.compiled ?? compileArchitecture(config.architecture);
  if (!hasBoundaries(compiled)) return [];
  const files = input.files
    .filter((f) => f.added.size > 0 && ruleAppliesTo(config.rules, architectureBoundary.id, f.path))
    .map((f) => ({ path: f.path, language: f.language, source: f.text, lines: f.added }));
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  return judgeFiles(compiled, files, input.resolve)
    .filter((v) => !movedImport(v.specifier, byPath.get(v.path)?.deleted ?? []))
    .map((v) => boundaryFinding(v, byPath.get(v.path)?.text ?? ''));
}

/** True when a deleted line of the same file imported `specifier` already (the import moved, it is not new). */
function movedImport(specifier: string, deleted: readonly string[]): boolean {
  const escaped = specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const token = new RegExp(`(^|[^\\w./@-])${escaped}($|[^\\w./-])`);
  return deleted.some((line) => /\b(import|require|from)\b/.test(line) && token.test(line));
}

/**
 * One violation as a finding: "`src/domain/order.ts` imports `stripe`: breaks `vendor-sdks-only-in-adapters`
 * (Vendor SDKs belong in src/adapters)." followed by the rule's why and fix. Fingerprinted by the rule broken
 * and the import's code, so the same import breaking two rules gives two findings.
 */
export function boundaryFinding(v: BoundaryViolation, text: string): Finding {
  const code = text.split('\n').slice(v.line - 1, v.endLine);
  const what = v.vendor ? `the ${v.vendor} SDK` : v.toModule ? `module \`${v.toModule}\`` : undefined;
  const target = v.target && v.target !== v.specifier ? ` (\`${v.target}\`)` : '';
  const reason = v.reason.replace(/\.$/, '');
  const detail =
    `\`${v.path}\`${v.fromModule ? ` (module \`${v.fromModule}\`)` : ''} imports \`${v.specifier}\`${target}: breaks \`${v.rule}\` (${reason}).` +
    (v.rule === LAYERS_RULE ? '' : what ? ` It reaches ${what}.` : '');
  return {
    path: v.path,
    line: v.line,
    ...(v.endLine > v.line ? { endLine: v.endLine } : {}),
    side: 'RIGHT',
    category: architectureBoundary.category,
    severity: v.severity,
    title: v.rule === LAYERS_RULE ? `Import breaks the declared layer order (\`${v.fromModule}\` → \`${v.toModule}\`)` : `Import breaks the declared rule \`${v.rule}\``,
    body: ruleFindingBody(architectureBoundary, { detail }),
    source: 'rule',
    ruleId: architectureBoundary.id,
    fingerprint: fingerprint({ ruleId: `${architectureBoundary.id}:${v.rule}`, category: architectureBoundary.category, path: v.path, code }),
    confidence: architectureBoundary.confidence ?? 0.95,
  };
}
