import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../errors.js';
import type { RuleRunner } from '../review/ports.js';
import { ALL_RULES } from '../rules/registry.js';
import { runRulesAsTaken, runRulesInProcess } from '../rules/run-rules-in-process.js';
import type { Rule } from '../rules/types.js';
import type { RunRulesInput, RunRulesResult } from '../rules/run-rules.js';
import type { RuleTask, RuleTaskResult } from './rule-worker.js';

export interface RuleWorkerPoolOptions {
  /** Worker threads; default: the machine's available parallelism but one (this thread is the other), at most 8. */
  size?: number;
  /** Below this many changed lines in total (or, for integration points alone, lines of source), the work runs in this thread (starting workers costs more). */
  minChangedLines?: number;
  /** This thread checks files too, from the same queue as the workers (default true). */
  joinHere?: boolean;
}

export interface RuleWorkerPool {
  run: RuleRunner;
  /** Terminates the workers. */
  close(): Promise<void>;
  /** Files checked in workers, files this thread checked beside them, and reviews that fell back to this thread after a worker failed. */
  stats(): { workerTasks: number; localTasks: number; fallbacks: number };
}

/**
 * `RULE_WORKERS` as the CLI reads it (the App validates it with its other settings): a whole number from 0
 * (rules in the main thread only, the least memory) to 8, or undefined when unset.
 */
