/**
 * `npm run bench:quality`: the figures of the real-world corpus (bench/quality/realworld/), read from
 * the committed corpus and judgement files: per-rule and overall precision (TP / judged, and TP +
 * DEBATABLE / judged), findings per 1,000 changed lines, the share of commits with a finding, and the
 * misses recorded per category. First the baseline (every judged finding: what the tool said when the
 * corpus was judged), then — from `results.json`, written by `rerun.ts` — what the current rules post
 * inline, judged by the same file (a finding nobody judged yet is counted apart, never as right), and what
 * they demote to the summary's collapsed list. It reads files only; re-running needs the repositories.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  findings: z.array(z.object({ sha: z.string(), ruleId: z.string(), verdict: z.enum(['TP', 'DEBATABLE', 'FP']), judgedBy: z.string().optional() })),
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
    // The baseline is what the tool said when the corpus was judged; findings judged since (`judgedBy`) are
    // new findings of reworked rules, counted under the current figures.
    for (const f of j.findings.filter((x) => x.judgedBy === undefined)) {
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

const ResultsFile = z.object({
  findings: z.array(z.object({ repository: z.string(), sha: z.string(), ruleId: z.string(), path: z.string(), line: z.number(), placement: z.enum(['inline', 'demoted']), demotion: z.string().optional() })),
});
const JudgedKeyed = z.object({
  repository: z.string(),
  findings: z.array(z.object({ sha: z.string(), ruleId: z.string(), path: z.string(), line: z.number(), verdict: z.enum(['TP', 'DEBATABLE', 'FP']) })),
});

/** Tallies of the current rules (from results.json) against the judgements, per rule and overall. */
interface CurrentTally extends Tally {
  unjudged: number;
  demoted: number;
}

/** How many of the newest commits of each repository count as "recent". */
export const RECENT_PER_REPOSITORY = 20;

/**
 * The current figures: the findings of `results.json` placed inline, judged by the judgement files; the
 * demoted ones counted per rule; commits with a true finding, overall and among the most recent.
 * `resultsFile`: `results-model.json` for the reviews with the repository model (`rerun.ts --model`).
 */
export function summarizeCurrent(resultsFile = 'results.json') {
  const file = join(ROOT, resultsFile);
  if (!existsSync(file)) return undefined;
  const results = ResultsFile.parse(JSON.parse(readFileSync(file, 'utf8'))).findings;
  const verdicts = new Map<string, 'TP' | 'DEBATABLE' | 'FP'>();
  for (const j of read('judgements', JudgedKeyed)) for (const f of j.findings) verdicts.set(`${j.repository} ${f.sha} ${f.ruleId} ${f.path}:${f.line}`, f.verdict);
  const corpora = read('corpus', z.object({ repository: z.string(), commits: z.array(z.object({ sha: z.string() })) }));
  const recent = new Set(corpora.flatMap((c) => c.commits.slice(0, RECENT_PER_REPOSITORY).map((x) => `${c.repository}@${x.sha}`)));
  const perRule = new Map<string, CurrentTally>();
  const overall: CurrentTally = { tp: 0, debatable: 0, fp: 0, unjudged: 0, demoted: 0 };
  const withFinding = new Set<string>();
  const withTrue = new Set<string>();
  for (const f of results) {
    const t = perRule.get(f.ruleId) ?? { tp: 0, debatable: 0, fp: 0, unjudged: 0, demoted: 0 };
    perRule.set(f.ruleId, t);
    const verdict = verdicts.get(`${f.repository} ${f.sha} ${f.ruleId} ${f.path}:${f.line}`);
    for (const tally of [t, overall]) {
      if (f.placement === 'demoted') tally.demoted++;
      else if (verdict === 'TP') tally.tp++;
      else if (verdict === 'DEBATABLE') tally.debatable++;
      else if (verdict === 'FP') tally.fp++;
      else tally.unjudged++;
    }
    if (f.placement === 'inline') withFinding.add(`${f.repository}@${f.sha}`);
    if (f.placement === 'inline' && verdict === 'TP') withTrue.add(`${f.repository}@${f.sha}`);
  }
  const recentWithTrue = [...withTrue].filter((c) => recent.has(c)).length;
  return { perRule, overall, commitsWithFinding: withFinding.size, commitsWithTrue: withTrue.size, recentCommits: recent.size, recentWithTrue };
}

function main(): void {
  const s = summarize();
  console.log('## Baseline: the rules when the corpus was judged\n');
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

  // `--model`: the reviews with the repository model (results-model.json, from `rerun.ts --model`).
  const resultsFile = process.argv.includes('--model') ? 'results-model.json' : 'results.json';
  const now = summarizeCurrent(resultsFile);
  if (!now) return;
  console.log(`\n## Current rules (${resultsFile}): inline findings, judged\n`);
  const inlineTotal = now.overall.tp + now.overall.debatable + now.overall.fp + now.overall.unjudged;
  console.log(`Commits with an inline finding: ${now.commitsWithFinding} (${pct(now.commitsWithFinding, s.commits)}); with a true one: ${now.commitsWithTrue} (${pct(now.commitsWithTrue, s.commits)})`);
  console.log(`Most recent ${RECENT_PER_REPOSITORY} commits of each repository: ${now.recentWithTrue} of ${now.recentCommits} with a true finding (${pct(now.recentWithTrue, now.recentCommits)})`);
  console.log(`Inline findings: ${inlineTotal} (${((1000 * inlineTotal) / Math.max(1, s.changedLines)).toFixed(2)} per 1,000 changed lines); demoted to the summary: ${now.overall.demoted}\n`);
  console.log('| rule | inline | TP | DEBATABLE | FP | unjudged | precision | TP + DEBATABLE | demoted |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const size = (t: CurrentTally) => t.tp + t.debatable + t.fp + t.unjudged;
  const nowRows = [...now.perRule.entries()].sort((a, b) => size(b[1]) - size(a[1]) || b[1].demoted - a[1].demoted);
  for (const [rule, t] of [...nowRows, ['**all rules**', now.overall] as const]) {
    const judged = t.tp + t.debatable + t.fp;
    console.log(`| ${rule} | ${size(t)} | ${t.tp} | ${t.debatable} | ${t.fp} | ${t.unjudged} | ${pct(t.tp, judged)} | ${pct(t.tp + t.debatable, judged)} | ${t.demoted} |`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
