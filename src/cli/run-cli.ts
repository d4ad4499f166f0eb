import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ArchReviewError, InputError } from '../errors.js';
import { SEVERITIES, atLeast, type Severity } from '../review/finding.js';
import type { PullRequestSource, ReviewResult, ReviewTarget } from '../review/ports.js';
import { createRuleWorkerPool, ruleWorkersFromEnv } from '../workers/rule-worker-pool.js';
import { reviewPullRequest } from '../review/review-pull-request.js';
import { ALL_RULES } from '../rules/registry.js';
import { createReviewer } from './create-reviewer.js';
import { DiffFileSource } from './diff-file-source.js';
import { formatJson } from './format-json.js';
import { formatMarkdown } from './format-markdown.js';
import { formatSarif } from './format-sarif.js';
import { formatText } from './format-text.js';
import { loadCliConfig } from './load-cli-config.js';
import { LocalGitSource } from './local-git-source.js';
import { readPackageInfo } from './package-info.js';
import { allFindings } from './summarize-result.js';
import { DEFAULT_RULE_TEST_DIR, rulesTest, type RulesTestOptions } from './rules-test-command.js';
import { createLocalRuleFileReader } from './local-rule-file-reader.js';
import { loadRepositoryRules, withoutCustomRuleIdWarnings } from '../rules/custom/load-repository-rules.js';
import { formatProblem } from '../rules/custom/load-custom-rules.js';
import type { Rule } from '../rules/types.js';
import { createStderrLogger, type TextSink } from './stderr-logger.js';
import { CHECK_FORMATS, runCheck, type CheckOptions } from './check-command.js';

