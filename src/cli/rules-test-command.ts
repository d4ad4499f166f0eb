import path from 'node:path';
import { ALL_RULES } from '../rules/registry.js';
import { formatProblem, loadCustomRules } from '../rules/custom/load-custom-rules.js';
import { formatRuleTestReport, runRuleTests } from '../rules/custom/run-rule-tests.js';
import { repositoryFolder } from '../rules/custom/load-repository-rules.js';
import { loadCliConfig } from './load-cli-config.js';
import { createLocalRuleFileReader } from './local-rule-file-reader.js';
import type { TextSink } from './stderr-logger.js';

const inRepository = (dirs: readonly string[]): string[] => dirs.flatMap((d) => repositoryFolder(d) ?? []);

/** Where rule tests live unless `--dir` says: beside the default rule folder, as ast-grep's `rule-tests/`. */
export const DEFAULT_RULE_TEST_DIR = '.github/arch-review/rule-tests';

export interface RulesTestOptions {
  dir?: string[];
  repoRoot?: string;
  config?: string;
}

/**
 * `arch-review rules test`: loads the repository's rules (`custom_rules.rule_dirs`/`util_dirs` of its
 * configuration, every rule even one `rules:` turns off) and runs the ast-grep-style tests under `--dir`.
 * Returns the exit code: 0 every test passed, 1 a test failed, 2 a rule or test file is broken, a test
 * names no rule, or there is no test at all.
 */
export async function rulesTest(opts: RulesTestOptions, io: { stdout: TextSink; stderr: TextSink; cwd: string }): Promise<0 | 1 | 2> {
  const root = path.resolve(io.cwd, opts.repoRoot ?? '.');
  const { config } = await loadCliConfig(opts.config, root, io.cwd);
  const reader = createLocalRuleFileReader(root);
  const [ruleFiles, utilFiles, testFiles] = await Promise.all([
    reader.read(inRepository(config.custom_rules.rule_dirs)),
    reader.read(inRepository(config.custom_rules.util_dirs)),
    reader.read(opts.dir?.length ? opts.dir : [DEFAULT_RULE_TEST_DIR]),
  ]);
  const set = loadCustomRules({ ruleFiles: ruleFiles.files, utilFiles: utilFiles.files, defaultCategory: config.custom_rules.default_category, reservedIds: new Set(ALL_RULES.map((r) => r.id)) });
  const { results, problems } = runRuleTests(set.rules, testFiles.files);
  const broken = [...ruleFiles.problems, ...utilFiles.problems, ...set.problems, ...testFiles.problems, ...problems];
  for (const p of broken) io.stderr.write(`arch-review: error: ${formatProblem(p)}\n`);
  for (const w of set.warnings) io.stderr.write(`arch-review: warning: ${w}\n`);
  const untested = set.rules.filter((r) => !results.some((t) => t.id === r.id)).map((r) => r.id);
  if (untested.length > 0) io.stderr.write(`arch-review: warning: no tests for ${untested.map((id) => `\`${id}\``).join(', ')}\n`);
  if (results.length === 0) {
    io.stderr.write(`arch-review: error: no rule tests found under ${(opts.dir?.length ? opts.dir : [DEFAULT_RULE_TEST_DIR]).join(', ')}\n`);
    return 2;
  }
  io.stdout.write(formatRuleTestReport(results));
  if (broken.length > 0) return 2;
  return results.every((r) => r.passed) ? 0 : 1;
}
