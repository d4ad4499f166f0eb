import { z } from 'zod';
import { CATEGORIES, CategorySchema, SeveritySchema } from '../review/finding.js';
import { globProblem } from './glob.js';
import { ArchitectureSchema } from './architecture-schema.js';

/** Pull-request events that can start an automatic review. */
export const TRIGGERS = ['opened', 'reopened', 'ready_for_review', 'synchronize'] as const;

/** Default Claude model: the current Sonnet in the SDK's `Model` type (a test keeps it in that list). */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** A picomatch glob, checked strictly when the configuration is read (see `globProblem`). */
const Glob = z.string().superRefine((glob, ctx) => {
  const problem = globProblem(glob);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `invalid glob ${JSON.stringify(glob)}: ${problem}` });
});

/**
 * One rule's settings in `rules:`, the long form of `<id>: true|false`. Every key is optional: a key left out
 * keeps the rule's own behaviour.
 */
export const RuleOverrideSchema = z.object({
  enabled: z
    .boolean()
    .optional()
    .describe('`false` turns the rule off; `true` turns it on and posts it inline even when it is off or summary-only by default.'),
  severity: SeveritySchema.optional().describe('Severity of every finding of this rule, instead of its own.'),
  paths: z.array(Glob).optional().describe('Globs: the rule runs only on files matching one of them.'),
  exclude: z.array(Glob).optional().describe('Globs: the rule never runs on files matching one of them; wins over `paths`.'),
});
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;
/** A value of `rules:`: a boolean or the long form. */
export type RuleSetting = boolean | RuleOverride;
/** Where a repository keeps its own ast-grep rules unless `custom_rules.rule_dirs` says otherwise. */
export const DEFAULT_RULE_DIRS = ['.github/arch-review/rules'] as const;

const categoriesDefault = Object.fromEntries(CATEGORIES.map((c) => [c, true])) as Record<(typeof CATEGORIES)[number], boolean>;

/**
 * `.github/arch-review.yml`. Every key is optional; the defaults below apply.
 * Keys are snake_case, like GitHub's own YAML files. The README's configuration reference lists every key
 * (a test keeps them in step). Each `.describe()` text becomes the key's description in the editor schema
 * (`schema/arch-review.schema.json`, `npm run schema`).
 */
