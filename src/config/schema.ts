import { z } from 'zod';
import { CATEGORIES, CategorySchema, SeveritySchema } from '../review/finding.js';
import { globProblem } from './glob.js';

/** Pull-request events that can start an automatic review. */
export const TRIGGERS = ['opened', 'reopened', 'ready_for_review', 'synchronize'] as const;

/** Default Claude model: the current Sonnet in the SDK's `Model` type (a test keeps it in that list). */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** A picomatch glob, checked strictly when the configuration is read (see `globProblem`). */
const Glob = z.string().superRefine((glob, ctx) => {
  const problem = globProblem(glob);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `invalid glob ${JSON.stringify(glob)}: ${problem}` });
});

const categoriesDefault = Object.fromEntries(CATEGORIES.map((c) => [c, true])) as Record<(typeof CATEGORIES)[number], boolean>;

/**
 * `.github/arch-review.yml`. Every key is optional; the defaults below apply.
 * Keys are snake_case, like GitHub's own YAML files. The README's configuration reference lists every key
 * (a test keeps them in step).
 */
export const ConfigSchema = z.object({
  /** Pull-request actions that start an automatic review. */
  triggers: z.array(z.enum(TRIGGERS)).default([...TRIGGERS]),
  /** Review draft pull requests too. */
  review_drafts: z.boolean().default(false),
  /** Skip pull requests opened by any bot account (`type: Bot` or a `[bot]` login). */
  ignore_bots: z.boolean().default(true),
  /** Logins whose pull requests are never reviewed automatically. */
  ignore_authors: z.array(z.string()).default([]),
  /** A pull request carrying any of these labels is not reviewed automatically. */
  skip_labels: z.array(z.string()).default(['no-arch-review']),
  /** Turn categories on or off; a category not named stays on. */
  categories: z.partialRecord(CategorySchema, z.boolean()).default(categoriesDefault),
  /** Findings below this severity are dropped. */
  min_severity: SeveritySchema.default('low'),
  /** At most this many inline comments; the rest are listed in the summary. */
  max_inline_comments: z.number().int().min(0).max(100).default(25),
  paths: z
    .object({
      /** Globs of files always reviewed, overriding the path and language verdicts (not deleted, binary or too-large files). */
      include: z.array(Glob).default([]),
      /** Globs of files never reviewed. */
      exclude: z.array(Glob).default([]),
    })
    .default({ include: [], exclude: [] }),
  /** Extra guidance for the agent reviewer for files matching a glob. */
  path_instructions: z.array(z.object({ path: Glob, instructions: z.string().min(1) })).default([]),
  /** Turn rules on or off by id, e.g. `{ sql-string-building: false }`. */
  rules: z.record(z.string(), z.boolean()).default({}),
  /** Files larger than this (bytes, head version) are skipped as too large. */
  max_file_bytes: z.number().int().positive().default(512 * 1024),
  agent: z
    .object({
      /** Use the Claude reviewer when an API key is configured. */
      enabled: z.boolean().default(true),
      /** Claude model id. */
      model: z.string().min(1).default(DEFAULT_MODEL),
      /** Token budget for one review (input + output, all requests). */
      max_tokens_per_review: z.number().int().positive().default(150_000),
      /** Agent findings below this confidence (0-1) are dropped. */
      min_confidence: z.number().min(0).max(1).default(0.6),
    })
    .default({ enabled: true, model: DEFAULT_MODEL, max_tokens_per_review: 150_000, min_confidence: 0.6 }),
  check_run: z
    .object({
      /** Create the `arch-review` check run on the head commit. */
      enabled: z.boolean().default(true),
      /** `neutral` always, or `failure` when a finding reaches `fail_on`. */
      conclusion: z.enum(['neutral', 'failure']).default('neutral'),
      /** With `conclusion: failure`, the severity that fails the check. */
      fail_on: SeveritySchema.default('high'),
    })
    .default({ enabled: true, conclusion: 'neutral', fail_on: 'high' }),
});

export type Config = z.infer<typeof ConfigSchema>;

/** The configuration used when a repository has no `.github/arch-review.yml`. */
export const defaultConfig = (): Config => ConfigSchema.parse({});
