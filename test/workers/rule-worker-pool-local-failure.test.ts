import { afterAll, describe, expect, it, vi } from 'vitest';
import { ALL_RULES } from '../../src/rules/registry.js';
import type * as RunRulesModule from '../../src/rules/run-rules.js';
import type { RunRulesInput } from '../../src/rules/run-rules.js';

// The main thread's share of the files fails once (the workers load their own, unmocked copy of the rules).
const failOnce = vi.hoisted(() => ({ armed: true }));
vi.mock('../../src/rules/run-rules.js', async (importOriginal) => {
  const real = await importOriginal<typeof RunRulesModule>();
  return {
    ...real,
    runRules: (...args: Parameters<typeof real.runRules>) => {
      if (failOnce.armed) {
        failOnce.armed = false;
        throw new Error('out of memory in the main thread');
      }
      return real.runRules(...args);
    },
  };
});

const { createRuleWorkerPool } = await import('../../src/workers/rule-worker-pool.js');
const { runRulesInProcess } = await import('../../src/rules/run-rules-in-process.js');

const all = (src: string) => new Set(src.split('\n').map((_, i) => i + 1));
const file = (n: number): RunRulesInput => {
  const source = `import axios from 'axios';\nexport async function charge${n}(id: string) {\n  const res = await axios.post('https://api.example.com/charges/${n}', { id });\n  return res.data;\n}\n${'// padding\n'.repeat(n)}`;
  return { path: `src/billing/charge-${n}.ts`, language: 'typescript', source, changedLines: all(source) };
};

describe('createRuleWorkerPool when the main thread fails on a file', () => {
  const pool = createRuleWorkerPool({ size: 1, minChangedLines: 0 });
  afterAll(() => pool.close());

  it('stops its own share, finishes the review in this thread, and leaves no unhandled rejection', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => file(6 - i));
    const actual = await pool.run(inputs, ALL_RULES);
    expect(failOnce.armed).toBe(false);
    expect(pool.stats().fallbacks).toBe(1);
    expect(actual).toEqual(await runRulesInProcess(inputs, ALL_RULES));
    expect(actual.every((r) => r.findings.some((f) => f.ruleId === 'http-call-without-timeout'))).toBe(true);
  });
});
