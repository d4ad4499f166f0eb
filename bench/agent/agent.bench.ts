/**
 * `npm run bench:agent`: what the agent reviewer would send, offline, for the demo PR and a generated
 * large PR, against a naive prompt (instructions + whole diff + every head file). Token counts are the
 * planner's estimates (see src/agent/estimate-tokens.ts); nothing is sent.
 */
import { measureBenchCases } from './bench-cases.js';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const rows = await measureBenchCases();
console.log('Agent prompt size (estimated tokens)\n');
console.log(['case', 'files (diff/selected)', 'naive PR data', 'ours PR data', 'ratio', 'integration map', 'ratio with map', 'naive total', 'ours total', 'ratio', 'requests', 'cacheable share', 'not covered'].join(' | '));
for (const m of rows) {
  const shares = m.ours.requests.map((r) => pct(r.cacheableShare)).join(', ');
  console.log(
    [
      m.name,
      `${m.filesInDiff}/${m.filesSelected}`,
      fmt(m.naive.prDataTokens),
      fmt(m.ours.prDataTokens),
      pct(m.prDataRatio),
      fmt(m.integrationTokens),
      pct(m.prDataRatioWithMap),
      fmt(m.naive.tokens),
      fmt(m.ours.tokens),
      pct(m.totalRatio),
      String(m.ours.requests.length),
      shares,
      String(m.ours.notCovered),
    ].join(' | '),
  );
}
console.log('\nTarget: ours PR data <= 50 % of naive PR data (test/agent/prompt-budget.test.ts). "ours PR data" includes the integration map;\nthe first ratio leaves it out (computed context, not PR text), the second includes it.');
