/**
 * Re-runs the review (rules only, in this process) over the real-world corpus where the repositories are
 * present, compares what it reports now with the committed judgements, and writes what it found to
 * `results.json` (or `--out`): every finding of every commit with its placement — `inline` (posted as a
 * comment, or listed in the summary because it is outside the diff or over the cap) or `demoted` (kept out
 * on purpose: lower confidence, already in the base). `npm run bench:quality` reads that file for the
 * current figures, so they are reproducible without the repositories.
 *
 *   npx tsx bench/quality/realworld/rerun.ts --repos /work/q [--only owner/name] [--out results.json]
 *
 * The review reads the repository snapshot at each parent through the CLI's own reader, as `arch-review review`
 * does (repository rules and layers included). `--model` instead gives it the bench reader's models
 * (`repository-model.ts`: every blob parsed once across commits); its results go to `results-model.json`.
 *
 * `--repos` holds one git checkout per repository, named `<owner>__<name>` or `<name>` (fetch each
 * repository, then `git clone --no-checkout <fetched git dir> <repos>/<owner>__<name>`). Repositories that
 * are not there are skipped with a line saying so, and their earlier results are kept. Each commit is
 * reviewed as `parent...sha`, exactly as `arch-review review --base parent --head sha --no-agent` would.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LocalGitSource } from '../../../src/cli/local-git-source.js';
import { ConfigSchema } from '../../../src/config/schema.js';
import { reviewPullRequest } from '../../../src/review/review-pull-request.js';
import { silentLogger } from '../../../src/review/ports.js';
import { RepositoryModelReader } from './repository-model.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

const Corpus = z.object({ repository: z.string(), commits: z.array(z.object({ sha: z.string(), parent: z.string() })) });
const Judged = z.object({ sha: z.string(), ruleId: z.string(), path: z.string(), line: z.number(), verdict: z.enum(['TP', 'DEBATABLE', 'FP']) });
const Judgements = z.object({ findings: z.array(Judged) });

/** One finding of the current code on one commit of the corpus. */
export const ResultFinding = z.object({
  repository: z.string(),
  sha: z.string(),
  ruleId: z.string(),
  path: z.string(),
  line: z.number(),
  placement: z.enum(['inline', 'demoted']),
  /** For a demoted finding: why (`low-confidence`, `pre-existing`, …). */
  demotion: z.string().optional(),
});
export type ResultFinding = z.infer<typeof ResultFinding>;
export const Results = z.object({ toolCommit: z.string().optional(), findings: z.array(ResultFinding) });

/** A finding's identity across runs: commit, rule, path and line. */
export const keyOf = (f: { sha: string; ruleId: string; path: string; line: number }) => `${f.sha} ${f.ruleId} ${f.path}:${f.line}`;

/**
 * Reviews one commit of a checkout (rules only) and returns its rule findings with their placement.
 *
 * @example
 * await reviewCommit('/work/q/novuhq__novu', 'novuhq/novu', { sha, parent });
 */
export async function reviewCommit(checkout: string, repository: string, commit: { sha: string; parent: string }, models?: RepositoryModelReader): Promise<ResultFinding[]> {
  const source = await LocalGitSource.open({ cwd: checkout, base: commit.parent, head: commit.sha, log: silentLogger });
  const config = ConfigSchema.parse({ agent: { enabled: false } });
  // With `--model`: the repository at the parent and at the commit (the parent with the commit's changes).
  const repositoryModels = models ? { baseRepositoryModel: await models.modelAt(commit.parent), repositoryModel: await models.modelAt(commit.sha) } : {};
  const result = await reviewPullRequest({ source, config, target: { repository, headSha: commit.sha, baseSha: commit.parent }, log: silentLogger, ...repositoryModels });
  const out: ResultFinding[] = [];
  const add = (f: { ruleId?: string; path: string; line: number; source: string }, placement: ResultFinding['placement'], demotion?: string) => {
    if (f.source !== 'rule' || !f.ruleId) return;
    out.push({ repository, sha: commit.sha, ruleId: f.ruleId, path: f.path, line: f.line, placement, ...(demotion ? { demotion } : {}) });
  };
  for (const f of result.inline) add(f, 'inline');
  for (const s of result.summaryOnly) add(s.finding, 'inline');
  for (const d of result.demoted ?? []) add(d.finding, 'demoted', d.reason);
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repos: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' }, model: { type: 'boolean' } } });
  if (!values.repos) throw new Error('--repos <dir> is required (one checkout per repository, named <owner>__<name>)');
  // `--model`: every review gets the repository model (bench reader), as the App does; results in their own file.
  const outFile = values.out ?? join(ROOT, values.model ? 'results-model.json' : 'results.json');
  const previous = existsSync(outFile) ? Results.parse(JSON.parse(readFileSync(outFile, 'utf8'))).findings : [];
  const findings: ResultFinding[] = [];
  const covered = new Set<string>();
  for (const file of readdirSync(join(ROOT, 'corpus')).filter((f) => f.endsWith('.json')).sort()) {
    const corpus = Corpus.parse(JSON.parse(readFileSync(join(ROOT, 'corpus', file), 'utf8')));
    if (values.only && corpus.repository !== values.only) continue;
    const [owner, name] = corpus.repository.split('/') as [string, string];
    const checkout = [join(values.repos, `${owner}__${name}`), join(values.repos, name)].find((p) => existsSync(p));
    if (!checkout) {
      console.log(`${corpus.repository}: no checkout under ${values.repos}; skipped (earlier results kept)`);
      continue;
    }
    covered.add(corpus.repository);
    const judgementsFile = join(ROOT, 'judgements', file);
    const judged = existsSync(judgementsFile) ? Judgements.parse(JSON.parse(readFileSync(judgementsFile, 'utf8'))).findings : [];
    const verdicts = new Map(judged.map((j) => [keyOf(j), j.verdict]));
    const seen = new Set<string>();
    const still: Record<string, number> = { TP: 0, DEBATABLE: 0, FP: 0 };
    const unjudged: string[] = [];
    let demoted = 0;
    const started = Date.now();
    const models = values.model ? new RepositoryModelReader(checkout) : undefined;
    for (const commit of corpus.commits) {
      let found: ResultFinding[];
      try {
        found = await reviewCommit(checkout, corpus.repository, commit, models);
      } catch (err) {
        console.log(`  ${commit.sha}: review failed: ${(err as Error).message.split('\n')[0]}`);
        continue;
      }
      for (const f of found) {
        findings.push(f);
        if (f.placement === 'demoted') {
          demoted++;
          continue;
        }
        const key = keyOf(f);
        seen.add(key);
        const verdict = verdicts.get(key);
        if (verdict) still[verdict] = (still[verdict] ?? 0) + 1;
        else unjudged.push(key);
      }
    }
    const gone = [...verdicts.keys()].filter((k) => !seen.has(k));
    console.log(
      `${corpus.repository}: inline TP ${still.TP}, DEBATABLE ${still.DEBATABLE}, FP ${still.FP}; no longer inline ${gone.length}; demoted ${demoted}; new, unjudged ${unjudged.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    for (const u of unjudged) console.log(`  unjudged: ${u}`);
  }
  const kept = previous.filter((f) => !covered.has(f.repository) && (!values.only || f.repository !== values.only));
  const all = [...kept, ...findings].sort((a, b) => a.repository.localeCompare(b.repository) || keyOf(a).localeCompare(keyOf(b)));
  writeFileSync(outFile, `${JSON.stringify({ findings: all }, null, 2)}\n`);
  console.log(`wrote ${outFile} (${all.length} findings)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
