import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCases, scoreCase, summarizeScores } from '../../bench/quality/cases/score.js';
import { CATEGORIES } from '../../src/review/finding.js';

const Thresholds = z.object({
  recall: z.number(),
  precision: z.number(),
  maxFindingsPerCleanCase: z.number(),
  categoryRecall: z.record(z.enum(CATEGORIES), z.number()),
});
const thresholds = Thresholds.parse(JSON.parse(readFileSync(new URL('../../bench/quality/cases/thresholds.json', import.meta.url), 'utf8')));

// A regression guard, not a timed test: the rules (no agent) over the labelled corpus of realistic PRs.
describe('the labelled corpus (bench/quality/cases)', async () => {
  const cases = loadCases();
  const scores = [];
  for (const c of cases) scores.push(await scoreCase(c));
  const s = summarizeScores(scores);

  it('has at least 12 cases with planted problems per language and 16 clean ones', () => {
    for (const lang of ['typescript', 'python', 'go', 'java']) expect(cases.filter((c) => c.language === lang && !c.clean).length, lang).toBeGreaterThanOrEqual(12);
    expect(s.cleanCases).toBeGreaterThanOrEqual(16);
  });

  it('keeps overall recall and precision at or above the recorded figures', () => {
    expect(s.overall.recall).toBeGreaterThanOrEqual(thresholds.recall);
    expect(s.overall.precision).toBeGreaterThanOrEqual(thresholds.precision);
  });

  it.each(CATEGORIES)('keeps recall in %s at or above the recorded figure', (category) => {
    expect(s.byCategory[category].recall).toBeGreaterThanOrEqual(thresholds.categoryRecall[category] ?? 0);
  });

  it('stays (nearly) silent on clean PRs', () => {
    expect(s.findingsPerCleanCase).toBeLessThanOrEqual(thresholds.maxFindingsPerCleanCase);
  });
});
