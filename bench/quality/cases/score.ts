/**
 * The labelled corpus of realistic PRs (bench/quality/cases/<language>/<case>/): each case is the real
 * file(s) of a permissively licensed repository (`base/`) and a realistic change to them (`head/`), with the
 * problems planted in the change anchored to head line ranges and a category, or a clean change where a good
 * reviewer says nothing. This scorer reviews every case the way the CLI does (rules only, or with the agent:
 * `--agent`), and prints recall, precision and F1 per category and per language, and findings per clean PR.
 *
 *   npx tsx bench/quality/cases/score.ts [--only <language>] [--case <id>] [--json] [--verbose] [--agent] [--model]
 *
 * A case may carry neighbouring files in `repo/` (unchanged by the change: an adapter, the modules importing
 * it); the review then gets the repository model of `repo/` with `base/` and with `head/`, as the App does,
 * so the repository rules are measured too. `--model` gives every case that model (`repo/` or not).
 *
 * Scoring: a finding posted (inline, or listed in the summary because it is outside the diff or over the cap)
 * is a true positive when its lines overlap a planted problem's range (±2 lines) in the same file; one that
 * overlaps an `acceptable` range (a real problem the change did not plant) counts neither way; any other is a
 * false positive. A planted problem is found when a true positive overlaps it. Demoted findings (lower
 * confidence, already in the base, rejected by the agent) are not posted, so they do not count.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { z } from 'zod';
import { readWorkingFile } from '../../../src/cli/read-working-file.js';
import { ConfigSchema } from '../../../src/config/schema.js';
import { CATEGORIES, CategorySchema, type Category, type Finding } from '../../../src/review/finding.js';
import type { FileContent, PullRequestSource, RawDiff, Reviewer } from '../../../src/review/ports.js';
import { silentLogger } from '../../../src/review/ports.js';
import { reviewPullRequest } from '../../../src/review/review-pull-request.js';
import { buildIntegrationModel } from '../../../src/integration/build-model.js';
import type { IntegrationModel, SourceFile } from '../../../src/integration/types.js';
import { ruleLanguageOfPath } from '../../../src/review/differential.js';

const run = promisify(execFile);
export const CASES_ROOT = fileURLToPath(new URL('.', import.meta.url));
/** How far (in lines) a finding may sit from a planted range and still be about it. */
const SLACK = 2;

const Range = z.object({ path: z.string().min(1), startLine: z.number().int().positive(), endLine: z.number().int().positive() });
export const CaseSchema = z.object({
  id: z.string().regex(/^(ts|py|go|java)-[a-z0-9-]+$/),
  language: z.enum(['typescript', 'python', 'go', 'java']),
  title: z.string().min(1),
  description: z.string().default(''),
  source: z.object({ repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/), commit: z.string().regex(/^[0-9a-f]{40}$/), paths: z.array(z.string()).min(1), license: z.string().min(1), trimmed: z.boolean().optional() }),
  clean: z.boolean(),
  planted: z.array(Range.extend({ category: CategorySchema, problem: z.string().min(1), checklist: z.string().optional() })),
  acceptable: z.array(Range.extend({ note: z.string().min(1) })).default([]),
});
export type Case = z.infer<typeof CaseSchema> & { dir: string };

