/**
 * Re-runs the CLI (rules only) over the real-world corpus, where the repositories are present, and
 * compares what it reports now with the committed judgements: which judged findings it still makes
 * (with their verdict), which it no longer makes, and which findings are new and still need a verdict.
 *
 *   npx tsx bench/quality/realworld/rerun.ts --repos /tmp/q [--only owner/name] [--out results.json]
 *
 * `--repos` holds one git checkout per repository, named `<owner>__<name>` or `<name>` (fetch each
 * repository, then `git clone <fetched git dir> <repos>/<owner>__<name>`). Repositories that are not
 * there are skipped with a line saying so. Each commit is reviewed as `parent...sha`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const Corpus = z.object({ repository: z.string(), commits: z.array(z.object({ sha: z.string(), parent: z.string() })) });
const Judged = z.object({ sha: z.string(), ruleId: z.string(), path: z.string(), line: z.number(), verdict: z.enum(['TP', 'DEBATABLE', 'FP']) });
const Judgements = z.object({ findings: z.array(Judged) });
const CliFinding = z.object({ path: z.string(), line: z.number(), ruleId: z.string().optional(), source: z.string() });
const CliReport = z.object({ findings: z.array(CliFinding) });

/** A finding's identity across runs: commit, rule, path and line. */
const keyOf = (f: { sha: string; ruleId: string; path: string; line: number }) => `${f.sha} ${f.ruleId} ${f.path}:${f.line}`;

/**
 * Runs the CLI on one commit of a checkout and returns its rule findings.
 *
 * @example
 * await reviewCommit('/tmp/q/novuhq__novu', { sha, parent });
 */
export async function reviewCommit(checkout: string, commit: { sha: string; parent: string }): Promise<Array<{ ruleId: string; path: string; line: number }>> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'review', '--repo-root', checkout, '--base', commit.parent, '--head', commit.sha, '--format', 'json', '--no-agent', '--quiet'],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
  ).catch((err: { stdout?: string; code?: number }) => {
    // Exit 1 means findings at --fail-on (not used here); anything else is a failure of the run.
    if (err.code === 1 && err.stdout) return { stdout: err.stdout };
    throw err;
  });
  return CliReport.parse(JSON.parse(stdout))
    .findings.filter((f) => f.source === 'rule' && f.ruleId)
    .map((f) => ({ ruleId: f.ruleId!, path: f.path, line: f.line }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repos: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
  if (!values.repos) throw new Error('--repos <dir> is required (one checkout per repository, named <owner>__<name>)');
  const results: Array<{ repository: string; still: Record<string, number>; gone: string[]; unjudged: string[] }> = [];
  for (const file of readdirSync(join(ROOT, 'corpus')).filter((f) => f.endsWith('.json')).sort()) {
    const corpus = Corpus.parse(JSON.parse(readFileSync(join(ROOT, 'corpus', file), 'utf8')));
    if (values.only && corpus.repository !== values.only) continue;
    const [owner, name] = corpus.repository.split('/') as [string, string];
    const checkout = [join(values.repos, `${owner}__${name}`), join(values.repos, name)].find((p) => existsSync(p));
    if (!checkout) {
      console.log(`${corpus.repository}: no checkout under ${values.repos}; skipped`);
      continue;
    }
    const judgementsFile = join(ROOT, 'judgements', file);
    const judged = existsSync(judgementsFile) ? Judgements.parse(JSON.parse(readFileSync(judgementsFile, 'utf8'))).findings : [];
    const verdicts = new Map(judged.map((j) => [keyOf(j), j.verdict]));
    const seen = new Set<string>();
    const still: Record<string, number> = { TP: 0, DEBATABLE: 0, FP: 0 };
    const unjudged: string[] = [];
    for (const commit of corpus.commits) {
      for (const f of await reviewCommit(checkout, commit)) {
        const key = keyOf({ sha: commit.sha, ...f });
        seen.add(key);
        const verdict = verdicts.get(key);
        if (verdict) still[verdict] = (still[verdict] ?? 0) + 1;
        else unjudged.push(key);
      }
    }
    const gone = [...verdicts.keys()].filter((k) => !seen.has(k)).map((k) => `${k} (${verdicts.get(k)})`);
    console.log(`${corpus.repository}: still reported TP ${still.TP}, DEBATABLE ${still.DEBATABLE}, FP ${still.FP}; no longer reported ${gone.length}; new, unjudged ${unjudged.length}`);
    for (const u of unjudged) console.log(`  unjudged: ${u}`);
    results.push({ repository: corpus.repository, still, gone, unjudged });
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
