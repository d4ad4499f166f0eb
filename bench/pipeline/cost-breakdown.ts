/**
 * Where one review's CPU goes, in this thread: the generated change reviewed with everything on, then without
 * the integration map (and the repository model), without base versions (no differential analysis), and with
 * only the 17 rules the product had before issue 8 (today's versions of them). CPU time (user + system) of this
 * process, median of 5 reviews after one warm-up per variant, so the figures hold on a shared machine better
 * than wall time does.
 *
 *   npx tsx bench/pipeline/cost-breakdown.ts [changedLines]
 */
import { defaultConfig } from '../../src/config/schema.js';
import type { FileContent, PullRequestSource } from '../../src/review/ports.js';
import { silentLogger } from '../../src/review/ports.js';
import { reviewPullRequest, type ReviewPullRequestDeps } from '../../src/review/review-pull-request.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { generateChange } from './generate-change.js';
import workload from './workload-274835a.json' with { type: 'json' };

/** The rules of commit 274835a, before issue 8 added rules (the benchmark's like-for-like workload). */
const BEFORE_ISSUE_8 = new Set(workload.rules);

const change = generateChange(Number(process.argv[2] ?? 10_000));
const content = (text: string | undefined): Promise<FileContent | undefined> => Promise.resolve(text === undefined ? undefined : { text, size: Buffer.byteLength(text), binary: false });

async function cpuOf(opts: { base: boolean; map: boolean; rules?: ReviewPullRequestDeps['rules'] }): Promise<number> {
  const source: PullRequestSource = {
    loadDiff: () => Promise.resolve({ kind: 'unified', text: change.diff }),
    readFile: (p) => content(change.files.get(p)),
    ...(opts.base ? { readBaseFile: (p: string) => content(change.baseFiles.get(p)) } : {}),
  };
  const config = defaultConfig();
  config.integration_map.enabled = opts.map;
  const runs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const c0 = process.cpuUsage();
    await reviewPullRequest({ source, config, target: { repository: 'bench', headSha: 'bench' }, log: silentLogger, ...(opts.rules ? { rules: opts.rules } : {}) });
    const c = process.cpuUsage(c0);
    if (i > 0) runs.push((c.user + c.system) / 1000);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

const variants: Array<[string, Parameters<typeof cpuOf>[0]]> = [
  ['everything (default config)', { base: true, map: true }],
  ['without the integration map', { base: true, map: false }],
  ['without the map and base versions', { base: false, map: false }],
  ['the 17 rules of before issue 8, no map, no base', { base: false, map: false, rules: ALL_RULES.filter((r) => BEFORE_ISSUE_8.has(r.id)) }],
];
console.log(`${change.changedLines.toLocaleString('en-US')} changed lines, CPU per review (median of 5):`);
for (const [name, opts] of variants) console.log(`  ${name}: ${Math.round(await cpuOf(opts)).toLocaleString('en-US')} ms`);
