import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { changeJson, generateChange } from '../../bench/pipeline/generate-change.js';
import workload from '../../bench/pipeline/workload-274835a.json' with { type: 'json' };
import { ALL_RULES } from '../../src/rules/registry.js';

const child = fileURLToPath(new URL('../../bench/pipeline/measure-child.mjs', import.meta.url));
const src = fileURLToPath(new URL('../../src', import.meta.url));
const workloadFile = fileURLToPath(new URL('../../bench/pipeline/workload-274835a.json', import.meta.url));
const dir = mkdtempSync(join(os.tmpdir(), 'bench-workload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small generated change, as the benchmark hands it to its child. */
const changeFile = (() => {
  const file = join(dir, 'change.json');
  writeFileSync(file, changeJson(generateChange(400)));
  return file;
})();

/** One run of the benchmark child on the small change, from the TypeScript sources. */
function measure(extra: string[]): { findings: number; reviewedFiles: number; medianMs: number } {
  const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, changeFile, src, '1', ...extra], { encoding: 'utf8', env: { ...process.env, RULE_WORKERS: '0' } });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '');
}

describe('pipeline benchmark workloads', () => {
  it("names exactly the 17 rules of commit 274835a, every one still in the registry", () => {
    const ids = new Set(ALL_RULES.map((r) => r.id));
    expect(workload.rules).toHaveLength(17);
    expect(new Set(workload.rules).size).toBe(17);
    expect(workload.rules.filter((id) => !ids.has(id))).toEqual([]);
    expect(workload.integrationMap).toBe(false);
  });

  it('the like-for-like workload runs fewer rules than the product on the same change', () => {
    const product = measure([]);
    const likeForLike = measure([workloadFile]);
    expect(product.reviewedFiles).toBe(likeForLike.reviewedFiles);
    expect(likeForLike.findings).toBeGreaterThan(0);
    expect(likeForLike.findings).toBeLessThan(product.findings);
  }, 60_000);

  it('refuses a workload naming a rule the product does not have', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ rules: ['no-such-rule'], integrationMap: false }));
    const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, changeFile, src, '1', bad], { encoding: 'utf8' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('no-such-rule');
  }, 30_000);
});
