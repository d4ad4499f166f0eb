import type { RuleLanguage } from '../../src/diff/types.js';
import type { Finding } from '../../src/review/finding.js';
import type { Layer } from '../../src/integration/layers.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { runRules } from '../../src/rules/run-rules.js';

const EXT: Record<RuleLanguage, string> = { typescript: 'ts', tsx: 'tsx', javascript: 'js', python: 'py', go: 'go', java: 'java' };

/**
 * Runs one rule (by id, from the registry) on a snippet as if every line were added by the change,
 * or only `changed` lines when given; `layer`: the file's layer from a repository model. Returns its findings.
 */
export function check(ruleId: string, language: RuleLanguage, source: string, opts: { changed?: number[]; path?: string; layer?: Layer } = {}): Finding[] {
  const rule = ALL_RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId} in the registry`);
  const lineCount = source.split('\n').length;
  const changedLines = new Set(opts.changed ?? Array.from({ length: lineCount }, (_, i) => i + 1));
  const path = opts.path ?? `src/services/example.${EXT[language]}`;
  const input = { path, language, source, changedLines, ...(opts.layer ? { layer: opts.layer } : {}) };
  const res = runRules(input, [rule]);
  if (res.errors.length > 0) throw new Error(res.errors.join('\n'));
  // Every rule test is also a test of the rule's changed-lines filter (`inChange`): a finding must still be made
  // when its own first (or last) line is the only one changed, or the filter skipped the candidate behind it.
  for (const f of res.findings) {
    for (const only of new Set([f.line, f.endLine ?? f.line])) {
      const alone = runRules({ ...input, changedLines: new Set([only]) }, [rule]).findings;
      if (!alone.some((g) => JSON.stringify(g) === JSON.stringify(f))) {
        throw new Error(`${ruleId}: the finding on line ${f.line} is lost when only line ${only} changed (its changed-lines filter skips the candidate that makes it)`);
      }
    }
  }
  return res.findings;
}

/** Lines of the findings, for compact assertions. */
export const lines = (findings: Finding[]): number[] => findings.map((f) => f.line);
