/**
 * Worker-thread entry of the rule pool: runs the registry's rules named in each task over one file and
 * posts the result back. Pure computation; no I/O.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { ALL_RULES } from '../rules/registry.js';
import { runRules, type RunRulesInput, type RunRulesResult } from '../rules/run-rules.js';

export interface RuleTask {
  id: number;
  input: RunRulesInput;
  ruleIds: readonly string[];
}

export interface RuleTaskResult {
  id: number;
  result: RunRulesResult;
}

const byId = new Map(ALL_RULES.map((r) => [r.id, r]));

// ast-grep's syntax trees live in native memory that V8 does not see, so it has no reason to collect
// the small JS handles that keep them alive; a collection every ~100 KB of source (about 2,000 lines) keeps the worker's
// footprint flat instead of growing with the size of the change.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (() => void) | undefined;
const COLLECT_EVERY_CHARS = 100_000;
let sinceCollect = 0;

parentPort?.on('message', (task: RuleTask) => {
  const rules = task.ruleIds.flatMap((id) => byId.get(id) ?? []);
  let result: RunRulesResult;
  try {
    result = runRules(task.input, rules);
  } catch (err) {
    result = { findings: [], errors: [`${task.input.path}: rules failed: ${(err as Error).message}`] };
  }
  parentPort?.postMessage({ id: task.id, result } satisfies RuleTaskResult);
  sinceCollect += task.input.source.length;
  if (sinceCollect >= COLLECT_EVERY_CHARS) {
    sinceCollect = 0;
    collect?.();
  }
});
