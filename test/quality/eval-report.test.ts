import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { categoryFigures, formatComparison, rejectionStats, sumUsage } from '../../bench/agent/eval-report.js';
import { loadCases, scoreCase } from '../../bench/quality/cases/score.js';
import type { Reviewer } from '../../src/review/ports.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/cases/', import.meta.url));
const USAGE = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 500, requests: 1, costUsd: 0.01 };

/** A reviewer that rejects every rule finding it is shown, as a model would through `secondOpinion`. */
const rejectAll: Reviewer = {
  name: 'fake',
  review: (input) =>
    Promise.resolve({
      findings: [],
      questions: [],
      notes: [],
      usage: USAGE,
      secondOpinion: { judged: input.hints.length, rejected: input.hints.map((h) => ({ fingerprint: h.fingerprint, reason: 'The caller sets a timeout.' })), confirmed: [] },
    }),
};

describe('npm run eval report', () => {
  it('scores rules-only and rules+agent side by side, and counts a rejection on a planted problem as wrong', async () => {
    const cases = loadCases(FIXTURES);
    const rules = await Promise.all(cases.map((c) => scoreCase(c)));
    const agent = await Promise.all(cases.map((c) => scoreCase(c, rejectAll)));

    expect(categoryFigures(rules, 'resilience')).toMatchObject({ planted: 1, found: 1, tp: 1, fp: 0, recall: 1, precision: 1 });
    expect(categoryFigures(agent, 'resilience')).toMatchObject({ planted: 1, found: 0, recall: 0 });
    expect(rejectionStats(agent)).toEqual({ rejected: 1, wrong: 1, right: 0, neutral: 0 });

    const report = formatComparison(rules, agent, sumUsage([USAGE, USAGE]), { verbose: true });
    expect(report).toContain('| resilience | 1 | 100 % | 100 % | 1.00 | 0 % | 100 % | 0.00 |');
    expect(report).toContain('the agent rejected 1 rule finding(s): 0 false positive(s) (right), 1 on a planted problem (wrong), 0 neutral.');
    expect(report).toContain('Tokens: 2,000 input, 400 output, 0 cache read, 1,000 cache write, in 2 request(s); cost $0.0200.');
    expect(report).toMatch(/rejected \(WRONG\) ts-sample-timeout http-call-without-timeout src\/notify\.ts:9: The caller sets a timeout\./);
  });
});
