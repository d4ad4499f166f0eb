import { afterAll, describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/rules/registry.js';
import { runRulesInProcess } from '../../src/rules/run-rules-in-process.js';
import type { RunRulesInput } from '../../src/rules/run-rules.js';
import type { Rule } from '../../src/rules/types.js';
import { createRuleWorkerPool, ruleWorkersFromEnv } from '../../src/workers/rule-worker-pool.js';

const all = (src: string) => new Set(src.split('\n').map((_, i) => i + 1));
const ts = `import axios from 'axios';\nexport async function charge(id: string) {\n  const res = await axios.post('https://api.example.com/charges', { id });\n  return res.data;\n}\n`;
const py = `import requests\n\ndef fetch_orders(since):\n    return requests.get("https://api.example.com/orders", params={"since": since}).json()\n`;
const go = `package billing\n\nimport "net/http"\n\nfunc Ping(url string) error {\n\t_, err := http.Get(url)\n\treturn err\n}\n`;
const inputs: RunRulesInput[] = [
  { path: 'src/billing/charge.ts', language: 'typescript', source: ts, changedLines: all(ts) },
  { path: 'worker/orders.py', language: 'python', source: py, changedLines: all(py) },
  { path: 'pkg/billing/ping.go', language: 'go', source: go, changedLines: all(go) },
];

describe('createRuleWorkerPool', () => {
  // Workers only, so the counts below say which files went to a worker.
  const pool = createRuleWorkerPool({ size: 2, minChangedLines: 0, joinHere: false });
  afterAll(() => pool.close());

  it('finds in worker threads exactly what the rules find in this thread, in input order', async () => {
    const expected = await runRulesInProcess(inputs, ALL_RULES);
    const actual = await pool.run(inputs, ALL_RULES);
    expect(actual).toEqual(expected);
    expect(pool.stats()).toEqual({ workerTasks: 3, localTasks: 0, fallbacks: 0 });
    expect(actual.map((r) => r.findings.some((f) => f.ruleId === 'http-call-without-timeout'))).toEqual([true, true, true]);
  });

  it('runs only the rules it was given', async () => {
    const only = ALL_RULES.filter((r) => r.id === 'domain-imports-vendor-sdk');
    const [res] = await pool.run([inputs[0]!], only);
    expect(res?.findings.every((f) => f.ruleId === 'domain-imports-vendor-sdk')).toBe(true);
  });

  it('runs rules that are not in the registry in this thread (they cannot be loaded in a worker)', async () => {
    const custom: Rule = {
      id: 'custom-todo',
      category: 'abstraction',
      severity: 'low',
      languages: ['typescript'],
      title: 'Custom',
      why: 'why',
      fix: 'fix',
      check: () => [{ line: 2 }],
    };
    const [res] = await pool.run([inputs[0]!], [custom]);
    expect(res?.findings.map((f) => [f.ruleId, f.line])).toEqual([['custom-todo', 2]]);
    expect(pool.stats().workerTasks).toBe(4); // unchanged by this run
  });

  it('runs a mixed set (the registry and a repository rule) with the registry in workers, the other here, joined per file', async () => {
    const custom: Rule = { id: 'custom-line-two', category: 'coupling', severity: 'low', languages: ['typescript', 'python'], title: 'Custom', why: 'why', fix: 'fix', check: () => [{ line: 2 }] };
    const before = pool.stats().workerTasks;
    const mixed = [...ALL_RULES, custom];
    const actual = await pool.run(inputs, mixed);
    expect(pool.stats().workerTasks).toBe(before + inputs.length);
    const expected = await runRulesInProcess(inputs, mixed);
    // Same findings per file (the custom rule's come last in both), in input order.
    expect(actual.map((r) => r.findings)).toEqual(expected.map((r) => r.findings));
    expect(actual.map((r) => r.findings.filter((f) => f.ruleId === 'custom-line-two').length)).toEqual([1, 1, 0]);
  });

  it('extracts integration points alone (no rules: the map’s base versions) in the workers, the same as here', async () => {
    const pointsOnly = inputs.map((i) => ({ ...i, changedLines: new Set<number>(), integration: true }));
    const before = pool.stats().workerTasks;
    const actual = await pool.run(pointsOnly, []);
    expect(actual).toEqual(await runRulesInProcess(pointsOnly, []));
    expect(pool.stats().workerTasks - before).toBe(3);
    expect(actual.map((r) => r.points?.length)).toEqual([1, 1, 1]);
    expect(actual.every((r) => r.findings.length === 0)).toBe(true);
    // Few lines of source: this thread, as for a small change.
    const small = createRuleWorkerPool({ size: 2 });
    await small.run(pointsOnly, []);
    expect(small.stats().workerTasks).toBe(0);
    await small.close();
  });

  it('runs a small change in this thread, without starting workers', async () => {
    const small = createRuleWorkerPool({ size: 2 });
    const [res] = await small.run([inputs[0]!], ALL_RULES);
    expect(res?.findings.length).toBeGreaterThan(0);
    expect(small.stats().workerTasks).toBe(0);
    await small.close();
  });

  it('shares the files between one worker and this thread, two tasks ahead for the worker, with the same results', async () => {
    const joined = createRuleWorkerPool({ size: 1, minChangedLines: 0 });
    try {
      const expected = await runRulesInProcess(inputs, ALL_RULES);
      expect(await joined.run(inputs, ALL_RULES)).toEqual(expected);
      // Largest first: the worker is handed the two largest files at once, this thread checks the third.
      expect(joined.stats()).toEqual({ workerTasks: 2, localTasks: 1, fallbacks: 0 });
      const twice = await joined.run([...inputs, ...inputs], ALL_RULES);
      expect(twice).toEqual([...expected, ...expected]);
      expect(joined.stats().workerTasks + joined.stats().localTasks).toBe(9);
    } finally {
      await joined.close();
    }
  });

  it('runs everything in this thread when there is no core for a worker', async () => {
    const none = createRuleWorkerPool({ size: 0, minChangedLines: 0 });
    expect(await none.run(inputs, ALL_RULES)).toEqual(await runRulesInProcess(inputs, ALL_RULES));
    expect(none.stats()).toEqual({ workerTasks: 0, localTasks: 0, fallbacks: 0 });
    await none.close();
  });

  it('reads RULE_WORKERS for the CLI: a whole number from 0 to 8, a clear error otherwise', () => {
    expect(ruleWorkersFromEnv({})).toBeUndefined();
    expect(ruleWorkersFromEnv({ RULE_WORKERS: ' ' })).toBeUndefined();
    expect(ruleWorkersFromEnv({ RULE_WORKERS: '0' })).toBe(0);
    expect(ruleWorkersFromEnv({ RULE_WORKERS: '8' })).toBe(8);
    expect(() => ruleWorkersFromEnv({ RULE_WORKERS: '9' })).toThrow('RULE_WORKERS must be a whole number from 0 to 8 (got "9")');
    expect(() => ruleWorkersFromEnv({ RULE_WORKERS: '-1' })).toThrow(/RULE_WORKERS/);
  });
});