export function ruleWorkersFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = env.RULE_WORKERS?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 8) throw new ConfigError(`RULE_WORKERS must be a whole number from 0 to 8 (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

/** One file's results of two rule sets, as one run would give them (findings, then their signatures, in the same order). */
function joinResults(a: RunRulesResult, b: RunRulesResult): RunRulesResult {
  const joined: RunRulesResult = { findings: [...a.findings, ...b.findings], errors: [...a.errors, ...b.errors] };
  if (a.signatures || b.signatures) joined.signatures = [...(a.signatures ?? []), ...(b.signatures ?? [])];
  return joined;
}

/**
 * Starts one rule worker. From `dist/` it is plain JavaScript; under tsx (the demo, the benchmark,
 * tests) it is a `.ts` file, and a worker does not inherit the parent's loader, so a small bootstrap
 * registers tsx in the worker first.
 */
function spawnRuleWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./rule-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./rule-worker.ts', import.meta.url).href);
  return new Worker(`import(${api}).then(({ register }) => { register(); return import(${entry}); })`, { eval: true, resourceLimits: WORKER_LIMITS });
}

/**
 * A small young generation: a worker's garbage is mostly short-lived node wrappers, collected anyway every
 * ~200 KB of source (see nativeMemoryCollector), so V8's default semi-spaces only hold memory. Measured at 100k
 * changed lines with one worker: peak RSS 337 → 287 MB, same wall time (bench/pipeline/RESULTS.md).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** Lines of a text. */
const lineCount = (text: string): number => {
  let n = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
};

/**
 * A pool of worker threads for the rules, so a large change uses the machine's other cores. This thread checks
 * files too, from the same queue, between its other work (a file's rules take milliseconds, and it yields to
 * the event loop after each): on a 2-core machine one worker and this thread share the rules, where a second
 * worker would cost a whole isolate's memory for no more cores. The default is one worker per core but one.
 * Workers start on the first large review and are reused; small reviews run in this thread, and so do rules
 * not in the registry (a repository's own ast-grep rules, not loadable in a worker), beside the workers.
 * Results keep the input order.
 *
 * @example
 * const pool = createRuleWorkerPool();
 * await reviewPullRequest({ ..., ruleRunner: pool.run });
 * await pool.close();
 */
export function createRuleWorkerPool(opts: RuleWorkerPoolOptions = {}): RuleWorkerPool {
  const size = Math.max(0, Math.min(opts.size ?? availableParallelism() - 1, 8));
  const joinHere = opts.joinHere ?? true;
  // One worker alone is no faster than this thread.
  const parallel = size >= (joinHere ? 1 : 2);
  const minChangedLines = opts.minChangedLines ?? 3_000;
  let workers: Worker[] | undefined;
  let nextId = 0;
  let active = 0;
  let workerTasks = 0;
  let localTasks = 0;
  let fallbacks = 0;
  const pending = new Map<number, { resolve: (r: RunRulesResult) => void; reject: (e: Error) => void }>();

  const start = (): Worker[] => {
    return Array.from({ length: size }, () => {
      const w = spawnRuleWorker();
      w.on('message', (msg: RuleTaskResult) => {
        pending.get(msg.id)?.resolve(msg.result);
        pending.delete(msg.id);
      });
      w.on('error', (err) => {
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      });
      w.unref();
      return w;
    });
  };

  const run: RuleRunner = async (inputs, rules) => {
    const registry = rules.filter((r) => ALL_RULES.includes(r));
    // The work: the changed lines the rules check, or, with no rules (the integration map's base versions), the
    // lines of the files whose integration points alone are wanted.
    const work = inputs.reduce((n, i) => n + (rules.length === 0 ? (i.integration ? lineCount(i.source) : 0) : i.changedLines.size), 0);
    // Rules none of which are the registry's (a repository's own) cannot run in a worker.
    if (!parallel || work < minChangedLines || (registry.length === 0 && rules.length > 0)) return runRulesInProcess(inputs, rules);
    // A mixed set (the repository's own rules beside the registry's): the registry's run in the workers,
    // the others here at the same time, and each file's results are joined.
    if (registry.length < rules.length) {
      const others = rules.filter((r) => !ALL_RULES.includes(r));
      const [pooled, local] = await Promise.all([run(inputs, registry), runRulesInProcess(inputs, others)]);
      return pooled.map((res, i) => joinResults(res, local[i]!));
    }
    workers ??= start();
    const pool = workers;
    // Idle workers must not keep the process alive, busy ones must (reviews may overlap).
    if (active++ === 0) for (const w of pool) w.ref();
    try {
      return await runOnPool(pool, inputs, rules);
    } catch {
      // A worker crashed (e.g. out of memory): start afresh next time, and finish this review here.
      await Promise.all(pool.map((w) => w.terminate()));
      if (workers === pool) workers = undefined;
      fallbacks++;
      return runRulesInProcess(inputs, rules);
    } finally {
      if (--active === 0) for (const w of pool) w.unref();
    }
  };

  const runOnPool = async (pool: Worker[], inputs: readonly RunRulesInput[], rules: readonly Rule[]): Promise<RunRulesResult[]> => {
    const ruleIds = rules.map((r) => r.id);
    // Largest files first, each to the next free worker, so no core idles at the end.
    const order = inputs.map((input, i) => ({ input, i })).sort((a, b) => b.input.source.length - a.input.source.length);
    const results: RunRulesResult[] = new Array(inputs.length);
    let cursor = 0;
    const here = (): Promise<void> =>
      runRulesAsTaken(() => {
        if (cursor >= order.length) return undefined;
        const { input, i } = order[cursor++]!;
        return {
          input,
          done: (result) => {
            results[i] = result;
            localTasks++;
          },
        };
      }, rules);
    // Two tasks in flight per worker: the next one waits in the worker's queue, so a worker does not idle
    // while this thread is busy with a file of its own and cannot yet hand it more work (measured at 10k
    // changed lines: 1,340 → 1,240 ms).
    const lanes = pool.flatMap((worker) => [worker, worker]).map(async (worker) => {
      while (cursor < order.length) {
        const { input, i } = order[cursor++]!;
        const id = nextId++;
        results[i] = await new Promise<RunRulesResult>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, input, ruleIds } satisfies RuleTask);
        });
        workerTasks++;
      }
    });
    const local = joinHere ? here() : Promise.resolve();
    // Handled now, awaited below: a failure here while the workers are still busy must not be an unhandled rejection.
    local.catch(() => undefined);
    try {
      await Promise.all(lanes);
    } catch (err) {
      // Stop this thread's lane too before the caller starts over.
      cursor = order.length;
      await local;
      throw err;
    }
    await local;
    return results;
  };

  return {
    run,
    stats: () => ({ workerTasks, localTasks, fallbacks }),
    close: async () => {
      const ws = workers ?? [];
      workers = undefined;
      await Promise.all(ws.map((w) => w.terminate()));
    },
  };
}
