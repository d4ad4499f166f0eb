/**
 * Worker-thread entry of the rule pool: runs the registry's rules named in each task over one file and
 * posts the result back. Pure computation; no I/O.
 */
import { parentPort } from 'node:worker_threads';
import { nativeMemoryCollector } from '../rules/collect-native-memory.js';
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

// Keeps the worker's footprint flat instead of growing with the size of the change (see nativeMemoryCollector);
// the next task arrives on a later turn of the loop, after the finalizers ran.
const parsed = nativeMemoryCollector();

parentPort?.on('message', (task: RuleTask) => {
  const rules = task.ruleIds.flatMap((id) => byId.get(id) ?? []);
  let result: RunRulesResult;
  try {
    result = runRules(task.input, rules);
  } catch (err) {
    result = { findings: [], errors: [`${task.input.path}: rules failed: ${(err as Error).message}`] };
  }
  parentPort?.postMessage({ id: task.id, result } satisfies RuleTaskResult);
  parsed(task.input.source.length);
});