/** Every case under the corpus root (optionally one language), validated. A broken case.json is an error naming the file. */
export function loadCases(root = CASES_ROOT, only?: string): Case[] {
  const cases: Case[] = [];
  for (const lang of readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory()).sort()) {
    if (only && lang !== only) continue;
    for (const id of readdirSync(join(root, lang)).sort()) {
      const dir = join(root, lang, id);
      const file = join(dir, 'case.json');
      if (!statSync(dir).isDirectory() || !existsSync(file)) continue;
      const parsed = CaseSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${relative(root, file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (parsed.data.clean !== (parsed.data.planted.length === 0)) throw new Error(`${relative(root, file)}: a clean case has no planted problem, and a case with planted problems is not clean`);
      cases.push({ ...parsed.data, dir });
    }
  }
  return cases;
}

/** The files under a folder, as repo-relative paths. */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

/** A case as a pull request: the diff of base/ → head/ (by `git diff --no-index`, file by file), head and base contents. */
export class CaseSource implements PullRequestSource {
  constructor(private readonly dir: string) {}

  async loadDiff(): Promise<RawDiff> {
    const base = join(this.dir, 'base');
    const head = join(this.dir, 'head');
    const paths = [...new Set([...filesUnder(base), ...filesUnder(head)])].sort();
    const parts: string[] = [];
    for (const p of paths) {
      const from = existsSync(join(base, p)) ? `base/${p}` : '/dev/null';
      const to = existsSync(join(head, p)) ? `head/${p}` : '/dev/null';
      const { stdout } = await run('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', from, to], { cwd: this.dir, maxBuffer: 64 * 1024 * 1024 }).catch(
        (err: { code?: number; stdout?: string }) => (err.code === 1 && err.stdout !== undefined ? { stdout: err.stdout } : Promise.reject(err as Error)),
      );
      // git names the sides by the folders it compared: a/base/p, b/head/p. The PR's paths are p.
      parts.push(stdout.replace(/^(diff --git |--- |\+\+\+ )(.*)$/gm, (_m, lead: string, rest: string) => lead + rest.replace(/\b([ab])\/(base|head)\//g, '$1/')));
    }
    return { kind: 'unified', text: parts.join('') };
  }

  readFile(path: string, maxBytes: number): Promise<FileContent | undefined> {
    return readWorkingFile(join(this.dir, 'head'), path, maxBytes);
  }

  readBaseFile(path: string, maxBytes: number): Promise<FileContent | undefined> {
    return readWorkingFile(join(this.dir, 'base'), path, maxBytes);
  }
}

/** What one case scored. */
export interface CaseScore {
  id: string;
  language: Case['language'];
  clean: boolean;
  planted: Array<{ category: Category; found: boolean; problem: string; by: string[] }>;
  tp: number;
  fp: number;
  neutral: number;
  falsePositives: Array<{ ruleId: string; path: string; line: number; title: string }>;
  /** Every posted finding, by category and source, with how it scored (for per-category precision). */
  findings: Array<{ category: Category; source: Finding['source']; outcome: Outcome }>;
  /**
   * Rule findings the agent rejected (demoted `rejected-by-agent`), with how they would have scored: one on a
   * planted problem (`tp`) was a wrong rejection.
   */
  rejected: Array<{ ruleId: string; path: string; line: number; why: string; outcome: Outcome }>;
}

/** How a finding scores against a case: on a planted problem, on an acceptable range, or neither. */
export type Outcome = 'tp' | 'neutral' | 'fp';

const overlaps = (f: Pick<Finding, 'path' | 'line' | 'endLine'>, r: z.infer<typeof Range>) =>
  f.path === r.path && f.line <= r.endLine + SLACK && (f.endLine ?? f.line) >= r.startLine - SLACK;

/**
 * The repository models of a case: its neighbouring files (`repo/`, unchanged by the change: the adapter a
 * change bypasses, the modules that import it) with the base versions, and with the head versions. Undefined
 * for a case without `repo/` unless `always` (then the changed files alone make the repository).
 */
export function caseModels(c: Pick<Case, 'dir'>, always = false): { repositoryModel: IntegrationModel; baseRepositoryModel: IntegrationModel } | undefined {
  const repo = join(c.dir, 'repo');
  if (!existsSync(repo) && !always) return undefined;
  const read = (dir: string): SourceFile[] =>
    filesUnder(dir).flatMap((path) => {
      const language = ruleLanguageOfPath(path);
      return language ? [{ path, language, source: readFileSync(join(dir, path), 'utf8') }] : [];
    });
  const neighbours = read(repo);
  return { baseRepositoryModel: buildIntegrationModel([...neighbours, ...read(join(c.dir, 'base'))]), repositoryModel: buildIntegrationModel([...neighbours, ...read(join(c.dir, 'head'))]) };
}

/** Reviews one case and scores its posted findings against the planted problems. `model`: give every case a repository model. */
export async function scoreCase(c: Case, reviewer?: Reviewer, model = false): Promise<CaseScore> {
  const config = ConfigSchema.parse({ agent: { enabled: reviewer !== undefined } });
  const result = await reviewPullRequest({
    source: new CaseSource(c.dir),
    config,
    target: { repository: c.source.repository, headSha: 'head', baseSha: 'base', title: c.title, body: c.description },
    log: silentLogger,
    ...(reviewer ? { reviewer } : {}),
    ...caseModels(c, model),
  });
  const posted = [...result.inline, ...result.summaryOnly.map((s) => s.finding)];
  const score: CaseScore = { id: c.id, language: c.language, clean: c.clean, planted: [], tp: 0, fp: 0, neutral: 0, falsePositives: [], findings: [], rejected: [] };
  const outcome = (f: Finding): Outcome => (c.planted.some((p) => overlaps(f, p)) ? 'tp' : c.acceptable.some((a) => overlaps(f, a)) ? 'neutral' : 'fp');
  for (const p of c.planted) {
    const by = posted.filter((f) => overlaps(f, p)).map((f) => f.ruleId ?? 'agent');
    score.planted.push({ category: p.category, found: by.length > 0, problem: p.problem, by });
  }
  for (const f of posted) {
    const o = outcome(f);
    score.findings.push({ category: f.category, source: f.source, outcome: o });
    if (o === 'tp') score.tp++;
    else if (o === 'neutral') score.neutral++;
    else {
      score.fp++;
      score.falsePositives.push({ ruleId: f.ruleId ?? 'agent', path: f.path, line: f.line, title: f.title });
    }
  }
  for (const d of result.demoted ?? []) {
    if (d.reason === 'rejected-by-agent') score.rejected.push({ ruleId: d.finding.ruleId ?? 'agent', path: d.finding.path, line: d.finding.line, why: d.why, outcome: outcome(d.finding) });
  }
  return score;
}

/** Recall, precision and F1 of a group of cases. */
export interface Figures {
  planted: number;
  found: number;
  recall: number;
  tp: number;
  fp: number;
  precision: number;
  f1: number;
}

function figures(planted: number, found: number, tp: number, fp: number): Figures {
  const recall = planted === 0 ? 0 : found / planted;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const f1 = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  return { planted, found, recall, tp, fp, precision, f1 };
}

/** The corpus figures: overall, per category (recall by planted category; precision by the finding's case), per language, clean PRs. */
export function summarizeScores(scores: readonly CaseScore[]) {
  const all = (list: readonly CaseScore[]) =>
    figures(
      list.reduce((n, s) => n + s.planted.length, 0),
      list.reduce((n, s) => n + s.planted.filter((p) => p.found).length, 0),
      list.reduce((n, s) => n + s.tp, 0),
      list.reduce((n, s) => n + s.fp, 0),
    );
  const byCategory = Object.fromEntries(
    CATEGORIES.map((c) => {
      const planted = scores.flatMap((s) => s.planted.filter((p) => p.category === c));
      const found = planted.filter((p) => p.found).length;
      return [c, figures(planted.length, found, found, 0)];
    }),
  ) as Record<Category, Figures>;
  const languages = [...new Set(scores.map((s) => s.language))].sort();
  const byLanguage = Object.fromEntries(languages.map((l) => [l, all(scores.filter((s) => s.language === l))]));
  const clean = scores.filter((s) => s.clean);
  return {
    cases: scores.length,
    overall: all(scores),
    byCategory,
    byLanguage,
    cleanCases: clean.length,
    findingsPerCleanCase: clean.length === 0 ? 0 : clean.reduce((n, s) => n + s.fp + s.tp, 0) / clean.length,
  };
}

const pct = (x: number) => `${Math.round(100 * x)} %`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, case: { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean' }, agent: { type: 'boolean' }, model: { type: 'boolean' } } });
  let reviewer: Reviewer | undefined;
  if (values.agent) {
    const { agentOptionsFromEnv } = await import('../../../src/agent/agent-options-from-env.js');
    const { createAnthropicReviewer } = await import('../../../src/agent/anthropic-reviewer.js');
    const options = agentOptionsFromEnv(process.env, silentLogger);
    if (!options) throw new Error('--agent needs ANTHROPIC_API_KEY (or ARCH_REVIEW_PROVIDER and its variables)');
    reviewer = createAnthropicReviewer(options);
  }
  const cases = loadCases(CASES_ROOT, values.only).filter((c) => !values.case || c.id === values.case);
  const scores: CaseScore[] = [];
  for (const c of cases) scores.push(await scoreCase(c, reviewer, values.model));
  const s = summarizeScores(scores);
  if (values.json) {
    console.log(JSON.stringify({ summary: s, scores }, null, 2));
    return;
  }
  console.log(`Cases: ${s.cases} (${s.cleanCases} clean); mode: ${reviewer ? 'rules + agent' : 'rules only'}\n`);
  console.log('| category | planted | found | recall |');
  console.log('|---|---:|---:|---:|');
  for (const c of CATEGORIES) console.log(`| ${c} | ${s.byCategory[c].planted} | ${s.byCategory[c].found} | ${pct(s.byCategory[c].recall)} |`);
  console.log('\n| language | planted | found | recall | TP | FP | precision | F1 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [l, f] of [...Object.entries(s.byLanguage), ['**all**', s.overall] as const]) {
    console.log(`| ${l} | ${f.planted} | ${f.found} | ${pct(f.recall)} | ${f.tp} | ${f.fp} | ${pct(f.precision)} | ${f.f1.toFixed(2)} |`);
  }
  console.log(`\nFindings per clean PR: ${s.findingsPerCleanCase.toFixed(2)}`);
  if (values.verbose) {
    for (const sc of scores) {
      const missed = sc.planted.filter((p) => !p.found);
      if (missed.length === 0 && sc.falsePositives.length === 0) continue;
      console.log(`\n${sc.id}`);
      for (const m of missed) console.log(`  missed (${m.category}): ${m.problem}`);
      for (const f of sc.falsePositives) console.log(`  false positive: ${f.ruleId} ${f.path}:${f.line} ${f.title}`);
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
