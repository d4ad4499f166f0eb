import { CATEGORIES, type Category, type Finding } from '../../src/review/finding.js';
import type { ReviewResult, SummaryFinding } from '../../src/review/ports.js';
import type { LineMap } from '../../src/diff/types.js';
import { lineMap } from '../review/factories.js';
import { HEAD_SHA, REF } from './fixtures.js';

/** A finished review of `src/pay.ts` (new-side lines 1-80 and 90-120 commentable, in two hunks) with `inline` and `summaryOnly`. */
export function reviewResult(inline: Finding[], summaryOnly: SummaryFinding[] = [], over: Partial<ReviewResult> = {}): ReviewResult {
  const all = [...inline, ...summaryOnly.map((s) => s.finding)];
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, all.filter((f) => f.category === c).length])) as Record<Category, number>;
  return {
    target: { repository: `${REF.owner}/${REF.repo}`, number: REF.number, headSha: HEAD_SHA },
    inline,
    summaryOnly,
    files: [{ path: 'src/pay.ts', selected: true, reason: 'integration code', signals: [] }],
    questions: [],
    notes: [],
    alreadyPosted: 0,
    counts,
    fingerprints: all.map((f) => f.fingerprint),
    lineMaps: new Map<string, LineMap>([['src/pay.ts', lineMap({ right: [[1, 80], [90, 120]], left: [[1, 30]], added: [5, 6, 7] })]]),
    ...over,
  };
}