/** Output formats of `arch-review review`. */
export const FORMATS = ['text', 'json', 'markdown', 'sarif'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Exit codes: 0 done, 1 a finding reached `--fail-on`, 2 the review could not run (usage, input, config), or a custom rule file is broken. */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** Everything the CLI touches outside itself, so tests run it in-process. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: AsyncIterable<string | Uint8Array> & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

interface ReviewOptions {
  base?: string;
  head?: string;
  diff?: string;
  repoRoot?: string;
  baseRoot?: string;
  format: OutputFormat;
  config?: string;
  failOn?: Severity;
  agent: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and returns the exit code.
 * The review goes to `io.stdout`; logs, progress and errors to `io.stderr`.
 *
 * @example
 * const code = await runCli(['review', '--format', 'json'], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const pkg = readPackageInfo();
  let code: number = EXIT.ok;
  const program = new Command('arch-review')
    .description('Review a change like a senior backend-integration architect.')
    .version(pkg.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .showHelpAfterError('(run `arch-review review --help` for usage)');

  program
    .command('review', { isDefault: true })
    .description(
      'Review the working tree against the merge base with the default branch (or --base/--head, or a diff from --diff). ' +
        'Exit codes: 0 done, 1 a finding at or above --fail-on, 2 usage or input error, or a broken custom rule file (the review of the other rules is still printed).',
    )
    .option('--base <ref>', 'the branch the change goes into (default: origin/HEAD, else main, else master)')
    .option('--head <ref>', 'review base...head and read files at this ref (default: the working tree)')
    .addOption(new Option('--diff <file>', 'review a unified diff from a file, or - for stdin; files are read from --repo-root').conflicts(['base', 'head']))
    .option('--repo-root <dir>', 'the repository (or, with --diff, the folder holding the head files; default: the current folder)')
    .addOption(
      new Option('--base-root <dir>', 'with --diff: the folder holding the base files (before the change), so problems the change did not introduce are not reported as new').conflicts(['base', 'head']),
    )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--config <file>', 'configuration file (default: .github/arch-review.yml in the repository root, if present)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES))
    .option('--no-agent', 'rules only, even when ANTHROPIC_API_KEY is set')
    .addOption(new Option('-v, --verbose', 'debug logs on stderr').conflicts('quiet'))
    .option('-q, --quiet', 'only errors on stderr')
    .action(async (opts: ReviewOptions) => {
      code = await review(opts, io, pkg);
    });

  program
    .command('rules')
    .description('Work with the repository’s own ast-grep rules (custom_rules).')
    .command('test')
    .description(
      'Run the ast-grep-style tests of the repository’s rules: each YAML file under --dir holds `id`, `valid` and `invalid` snippets. ' +
        'Exit codes: 0 every test passed, 1 a test failed, 2 a rule or test file is broken, a test names no rule, or there is no test.',
    )
    .option('--dir <dir...>', `folders of rule tests (default: ${DEFAULT_RULE_TEST_DIR})`)
    .option('--repo-root <dir>', 'the repository (default: the current folder)')
    .option('--config <file>', 'configuration file (default: .github/arch-review.yml in the repository root, if present)')
    .action(async (opts: RulesTestOptions) => {
      code = await rulesTest(opts, io);
    });

  program
    .command('check')
    .description(
      'Judge the whole repository against the boundaries declared under `architecture:` in .github/arch-review.yml (layers, forbid rules). ' +
        'Exit codes: 0 no violation, 1 violations, 2 configuration or usage error.',
    )
    .option('--ref <rev>', 'check this commit (read through git) instead of the working tree; its own configuration applies unless --config')
    .option('--repo-root <dir>', 'the repository (default: the current folder)')
    .addOption(new Option('--format <format>', 'output format').choices(CHECK_FORMATS).default('text'))
    .option('--config <file>', 'configuration file (default: .github/arch-review.yml in the repository root, if present)')
    .action(async (opts: CheckOptions) => {
      code = await runCheck(opts, io, pkg);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    if (err instanceof ArchReviewError) {
      io.stderr.write(`arch-review: error: ${err.message}\n`);
      return EXIT.error;
    }
    io.stderr.write(`arch-review: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.error;
  }
}

async function review(opts: ReviewOptions, io: CliIo, pkg: ReturnType<typeof readPackageInfo>): Promise<number> {
  const log = createStderrLogger(io.stderr, opts.verbose ? 'debug' : opts.quiet ? 'error' : 'info');
  const repoRoot = opts.repoRoot ? path.resolve(io.cwd, opts.repoRoot) : undefined;

  let source: PullRequestSource;
  let target: ReviewTarget;
  let root: string;
  if (opts.diff !== undefined) {
    const label = opts.diff === '-' ? 'stdin' : opts.diff;
    const text = opts.diff === '-' ? await readStdin(io.stdin) : await readDiffFile(path.resolve(io.cwd, opts.diff), opts.diff);
    assertLooksLikeDiff(text, label);
    root = repoRoot ?? io.cwd;
    const dir = await stat(root).catch(() => undefined);
    if (!dir?.isDirectory()) throw new InputError(`--repo-root ${opts.repoRoot}: not a directory`);
    const baseRoot = opts.baseRoot === undefined ? undefined : path.resolve(io.cwd, opts.baseRoot);
    if (baseRoot !== undefined && !(await stat(baseRoot).catch(() => undefined))?.isDirectory()) throw new InputError(`--base-root ${opts.baseRoot}: not a directory`);
    source = new DiffFileSource(text, root, baseRoot);
    // No commit to name: a fixed label keeps the output deterministic for the same diff.
    target = { repository: path.basename(path.resolve(root)), headSha: 'local-diff' };
    log.info({ diff: label, repoRoot: root, ...(baseRoot ? { baseRoot } : {}) }, 'reviewing a diff');
  } else {
    if (opts.baseRoot !== undefined) throw new InputError('--base-root goes with --diff; in a git repository the base versions come from the merge base');
    const git = await LocalGitSource.open({ cwd: repoRoot ?? io.cwd, ...(opts.base ? { base: opts.base } : {}), ...(opts.head ? { head: opts.head } : {}), log });
    source = git;
    target = git.target;
    root = git.root;
    log.info({ mergeBase: git.mergeBase.slice(0, 12), head: opts.head ?? 'working tree' }, 'reviewing local changes');
  }

  const loaded = await loadCliConfig(opts.config, root, io.cwd);
  if (loaded.file) log.debug({ file: loaded.file }, 'configuration loaded');

  // The repository's own ast-grep rules, from the same folder the head files are read from.
  const custom = await loadRepositoryRules(createLocalRuleFileReader(root), loaded.config);
  for (const p of custom.problems) io.stderr.write(`arch-review: error: custom rule file: ${formatProblem(p)} (that rule did not run)\n`);
  for (const w of [...withoutCustomRuleIdWarnings(loaded.warnings, custom.ids), ...custom.warnings]) log.warn(w);

  const reviewer = opts.agent ? createReviewer(io.env, { config: loaded.config, log }) : undefined;
  const ruleWorkers = ruleWorkersFromEnv(io.env);
  const pool = createRuleWorkerPool(ruleWorkers !== undefined ? { size: ruleWorkers } : {});
  let result;
  try {
    result = await reviewPullRequest({ source, config: loaded.config, target, log, ruleRunner: pool.run, ...(custom.rules.length > 0 ? { extraRules: custom.rules } : {}), ...(reviewer ? { reviewer } : {}) });
  } finally {
    await pool.close();
  }
  io.stdout.write(render(result, opts.format, pkg, [...ALL_RULES, ...custom.rules]));
  // A broken rule file is a configuration error: the review of the other rules is printed, and the exit says so.
  if (custom.problems.length > 0) return EXIT.error;

  if (opts.failOn) {
    const failing = allFindings(result).filter((f) => atLeast(f.severity, opts.failOn!));
    if (failing.length > 0) {
      log.info({ failOn: opts.failOn, findings: failing.length }, 'findings at or above --fail-on');
      return EXIT.findings;
    }
  }
  return EXIT.ok;
}

function render(result: ReviewResult, format: OutputFormat, pkg: ReturnType<typeof readPackageInfo>, rules: readonly Rule[] = ALL_RULES): string {
  switch (format) {
    case 'json':
      return formatJson(result);
    case 'markdown':
      return formatMarkdown(result);
    case 'sarif':
      return formatSarif(result, { version: pkg.version, informationUri: pkg.informationUri, rules });
    case 'text':
      return formatText(result);
  }
}

async function readDiffFile(abs: string, label: string): Promise<string> {
  try {
    return await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError(`cannot read diff file ${label}: ${why}`, { cause: err });
  }
}

async function readStdin(stdin: CliIo['stdin']): Promise<string> {
  if (stdin.isTTY) throw new InputError('--diff - reads a diff from stdin, but stdin is a terminal: pipe a diff in, e.g. `git diff main | arch-review review --diff -`');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Rejects input that is clearly not a diff (e.g. the wrong file), instead of reporting "no findings". */
function assertLooksLikeDiff(text: string, label: string): void {
  if (text.trim() === '') return;
  if (!/^(diff --git |--- |\+\+\+ |@@ )/m.test(text)) throw new InputError(`${label} does not look like a unified diff (expected \`git diff\` output)`);
}
