/**
 * The repository rules over whole trees: at one commit of each corpus repository (its newest corpus commit),
 * every line of every runtime file counts as added, so every place the rules would speak on is listed, to
 * be judged as if a change had added it. The corpus commits alone give the repository rules few chances
 * (a change rarely adds a direct vendor call); this shows what their detection says about real code.
 * `new-integration-without-resilience` needs a base to compare with, so it is measured on the commits only.
 *
 *   npx tsx bench/quality/realworld/model-findings-tree.ts --repos /work/q [--only owner/name]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repositoryFindings } from '../../../src/integration/model-findings.js';
import type { SourceFile } from '../../../src/integration/types.js';
import { ruleLanguageOfPath } from '../../../src/review/differential.js';
import { isOutsideRuntime } from '../../../src/rules/file-role.js';
import { RepositoryModelReader } from './repository-model.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const TREE_RULES = new Set(['adapter-bypass', 'vendor-sdk-outside-adapter', 'vendor-type-crosses-adapter', 'duplicate-retry-for-wrapped-service']);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repos: { type: 'string' }, only: { type: 'string' } } });
  if (!values.repos) throw new Error('--repos <dir> is required');
  for (const file of readdirSync(join(ROOT, 'corpus')).filter((f) => f.endsWith('.json')).sort()) {
    const corpus = JSON.parse(readFileSync(join(ROOT, 'corpus', file), 'utf8')) as { repository: string; commits: { sha: string }[] };
    if (values.only && corpus.repository !== values.only) continue;
    const dir = join(values.repos, file.replace(/\.json$/, ''));
    if (!existsSync(dir)) continue;
    const sha = corpus.commits[0]!.sha;
    const model = await new RepositoryModelReader(dir).modelAt(sha);
    // The changed files: every runtime file holding a point (read for imports and signatures).
    const paths = new Set(model.points.map((p) => p.path));
    const files = new Map<string, SourceFile>();
    const added = new Map<string, Set<number>>();
    const listing = execFileSync('git', ['-C', dir, 'ls-tree', '-r', '--name-only', sha], { maxBuffer: 1 << 30 }).toString().split('\n');
    for (const path of listing) {
      const language = ruleLanguageOfPath(path);
      if (!language || /(^|\/)(node_modules|dist|vendor)\//.test(path)) continue;
      // Files with integration points (a vendor import without a call is left out: cheap enough to read).
      if (!paths.has(path)) continue;
      files.set(path, { path, language, source: execFileSync('git', ['-C', dir, 'show', `${sha}:${path}`], { maxBuffer: 1 << 28 }).toString() });
      const f = files.get(path)!;
      if (isOutsideRuntime(path, f.source)) {
        files.delete(path);
        continue;
      }
      added.set(path, new Set(f.source.split('\n').map((_, i) => i + 1)));
    }
    const findings = repositoryFindings({ model, added, files, ruleIds: TREE_RULES });
    console.log(`${corpus.repository} @ ${sha.slice(0, 10)}: ${model.adapters.length} adapters, ${findings.length} findings`);
    for (const a of model.adapters) console.log(`  adapter ${a.service} = ${a.module} (${Math.round(a.share * 100)} %, ${a.importedBy.length} importers)`);
    for (const f of findings) console.log(`  ${f.ruleId} ${f.path}:${f.line} ${f.title}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(2);
});
