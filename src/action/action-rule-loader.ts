import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CustomRulesLoader } from '../app/custom-rules-loader.js';
import { createLocalRuleFileReader } from '../cli/local-rule-file-reader.js';
import { createGitHubRuleFileReader } from '../github/github-rule-file-reader.js';
import { loadRepositoryRules } from '../rules/custom/load-repository-rules.js';

/**
 * How the Action finds the repository's own rules, as it finds its configuration: in the checkout when a
 * rule folder is there (`actions/checkout` ran), else on the default branch, as the App reads them.
 *
 * @example
 * await runReviewJob({ ...deps, customRules: actionRuleLoader(ctx.workspace) });
 */
export function actionRuleLoader(workspace: string): CustomRulesLoader {
  return async (octokit, ref, config) => {
    const dirs = [...config.custom_rules.rule_dirs, ...config.custom_rules.util_dirs];
    const inCheckout = dirs.some((d) => existsSync(path.join(workspace, d)));
    return loadRepositoryRules(inCheckout ? createLocalRuleFileReader(workspace) : createGitHubRuleFileReader(octokit, ref), config);
  };
}
