/**
 * The five repository rules on a second real-world corpus chosen for them (`corpus-repository/`): repositories
 * with vendor adapters and code beside them, and commits that add vendor SDK imports or direct HTTP calls.
 * Only repository-rule findings are recorded and judged here (the per-file rules are measured on `corpus/`).
 *
 *   npx tsx bench/quality/realworld/repository-rules.ts --repos /work/q2 [--only owner/name] [--tree] [--commits] [--commit sha] [--out file]
 *
 * `--tree`: the product's model (`readLocalSnapshot` → `baseModelData` → `mergeFileModels`, as `arch-review
 * review` builds it, with a budget large enough for the whole tree) at the corpus's `snapshotHead`, and the
 * four rules that need no base over every runtime file that makes a call or imports a vendor SDK, every line
 * counted as added (as `model-findings-tree.ts`). `--commits`: every corpus commit reviewed as
 * `arch-review review --base parent --head sha --no-agent` does (`reviewCommit` of `rerun.ts`: the CLI's
 * snapshot reader with the default budget). Both by default. Results go to `results-repository.json`
 * (repositories not run keep their earlier results); verdicts come from `judgements-repository/`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readLocalSnapshot } from '../../../src/cli/local-snapshot.js';
import { mergeFileModels } from '../../../src/integration/build-model.js';
import { isNamedService, repositoryFindings } from '../../../src/integration/model-findings.js';
import { scanImportSpecifiers } from '../../../src/integration/module-graph.js';
import { baseModelData } from '../../../src/integration/repository-model.js';
import type { SourceFile } from '../../../src/integration/types.js';
import { vendorOfModule } from '../../../src/rules/coupling/vendor-sdks.js';
import { REPOSITORY_RULE_IDS } from '../../../src/rules/families/repository.js';
import { isOutsideRuntime } from '../../../src/rules/file-role.js';
import { LocalGitSource } from '../../../src/cli/local-git-source.js';
import { ConfigSchema } from '../../../src/config/schema.js';
import type { Finding } from '../../../src/review/finding.js';
import { silentLogger } from '../../../src/review/ports.js';
import { reviewPullRequest } from '../../../src/review/review-pull-request.js';
import { keyOf, ResultFinding } from './rerun.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const TREE_RULES = new Set(['adapter-bypass', 'vendor-sdk-outside-adapter', 'vendor-type-crosses-adapter', 'duplicate-retry-for-wrapped-service']);

const Corpus = z.object({
  repository: z.string(),
  snapshotHead: z.string(),
  commits: z.array(z.object({ sha: z.string(), parent: z.string() })),
});
const Verdict = z.enum(['TP', 'DEBATABLE', 'FP']);
const Judged = z.object({ sha: z.string(), ruleId: z.string(), path: z.string(), line: z.number(), verdict: Verdict, reason: z.string() });
const Judgements = z.object({ repository: z.string(), toolCommit: z.string().optional(), findings: z.array(Judged) });

/** A repository-rule finding: a corpus finding (`ResultFinding` of `rerun.ts`) with how it was found and what it said. */
const Found = ResultFinding.extend({
  /** `tree`: the whole tree at `sha`, every line counted as added; `commit`: the review of the commit `sha`. */
  mode: z.enum(['tree', 'commit']),
  title: z.string(),
  confidence: z.number(),
});
type Found = z.infer<typeof Found>;
const Results = z.object({ findings: z.array(Found) });

/** The whole tree at `sha`: the four rules that need no base, over every runtime file that calls out or imports a vendor SDK. */
async function treeFindings(dir: string, repository: string, sha: string): Promise<Found[]> {
  const snapshot = await readLocalSnapshot({ root: dir, ref: sha, budget: { maxFiles: 100_000, maxBytes: 1 << 30, timeoutMs: 600_000 }, changedPaths: [] });
  const data = baseModelData(snapshot);
  const model = mergeFileModels(data.files);
  const byPath = new Map(data.files.map((f) => [f.path, f]));
  const files = new Map<string, SourceFile>();
  const added = new Map<string, Set<number>>();
  for (const f of snapshot.files) {
    const m = byPath.get(f.path);
    const specifiers = f.language === 'python' ? [...f.source.matchAll(/^\s*(?:from|import)\s+([\w.]+)/gm)].map((x) => x[1]!) : scanImportSpecifiers(f.source, f.language);
    const vendor = specifiers.some((s) => vendorOfModule(f.language, s) !== undefined);
    if (!m || (m.points.length === 0 && !vendor) || isOutsideRuntime(f.path, f.source)) continue;
    files.set(f.path, f);
    added.set(f.path, new Set(f.source.split('\n').map((_, i) => i + 1)));
  }
  const found = repositoryFindings({ model, added, files, ruleIds: TREE_RULES });
  console.log(`${repository} @ ${sha.slice(0, 10)} (tree): ${snapshot.files.length} files, ${model.adapters.length} adapters, ${found.length} findings${snapshot.truncated ? ' (cut!)' : ''}`);
  // The adapters of services the repository rules judge (vendors, hosts, brokers): where a finding can come from.
  const named = new Set(model.points.filter(isNamedService).map((p) => p.service));
  for (const a of model.adapters) if (named.has(a.service)) console.log(`  adapter ${a.service} = ${a.module} (${Math.round(a.share * 100)} %, ${a.importedBy.length} importers)`);
  // As a review places them: under `min_confidence` a finding is demoted (listed collapsed, never posted).
  const min = ConfigSchema.parse({}).min_confidence;
  return found.map((f) => {
    const confidence = f.confidence ?? 0;
    return { repository, mode: 'tree' as const, sha, ruleId: f.ruleId!, path: f.path, line: f.line, title: f.title, confidence, ...(confidence < min ? { placement: 'demoted' as const, demotion: 'low-confidence' } : { placement: 'inline' as const }) };
  });
}

