import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RuleRunner } from '../review/ports.js';
import { ALL_RULES } from '../rules/registry.js';
import { runRulesInProcess } from '../rules/run-rules-in-process.js';
import type { RunRulesInput, RunRulesResult } from '../rules/run-rules.js';
import type { RuleTask, RuleTaskResult } from './rule-worker.js';

export interface RuleWorkerPoolOptions {
  /** Worker threads; default: the machine's available parallelism, at most 8. */
  size?: number;
  /** Below this many changed lines in total, the rules run in this thread (starting workers costs more). */
  minChangedLines?: number;
}

export interface RuleWorkerPool {
  run: RuleRunner;
  /** Terminates the workers. */
  close(): Promise<void>;
  /** Files checked in workers, and reviews that fell back to this thread after a worker failed. */
  stats(): { workerTasks: number; fallbacks: number };
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
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./rule-worker.js', import.meta.url));
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./rule-worker.ts', import.meta.url).href);
  return new Worker(`import(${api}).then(({ register }) => { register(); return import(${entry}); })`, { eval: true });
}

/**
 * A pool of worker threads for the rules, so a large change uses the machine's other cores. One core is
 * left to the main thread (it reads files, talks to GitHub and serves webhooks), so the default is one worker
 * per core but one; on a 2-core machine that is a single worker, no faster than this thread and ~240 MB
 * heavier at 100k changed lines (measured: bench/pipeline/RESULTS.md), so the rules run in this thread there.
 * Workers start on the
 * first large review and are reused; small reviews run in this thread, and so do rules not in the
 * registry (a repository's own ast-grep rules, not loadable in a worker), beside the workers. Results keep the input order.
 *
 * @example
 * const pool = createRuleWorkerPool();
 * await reviewPullRequest({ ..., ruleRunner: pool.run });
 * await pool.close();
 */
export function createRuleWorkerPool(opts: RuleWorkerPoolOptions = {}): RuleWorkerPool {
  const size = Math.max(1, Math.min(opts.size ?? availableParallelism() - 1, 8));
  const minChangedLines = opts.minChangedLines ?? 3_000;
  let workers: Worker[] | undefined;
  let nextId = 0;
  let active = 0;
  let workerTasks = 0;
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
    const changed = inputs.reduce((n, i) => n + i.changedLines.size, 0);
    const registry = rules.filter((r) => ALL_RULES.includes(r));
    if (size < 2 || changed < minChangedLines || registry.length === 0) return runRulesInProcess(inputs, rules);
    // A mixed set (the repository's own rules beside the registry's): the registry's run in the workers,
    // the others here at the same time, and each file's results are joined.
    if (registry.length < rules.length) {
      const others = rules.filter((r) => !ALL_RULES.includes(r));
      const [pooled, local] = await Promise.all([run(inputs, registry), runRulesInProcess(inputs, others)]);
      return pooled.map((res, i) => joinResults(res, local[i]!));
    }
    const ruleIds = rules.map((r) => r.id);
    workers ??= start();
    const pool = workers;
    // Idle workers must not keep the process alive, busy ones must (reviews may overlap).
    if (active++ === 0) for (const w of pool) w.ref();
    try {
      return await runOnPool(pool, inputs, ruleIds);
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

  const runOnPool = async (pool: Worker[], inputs: readonly RunRulesInput[], ruleIds: readonly string[]): Promise<RunRulesResult[]> => {
    // Largest files first, each to the next free worker, so no core idles at the end.
    const order = inputs.map((input, i) => ({ input, i })).sort((a, b) => b.input.source.length - a.input.source.length);
    const results: RunRulesResult[] = new Array(inputs.length);
    let cursor = 0;
    await Promise.all(
      pool.map(async (worker) => {
        while (cursor < order.length) {
          const { input, i } = order[cursor++]!;
          const id = nextId++;
          results[i] = await new Promise<RunRulesResult>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            worker.postMessage({ id, input, ruleIds } satisfies RuleTask);
          });
          workerTasks++;
        }
      }),
    );
    return results;
  };

  return {
    run,
    stats: () => ({ workerTasks, fallbacks }),
    close: async () => {
      const ws = workers ?? [];
      workers = undefined;
      await Promise.all(ws.map((w) => w.terminate()));
    },
  };
}
