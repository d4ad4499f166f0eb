/**
 * Peak RSS and wall time of one review of the generated change in this process, as the CLI runs it
 * (rules in the main thread on 2 cores), after one warm-up review of 1k lines:
 * `node --import tsx bench/pipeline/peak-rss.ts [changedLines]`. Isolates memory held by the rules
 * (memos, parse trees) from the benchmark's repeated runs.
 */
import { defaultConfig } from '../../src/config/schema.js';
import type { FileContent, PullRequestSource } from '../../src/review/ports.js';
import { silentLogger } from '../../src/review/ports.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';
import { createRuleWorkerPool } from '../../src/workers/rule-worker-pool.js';
import { generateChange } from './generate-change.js';

const content = (text: string | undefined): Promise<FileContent | undefined> => Promise.resolve(text === undefined ? undefined : { text, size: Buffer.byteLength(text), binary: false });
async function review(lines: number): Promise<number> {
  const change = generateChange(lines);
  const source: PullRequestSource = {
    loadDiff: () => Promise.resolve({ kind: 'unified', text: change.diff }),
    readFile: (path) => content(change.files.get(path)),
    readBaseFile: (path) => content(change.baseFiles.get(path)),
  };
  const pool = createRuleWorkerPool(process.env.POOL_SIZE ? { size: Number(process.env.POOL_SIZE) } : {});
  const result = await reviewPullRequest({ source, config: defaultConfig(), target: { repository: 'bench', headSha: 'bench' }, log: silentLogger, ruleRunner: pool.run });
  return result.inline.length + result.summaryOnly.length;
}
await review(1_000);
const lines = Number(process.argv[2] ?? 100_000);
const t0 = performance.now();
const findings = await review(lines);
console.log(JSON.stringify({ lines, findings, ms: Math.round(performance.now() - t0), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
