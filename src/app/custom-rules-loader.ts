import type { Config } from '../config/schema.js';
import { createGitHubRuleFileReader, createRuleFileCache, type RuleFileCache } from '../github/github-rule-file-reader.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import type { Metrics } from '../metrics.js';
import type { Logger } from '../review/ports.js';
import type { CustomRuleSet } from '../rules/custom/load-custom-rules.js';
import { formatProblem } from '../rules/custom/load-custom-rules.js';
import { loadRepositoryRules } from '../rules/custom/load-repository-rules.js';

/** Loads a repository's own ast-grep rules for one review (see `custom_rules`). */
export type CustomRulesLoader = (octokit: GitHubClient, ref: Pick<PullRequestRef, 'owner' | 'repo'>, config: Config, log: Logger) => Promise<CustomRuleSet>;

export interface CustomRulesLoaderOptions {
  /** Shared by every review of the process; default: a new one. */
  cache?: RuleFileCache;
  metrics?: Pick<Metrics, 'customRuleErrors'>;
}

/**
 * The worker's loader of custom rules: the repository's rule folders at its default branch through the
 * contents API, file texts cached by blob SHA across reviews, problems counted in
 * `custom_rule_errors_total` and logged with their file and line (never the file's text).
 *
 * @example
 * const customRules = createCustomRulesLoader({ metrics }); // once per process
 * await runReviewJob({ ..., customRules });
 */
export function createCustomRulesLoader(opts: CustomRulesLoaderOptions = {}): CustomRulesLoader {
  const cache = opts.cache ?? createRuleFileCache();
  return async (octokit, ref, config, log) => {
    const set = await loadRepositoryRules(createGitHubRuleFileReader(octokit, ref, cache), config);
    if (set.problems.length > 0) {
      opts.metrics?.customRuleErrors.inc(set.problems.length);
      log.warn({ problems: set.problems.map(formatProblem) }, 'custom rule files have problems; those rules do not run and the check run fails');
    }
    if (set.rules.length > 0) log.info({ customRules: set.rules.length }, 'custom rules loaded');
    return set;
  };
}