export const ConfigSchema = z.object({
  triggers: z.array(z.enum(TRIGGERS)).default([...TRIGGERS]).describe('Pull-request actions that start an automatic review.'),
  review_drafts: z.boolean().default(false).describe('Review draft pull requests too.'),
  ignore_bots: z.boolean().default(true).describe('Skip pull requests opened by any bot account (`type: Bot` or a `[bot]` login).'),
  ignore_authors: z.array(z.string()).default([]).describe('Logins whose pull requests are never reviewed automatically.'),
  skip_labels: z.array(z.string()).default(['no-arch-review']).describe('A pull request carrying any of these labels is not reviewed automatically.'),
  categories: z
    .partialRecord(CategorySchema, z.boolean())
    .default(categoriesDefault)
    .describe('Turn categories on or off, e.g. `performance: false`; a category not named stays on.'),
  min_severity: SeveritySchema.default('low').describe('Findings below this severity are dropped.'),
  min_confidence: z
    .number()
    .min(0)
    .max(1)
    .default(0.7)
    .describe(
      'Rule findings below this confidence (0-1; each rule starts at its measured precision on real code) are listed, collapsed, in the summary’s lower-confidence list instead of inline.',
    ),
  max_inline_comments: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(25)
    .describe('At most this many inline comments (most severe first); the rest are listed in the summary.'),
  paths: z
    .object({
      include: z
        .array(Glob)
        .default([])
        .describe('Globs of files always reviewed, overriding the path and language verdicts (not deleted, binary or too-large files).'),
      exclude: z.array(Glob).default([]).describe('Globs of files never reviewed; wins over `paths.include`.'),
    })
    .default({ include: [], exclude: [] })
    .describe('Which files are reviewed. Globs use picomatch syntax; a glob without `/` matches the file name in any folder.'),
  path_instructions: z
    .array(
      z.object({
        path: Glob.describe('Glob of the files the instructions apply to.'),
        instructions: z.string().min(1).describe('What the reviewer should pay attention to there, in plain words.'),
      }),
    )
    .default([])
    .describe('Extra guidance for the agent reviewer for files matching a glob.'),
  rules: z
    .record(z.string(), z.union([z.boolean(), RuleOverrideSchema]))
    .default({})
    .describe(
      'Per-rule settings by id: `false` turns a rule off, `true` turns it on (inline), or a group of `enabled`, `severity`, `paths` and `exclude`, e.g. `sql-string-building: false`; an unknown id is a warning.',
    ),
  max_file_bytes: z.number().int().positive().default(512 * 1024).describe('Files larger than this (bytes, head version) are skipped as too large.'),
  agent: z
    .object({
      enabled: z.boolean().default(true).describe('Use the Claude reviewer when an API key is configured; `false` gives rules-only reviews.'),
      model: z.string().min(1).default(DEFAULT_MODEL).describe('Claude model id.'),
      max_tokens_per_review: z.number().int().positive().default(150_000).describe('Token budget for one review (input + output, all requests).'),
      min_confidence: z.number().min(0).max(1).default(0.6).describe('Agent findings below this confidence (0-1) are dropped.'),
    })
    .default({ enabled: true, model: DEFAULT_MODEL, max_tokens_per_review: 150_000, min_confidence: 0.6 })
    .describe('The Claude reviewer.'),
  integration_map: z
    .object({
      enabled: z.boolean().default(true).describe('Show the integration map (services the changed modules reach, with their timeout/retry/breaker facts) in reviews that touch integration code.'),
      max_services: z.number().int().min(1).max(50).default(12).describe('At most this many services are drawn; the rest are counted.'),
      snapshot: z
        .object({
          enabled: z.boolean().default(true).describe('Read the repository at the base commit (one tarball request per base commit, cached) so the review knows the whole repository\'s integrations and adapters, not only the changed files.'),
          max_files: z.number().int().min(1).max(100_000).default(5000).describe('At most this many source files are read; over it, only the packages the change touches and what they import are.'),
          max_bytes: z.number().int().min(1024).default(50 * 1024 * 1024).describe('At most this many bytes of kept source are read (default 50 MB); over it, the snapshot is cut like over `max_files`.'),
          timeout_seconds: z.number().int().min(1).max(300).default(20).describe('Reading the snapshot stops after this many seconds; the review goes on with what was read.'),
        })
        .default({ enabled: true, max_files: 5000, max_bytes: 50 * 1024 * 1024, timeout_seconds: 20 })
        .describe('The repository snapshot at the base commit behind the repository model.'),
    })
    .default({ enabled: true, max_services: 12, snapshot: { enabled: true, max_files: 5000, max_bytes: 50 * 1024 * 1024, timeout_seconds: 20 } })
    .describe('The integration map of the change in the review summary.'),
  architecture: ArchitectureSchema.optional().describe(
    'Declared architecture boundaries: named modules (globs), their layer order and `forbid` rules (from → to, including vendor SDKs), judged on the imports every pull request adds and on the whole repository by `arch-review check` (see “Declared architecture boundaries” in the README).',
  ),
  check_run: z
    .object({
      enabled: z.boolean().default(true).describe('Create the `arch-review` check run on the head commit.'),
      conclusion: z
        .enum(['neutral', 'failure'])
        .default('neutral')
        .describe('`neutral` always, or `failure` while a finding at or above `fail_on` is still present at the head commit.'),
      fail_on: SeveritySchema.default('high').describe('With `conclusion: failure`, the severity that fails the check.'),
    })
    .default({ enabled: true, conclusion: 'neutral', fail_on: 'high' })
    .describe('The `arch-review` check run.'),
  custom_rules: z
    .object({
      enabled: z.boolean().default(true).describe('Run the repository’s own ast-grep rules (read from the default branch, like this file).'),
      rule_dirs: z
        .array(z.string().min(1))
        .default([...DEFAULT_RULE_DIRS])
        .describe('Folders (from the repository root) whose `*.yml`/`*.yaml` files are ast-grep rules, as in `sgconfig.yml`’s `ruleDirs`; searched recursively.'),
      util_dirs: z
        .array(z.string().min(1))
        .default([])
        .describe('Folders of global utility rules (files with `id` and `rule`), referenced from rules with `matches: <id>`, as in `sgconfig.yml`’s `utilDirs`.'),
      default_category: CategorySchema.default('coupling').describe('Category of a custom rule whose file sets no `metadata.category`.'),
    })
    .default({ enabled: true, rule_dirs: [...DEFAULT_RULE_DIRS], util_dirs: [], default_category: 'coupling' })
    .describe('Your own structural rules in ast-grep’s YAML format (see “Your own rules” in the README).'),
  learning: z
    .object({
      enabled: z
        .boolean()
        .default(true)
        .describe('Learn from feedback on posted findings: a dismissed finding (👎, thread resolved without a change, a reply saying it is wrong) is never posted again.'),
      dismissals_to_summary: z
        .number()
        .int()
        .min(0)
        .default(3)
        .describe('A rule with this many dismissed findings in the repository (per pull request without Redis) goes summary-only there; 0 never.'),
    })
    .default({ enabled: true, dismissals_to_summary: 3 })
    .describe('Learning from feedback; `/arch-review learnings` shows what was learned, `/arch-review forget <rule-id>` undoes it.'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** The configuration used when a repository has no `.github/arch-review.yml`. */
export const defaultConfig = (): Config => ConfigSchema.parse({});
