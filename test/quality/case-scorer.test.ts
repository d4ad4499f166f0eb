import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CaseSource, loadCases, scoreCase, summarizeScores } from '../../bench/quality/cases/score.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/cases/', import.meta.url));

describe('labelled-case scorer', () => {
  it('loads and validates the cases of a corpus', () => {
    const cases = loadCases(FIXTURES);
    expect(cases.map((c) => c.id)).toEqual(['ts-sample-clean', 'ts-sample-timeout']);
    expect(cases[1]!.planted[0]).toMatchObject({ path: 'src/notify.ts', startLine: 9, category: 'resilience' });
  });

  it('turns base/ and head/ into a unified diff with the repository paths', async () => {
    const c = loadCases(FIXTURES).find((x) => x.id === 'ts-sample-timeout')!;
    const diff = await new CaseSource(c.dir).loadDiff();
    expect(diff.kind).toBe('unified');
    const text = diff.kind === 'unified' ? diff.text : '';
    expect(text).toContain('diff --git a/src/notify.ts b/src/notify.ts');
    expect(text).toContain('+++ b/src/notify.ts');
    expect(text).toContain('+  const res = await axios.get(url);');
  });

  it('counts a finding on a planted range as found, and the clean case as silent', async () => {
    const scores = await Promise.all(loadCases(FIXTURES).map((c) => scoreCase(c)));
    const planted = scores.find((s) => s.id === 'ts-sample-timeout')!;
    expect(planted.planted).toEqual([expect.objectContaining({ category: 'resilience', found: true, by: ['http-call-without-timeout'] })]);
    expect(planted.fp).toBe(0);
    const summary = summarizeScores(scores);
    expect(summary.overall).toMatchObject({ planted: 1, found: 1, recall: 1, precision: 1 });
    expect(summary.byCategory.resilience.recall).toBe(1);
    expect(summary.findingsPerCleanCase).toBe(0);
  });

  it('rejects a case.json that is clean and has planted problems, naming the file', () => {
    expect(() => loadCases(fileURLToPath(new URL('./fixtures/broken-cases/', import.meta.url)))).toThrow(/typescript\/ts-broken\/case\.json: a clean case has no planted problem/);
  });
});
