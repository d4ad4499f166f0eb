import { repositoryFindings } from '../integration/model-findings.js';
import type { IntegrationModel, SourceFile } from '../integration/types.js';
import { REPOSITORY_RULE_IDS } from '../rules/families/repository.js';
import { ruleAppliesTo, type RuleSettings } from '../rules/rule-settings.js';
import type { Rule } from '../rules/types.js';
import type { Finding } from './finding.js';
import type { Logger } from './ports.js';

/** Per-file rules whose finding a repository rule's finding on the same line replaces: it says the same, with the adapter named. */
const SHARPENS: Readonly<Record<string, readonly string[]>> = {
  'adapter-bypass': ['outbound-call-bypasses-client'],
  'vendor-sdk-outside-adapter': ['domain-imports-vendor-sdk'],
  'vendor-type-crosses-adapter': ['vendor-type-in-exported-signature'],
};

/**
 * Per-file rules of another category whose finding on the same line a repository finding replaces: a vendor
 * type imported to type what an adapter returns is the sharper reading of a vendor import in business code.
 */
const SHARPENS_ACROSS: Readonly<Record<string, readonly string[]>> = {
  'vendor-type-crosses-adapter': ['domain-imports-vendor-sdk'],
};

export interface ApplyRepositoryModelInput {
  /** The per-file rule findings (after differential analysis). */
  findings: readonly Finding[];
  model: IntegrationModel;
  baseModel?: IntegrationModel;
  /** The changed files in scope the rules read: head text and added lines. */
  files: ReadonlyArray<SourceFile & { added: ReadonlySet<number> }>;
  /** The rules of this review: a repository rule runs when it is among them (config turned it on). */
  rules: readonly Rule[];
  settings: RuleSettings;
  log: Logger;
}

/**
 * The rule findings with the repository rules' findings added: only rules the config enables, only on files
 * their `paths`/`exclude` allow, summary-only rules demoted as any rule's. A repository finding is the sharper
 * version of some per-file findings of the same category on the same line (`SHARPENS`: the adapter it names,
 * what the adapter sets), which it replaces (their suggestion kept); beside any other per-file finding there it
 * is dropped. A failure is logged and the review goes on with the per-file findings.
 */
export function applyRepositoryModel(input: ApplyRepositoryModelInput): Finding[] {
  const enabled = input.rules.filter((r) => REPOSITORY_RULE_IDS.has(r.id));
  if (enabled.length === 0) return [...input.findings];
  const byId = new Map(enabled.map((r) => [r.id, r]));
  const files = new Map<string, SourceFile>(input.files.map((f) => [f.path, { path: f.path, language: f.language, source: f.source }]));
  const added = new Map<string, ReadonlySet<number>>(input.files.map((f) => [f.path, f.added]));
  let found: Finding[];
  try {
    found = repositoryFindings({ model: input.model, ...(input.baseModel ? { baseModel: input.baseModel } : {}), added, files, ruleIds: new Set(byId.keys()) });
  } catch (err) {
    input.log.warn({ err: (err as Error).message }, 'repository rules failed; per-file findings only');
    return [...input.findings];
  }
  const repo = found
    .filter((f) => ruleAppliesTo(input.settings, f.ruleId!, f.path))
    .map((f) =>
      byId.get(f.ruleId!)?.defaultMode === 'summary'
        ? { ...f, demotion: { reason: 'low-confidence' as const, why: `\`${f.ruleId}\` is summary-only by default: its measured precision on real code is under 60 %.` } }
        : f,
    );
  // Same line, same category: a repository finding replaces the per-file finding it sharpens; any other
  // per-file finding there wins (it has the narrower fix, e.g. the timeout to add), and the repository one is dropped.
  const perFile = new Map(input.findings.filter((f) => f.demotion === undefined).map((f) => [`${f.path}:${f.line}:${f.category}`, f]));
  const replaced = new Set<Finding>();
  const out: Finding[] = [];
  for (const f of repo) {
    const there = perFile.get(`${f.path}:${f.line}:${f.category}`);
    if (!there) out.push(f);
    else if (there.ruleId !== undefined && SHARPENS[f.ruleId!]?.includes(there.ruleId)) {
      replaced.add(there);
      out.push(there.suggestion !== undefined && f.suggestion === undefined ? { ...f, suggestion: there.suggestion } : f);
    }
  }
  for (const f of out) {
    const across = SHARPENS_ACROSS[f.ruleId!];
    if (across) for (const p of input.findings) if (p.path === f.path && p.line === f.line && p.ruleId !== undefined && across.includes(p.ruleId)) replaced.add(p);
  }
  const kept = input.findings.filter((f) => !replaced.has(f));
  if (out.length > 0) input.log.info({ findings: out.length, replaced: replaced.size }, 'repository rules');
  return [...kept, ...out];
}
