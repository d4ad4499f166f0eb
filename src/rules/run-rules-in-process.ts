import { nativeMemoryCollector } from './collect-native-memory.js';
import type { Rule } from './types.js';
import { runRules, type RunRulesInput, type RunRulesResult } from './run-rules.js';

/**
 * Runs the rules over many files, one result per input, in this thread. ast-grep's syntax trees live in
 * native memory that is freed only after a garbage collection and a turn of the loop, so between files it
 * collects every ~200 KB of source (COLLECT_EVERY_CHARS) and yields to the event loop: a tight loop would keep every tree alive
 * until the end (measured: 441 MB peak RSS at 10k changed lines without the yield, 129 MB with it; at 100k
 * lines, 348 MB with the yield alone, 200 MB with the collections too).
 */
export async function runRulesInProcess(inputs: readonly RunRulesInput[], rules: readonly Rule[]): Promise<RunRulesResult[]> {
  const results: RunRulesResult[] = [];
  let next = 0;
  await runRulesAsTaken(() => {
    const input = inputs[next++];
    return input && { input, done: (result) => results.push(result) };
  }, rules);
  return results;
}

/** A file to check in this thread, and what to do with its result. */
export interface InProcessTask {
  input: RunRulesInput;
  done(result: RunRulesResult): void;
}

/**
 * Checks the files `take` hands out, one at a time, until it hands out none, in this thread, with the
 * collections and yields of {@link runRulesInProcess}: for a caller that shares a queue of files with others
 * (the worker pool's main-thread lane).
 */
export async function runRulesAsTaken(take: () => InProcessTask | undefined, rules: readonly Rule[]): Promise<void> {
  const parsed = nativeMemoryCollector();
  for (let task = take(); task; task = take()) {
    task.done(runRules(task.input, rules));
    parsed(task.input.source.length);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
