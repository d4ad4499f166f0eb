import type { DiffFile } from '../diff/types.js';
import { changeMap, type ChangeMap } from '../integration/change-map.js';
import { moduleOf } from '../integration/module-graph.js';
import type { IntegrationPoint } from '../integration/types.js';
import type { RunRulesInput, RunRulesResult } from '../rules/run-rules.js';
import { runRulesInProcess } from '../rules/run-rules-in-process.js';
import { mapLimit } from './map-limit.js';
import type { Logger, PullRequestSource, RuleRunner } from './ports.js';

/** Base versions read for the map at most: one request each in the App. */
const MAX_BASE_READS = 30;

export interface ChangeMapInput {
  source: PullRequestSource;
  files: readonly DiffFile[];
  /** The rule inputs (head versions) and their results, which carry the head points. */
  inputs: readonly RunRulesInput[];
  results: readonly RunRulesResult[];
  maxFileBytes: number;
  maxServices: number;
  readConcurrency: number;
  log: Logger;
  /** Base points from the repository snapshot (`snapshotBasePoints`): a file it can tell about is not read again. */
  basePoints?: (basePath: string, headPath: string, moduleOfHead: string) => IntegrationPoint[] | undefined;
  /** Extracts the base versions' points (no rules): the review's rule runner, so a worker pool shares the work. Default: this thread. */
  ruleRunner?: RuleRunner;
}

/**
 * The integration map of a change: head points from the rule run (same parse), base points from the base
 * versions of the modified files that have integration points or lost lines (read through the source, at
 * most {@link MAX_BASE_READS}; without `readBaseFile`, every head edge counts as added).
 */
export async function buildChangeMap(input: ChangeMapInput): Promise<ChangeMap> {
  const head: IntegrationPoint[] = input.results.flatMap((r) => r.points ?? []);
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  let wanted = input.inputs.filter((inp, i) => {
    const diff = byPath.get(inp.path);
    if (!diff || diff.status === 'added') return false;
    return (input.results[i]?.points?.length ?? 0) > 0 || diff.deletions > 0;
  });
  const base: IntegrationPoint[] = [];
  if (input.basePoints) {
    const fromSnapshot = input.basePoints;
    wanted = wanted.filter((inp) => {
      const points = fromSnapshot(byPath.get(inp.path)?.oldPath ?? inp.path, inp.path, moduleOf(inp.path, inp.language));
      if (points) base.push(...points);
      return points === undefined;
    });
  }
  const readBase = input.source.readBaseFile?.bind(input.source);
  if (readBase) {
    const reads = wanted.slice(0, MAX_BASE_READS);
    if (wanted.length > reads.length) input.log.info({ files: wanted.length, read: reads.length }, 'integration map: base versions capped');
    const baseInputs: RunRulesInput[] = [];
    await mapLimit(reads, input.readConcurrency, async (inp) => {
      const diff = byPath.get(inp.path);
      try {
        const content = await readBase(diff?.oldPath ?? inp.path, input.maxFileBytes);
        if (content?.text === undefined || content.binary) return;
        // A renamed file keeps its module identity on the head path, so a pure rename is not a new edge.
        baseInputs.push({ path: inp.path, language: inp.language, source: content.text, changedLines: new Set(), integration: true });
      } catch (err) {
        input.log.warn({ path: inp.path, err: (err as Error).message }, 'integration map: could not read the base version');
      }
    });
    // Points only, no rules: parsed and extracted where the review's rules run (a worker pool, or this thread).
    const extracted = await (input.ruleRunner ?? runRulesInProcess)(baseInputs, []);
    extracted.forEach((res, i) => {
      base.push(...(res.points ?? []));
      for (const error of res.errors) input.log.warn({ path: baseInputs[i]?.path, error }, 'integration map: base version not read');
    });
  }
  return changeMap(head, base, { maxServices: input.maxServices });
}
