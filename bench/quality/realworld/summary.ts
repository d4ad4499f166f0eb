/**
 * `npm run bench:quality`: the figures of the real-world corpus (bench/quality/realworld/), read from
 * the committed corpus and judgement files: per-rule and overall precision (TP / judged, and TP +
 * DEBATABLE / judged), findings per 1,000 changed lines, the share of commits with a finding, and the
 * misses recorded per category. It reads files only; re-running the CLI over the commits needs the
 * repositories, fetched by SHA (see notes/*.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

const Corpus = z.object({
  repository: z.string(),
  language: z.string(),
  commits: z.array(z.object({ sha: z.string(), changedLines: z.number() })),
});
const Judgements = z.object({
  repository: z.string(),
  findings: z.array(z.object({ sha: z.string(), ruleId: z.string(), verdict: z.enum(['TP', 'DEBATABLE', 'FP']) })),
  misses: z.array(z.object({ category: z.string() })).default([]),
});

/** Tallies of one rule (or of everything). */
interface Tally {
  tp: number;
  debatable: number;
  fp: number;
}

const read = <T>(dir: string, schema: z.ZodType<T>): T[] =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => schema.parse(JSON.parse(readFileSync(join(ROOT, dir, f), 'utf8'))));

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)} %`);

/**
 * Computes the corpus figures.
 *
 * @example
 * const s = summarize(); s.overall.tp; // true positives over every rule
 */
export function summarize() {
  const corpora = read('corpus', Corpus);
  const judged = read('judgements', Judgements);
  const perRule = new Map<string, Tally>();
  const overall: Tally = { tp: 0, debatable: 0, fp: 0 };
  const commitsWithFinding = new Set<string>();
  const misses = new Map<string, number>();
  for (const j of judged) {
    for (const f of j.findings) {
      const t = perRule.get(f.ruleId) ?? { tp: 0, debatable: 0, fp: 0 };
      for (const tally of [t, overall]) {
        if (f.verdict === 'TP') tally.tp++;
        else if (f.verdict === 'DEBATABLE') tally.debatable++;
        else tally.fp++;
      }
      perRule.set(f.ruleId, t);
      commitsWithFinding.add(`${j.repository}@${f.sha}`);
    }
    for (const m of j.misses) misses.set(m.category, (misses.get(m.category) ?? 0) + 1);
  }
  const commits = corpora.reduce((n, c) => n + c.commits.length, 0);
  const changedLines = corpora.reduce((n, c) => n + c.commits.reduce((m, x) => m + x.changedLines, 0), 0);
  return { corpora, perRule, overall, commits, changedLines, commitsWithFinding: commitsWithFinding.size, misses };
}

function main(): void {
  const s = summarize();
  console.log(`Repositories: ${s.corpora.map((c) => `${c.repository} (${c.language}, ${c.commits.length} commits)`).join(', ')}`);
  console.log(`Commits: ${s.commits}; changed backend lines: ${s.changedLines.toLocaleString('en-US')}`);
  console.log(`Commits with a finding: ${s.commitsWithFinding} (${pct(s.commitsWithFinding, s.commits)})`);
  const total = s.overall.tp + s.overall.debatable + s.overall.fp;
  console.log(`Findings: ${total} (${((1000 * total) / Math.max(1, s.changedLines)).toFixed(2)} per 1,000 changed lines)\n`);
  console.log('| rule | findings | TP | DEBATABLE | FP | precision | TP + DEBATABLE |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const rows = [...s.perRule.entries()].sort((a, b) => b[1].tp + b[1].debatable + b[1].fp - (a[1].tp + a[1].debatable + a[1].fp));
  for (const [rule, t] of [...rows, ['**all rules**', s.overall] as const]) {
    const n = t.tp + t.debatable + t.fp;
    console.log(`| ${rule} | ${n} | ${t.tp} | ${t.debatable} | ${t.fp} | ${pct(t.tp, n)} | ${pct(t.tp + t.debatable, n)} |`);
  }
  console.log(`\nMisses recorded by category: ${[...s.misses.entries()].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