/** One commit reviewed as `arch-review review --base parent --head sha --no-agent` does; its repository-rule findings. */
async function reviewRepositoryRules(checkout: string, repository: string, commit: { sha: string; parent: string }): Promise<Found[]> {
  const source = await LocalGitSource.open({ cwd: checkout, base: commit.parent, head: commit.sha, log: silentLogger });
  const config = ConfigSchema.parse({ agent: { enabled: false } });
  const result = await reviewPullRequest({ source, config, target: { repository, headSha: commit.sha, baseSha: commit.parent }, log: silentLogger });
  const out: Found[] = [];
  const add = (f: Finding, placement: Found['placement'], demotion?: string): void => {
    if (f.source !== 'rule' || !f.ruleId || !REPOSITORY_RULE_IDS.has(f.ruleId)) return;
    out.push({ repository, mode: 'commit', sha: commit.sha, ruleId: f.ruleId, path: f.path, line: f.line, title: f.title, confidence: f.confidence ?? 0, placement, ...(demotion ? { demotion } : {}) });
  };
  for (const f of result.inline) add(f, 'inline');
  for (const s of result.summaryOnly) add(s.finding, 'inline');
  for (const d of result.demoted ?? []) add(d.finding, 'demoted', d.reason);
  return out;
}

async function commitFindings(dir: string, repository: string, commits: ReadonlyArray<{ sha: string; parent: string }>): Promise<Found[]> {
  const out: Found[] = [];
  const started = Date.now();
  let failed = 0;
  for (const c of commits) {
    try {
      out.push(...(await reviewRepositoryRules(dir, repository, c)));
    } catch (err) {
      failed++;
      console.log(`  ${c.sha}: review failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  console.log(`${repository} (commits): ${commits.length} reviewed, ${failed} failed, ${out.length} repository-rule findings (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repos: { type: 'string' }, only: { type: 'string' }, tree: { type: 'boolean' }, commits: { type: 'boolean' }, out: { type: 'string' }, commit: { type: 'string' } } });
  if (!values.repos) throw new Error('--repos <dir> is required (one checkout per repository, named <owner>__<name>)');
  const both = !values.tree && !values.commits;
  const outFile = values.out ?? join(ROOT, 'results-repository.json');
  const previous = existsSync(outFile) ? Results.parse(JSON.parse(readFileSync(outFile, 'utf8'))).findings : [];
  const findings: Found[] = [];
  const ran = new Set<string>();
  for (const file of readdirSync(join(ROOT, 'corpus-repository')).filter((f) => f.endsWith('.json')).sort()) {
    const corpus = Corpus.parse(JSON.parse(readFileSync(join(ROOT, 'corpus-repository', file), 'utf8')));
    if (values.only && corpus.repository !== values.only) continue;
    const dir = join(values.repos, file.replace(/\.json$/, ''));
    if (!existsSync(dir)) {
      console.log(`${corpus.repository}: no checkout under ${values.repos}; skipped (earlier results kept)`);
      continue;
    }
    const judgementsFile = join(ROOT, 'judgements-repository', file);
    const judged = existsSync(judgementsFile) ? Judgements.parse(JSON.parse(readFileSync(judgementsFile, 'utf8'))).findings : [];
    const verdicts = new Map(judged.map((j) => [keyOf(j), j.verdict]));
    const mine: Found[] = [];
    if (both || values.tree) {
      ran.add(`${corpus.repository} tree`);
      mine.push(...(await treeFindings(dir, corpus.repository, corpus.snapshotHead)));
    }
    if (both || values.commits) {
      ran.add(`${corpus.repository} commit`);
      mine.push(...(await commitFindings(dir, corpus.repository, corpus.commits.filter((c) => !values.commit || c.sha.startsWith(values.commit)))));
    }
    const counts: Record<string, number> = { TP: 0, DEBATABLE: 0, FP: 0, unjudged: 0 };
    for (const f of mine) {
      const verdict = verdicts.get(keyOf(f));
      counts[verdict ?? 'unjudged']!++;
      console.log(`  ${f.mode} ${f.placement === 'demoted' ? `demoted(${f.demotion}) ` : ''}${verdict ?? 'UNJUDGED'} ${keyOf(f)} [${f.confidence.toFixed(2)}] ${f.title}`);
    }
    console.log(`  TP ${counts.TP}, DEBATABLE ${counts.DEBATABLE}, FP ${counts.FP}, unjudged ${counts.unjudged}`);
    findings.push(...mine);
  }
  const kept = previous.filter((f) => !ran.has(`${f.repository} ${f.mode}`));
  const all = [...kept, ...findings].sort((a, b) => a.repository.localeCompare(b.repository) || a.mode.localeCompare(b.mode) || keyOf(a).localeCompare(keyOf(b)));
  writeFileSync(outFile, `${JSON.stringify({ findings: all }, null, 2)}\n`);
  console.log(`wrote ${outFile} (${all.length} findings)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(2);
});
