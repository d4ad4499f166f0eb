import { describe, expect, it } from 'vitest';
import { planReview, prioritise } from '../../src/agent/plan-review.js';
import { finding } from '../review/factories.js';
import { addedFile, fileFromDiff, numberedSource, profile, reviewerInput } from './fixtures.js';

/** A file of `n` added lines with `signals`. */
const file = (path: string, n: number, signals: string[] = []) => addedFile(path, numberedSource(n, path.replace(/\W/g, '_')), { signals });

describe('planReview', () => {
  it('puts every file in one request when they fit, with the cached system prompt first', () => {
    const plan = planReview(reviewerInput([file('src/a.ts', 20), file('src/b.ts', 20)]), { profile });
    expect(plan.requests).toHaveLength(1);
    expect(plan.notCovered).toEqual([]);
    const [req] = plan.requests;
    expect(req?.system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(req?.system[0]?.text).toBe(profile.body);
    expect(req?.user).toContain('<file path="src/a.ts"');
    expect(req?.user).toContain('This request covers all 2 backend/integration file(s)');
  });

  it('orders files by integration signals, then by changed lines', () => {
    const files = [file('src/small.ts', 5), file('src/big.ts', 50), file('src/vendor.ts', 5, ['sdk:stripe', 'http-client:axios'])];
    expect(prioritise(files).map((f) => f.diff.path)).toEqual(['src/vendor.ts', 'src/big.ts', 'src/small.ts']);
  });

  it('splits files across requests that each fit the per-request budget, most integration-heavy first', () => {
    const files = Array.from({ length: 6 }, (_, i) => file(`src/f${i}.ts`, 150, i === 5 ? ['sdk:stripe'] : []));
    const plan = planReview(reviewerInput(files), { profile, maxInputTokensPerRequest: 12_000 });
    expect(plan.requests.length).toBeGreaterThan(1);
    for (const r of plan.requests) expect(r.estimatedInputTokens).toBeLessThanOrEqual(12_000);
    expect(plan.requests[0]?.paths[0]).toBe('src/f5.ts');
    expect(plan.requests.flatMap((r) => r.paths).sort()).toEqual(files.map((f) => f.diff.path).sort());
    expect(plan.requests[1]?.user).toMatch(/This is request 2 of \d+\. It covers \d+ of the 6/);
    // The cached prefix is the same for every request.
    expect(new Set(plan.requests.map((r) => JSON.stringify(r.system))).size).toBe(1);
  });

  it('keeps within max_tokens_per_review and lists the files left out, lowest priority first', () => {
    const files = Array.from({ length: 6 }, (_, i) => file(`src/f${i}.ts`, 150, i === 0 ? ['sdk:stripe'] : []));
    const plan = planReview(reviewerInput(files, { configOver: { agent: { enabled: true, model: 'claude-sonnet-5-5', max_tokens_per_review: 20_000, min_confidence: 0.6 } } }), {
      profile,
      maxInputTokensPerRequest: 12_000,
    });
    const planned = plan.requests.reduce((n, r) => n + r.estimatedInputTokens + 4_000, 0);
    expect(planned).toBeLessThanOrEqual(20_000);
    expect(plan.requests[0]?.paths).toContain('src/f0.ts');
    expect(plan.notCovered.length).toBeGreaterThan(0);
    expect(plan.notCovered.every((n) => n.reason === 'budget')).toBe(true);
    expect(plan.notCovered.map((n) => n.path)).not.toContain('src/f0.ts');
  });

  it('shows a file without surrounding code when that is what fits, and leaves out one that never fits', () => {
    const head = numberedSource(1200);
    const diff = ['diff --git a/src/big.ts b/src/big.ts', '--- a/src/big.ts', '+++ b/src/big.ts', '@@ -600,1 +600,1 @@', '-const x = 0;', '+const line600 = 600;', ''].join('\n');
    const big = fileFromDiff(diff, head);
    const huge = file('src/huge.ts', 3000);
    const plan = planReview(reviewerInput([big, huge]), { profile, maxInputTokensPerRequest: 5_500, contextLines: 2000 });
    expect(plan.requests[0]?.compactPaths).toEqual(['src/big.ts']);
    expect(plan.requests[0]?.user).not.toContain('| const line1 =');
    expect(plan.notCovered).toEqual([{ path: 'src/huge.ts', reason: 'too-large' }]);
  });

  it('gives each request only the rule findings and path instructions of its own files', () => {
    const files = [file('src/pay/a.ts', 150), file('src/crm/b.ts', 150)];
    const input = reviewerInput(files, {
      hints: [finding({ path: 'src/pay/a.ts', line: 3, ruleId: 'http-call-without-timeout', title: 'HTTP call without a timeout' }), finding({ path: 'src/crm/b.ts', line: 4, ruleId: 'swallowed-error', title: 'Swallowed error' })],
      configOver: { path_instructions: [{ path: 'src/pay/**', instructions: 'Amounts are integer cents.' }] },
    });
    const plan = planReview(input, { profile, maxInputTokensPerRequest: 8_500 });
    expect(plan.requests).toHaveLength(2);
    const pay = plan.requests.find((r) => r.paths.includes('src/pay/a.ts'));
    const crm = plan.requests.find((r) => r.paths.includes('src/crm/b.ts'));
    expect(pay?.user).toContain('<rule_findings>\nsrc/pay/a.ts: R2 3 http-call-without-timeout: HTTP call without a timeout\n</rule_findings>');
    expect(pay?.hints.map((h) => h.id)).toEqual(['R2']);
    expect(pay?.user).not.toContain('Swallowed error');
    expect(pay?.user).toContain('<repository_instructions>\nFor files matching `src/pay/**` (src/pay/a.ts):\nAmounts are integer cents.');
    expect(crm?.user).not.toContain('<repository_instructions>');
    expect(crm?.user).toContain('src/crm/b.ts: R1 4 swallowed-error: Swallowed error');
    expect(crm?.hints.map((h) => h.id)).toEqual(['R1']);
  });
});
