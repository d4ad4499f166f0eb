import type { Config } from '../../config/schema.js';
import type { RuleLanguage } from '../../diff/types.js';
import { ALL_RULES } from '../registry.js';
import { enabledCustomRules } from './enabled-custom-rules.js';
import { loadCustomRules, type CustomRuleProblem, type CustomRuleSet, type RuleFileText } from './load-custom-rules.js';

/** Reads the YAML files (`*.yml`, `*.yaml`) under folders of a repository, recursively; a missing folder has none. */
export interface RuleFileReader {
  /** Where the files are read from, for logs and messages (e.g. `the default branch`). */
  readonly where: string;
  read(dirs: readonly string[]): Promise<{ files: RuleFileText[]; problems: CustomRuleProblem[] }>;
}

/** The file name ends a rule or test file is read from. */
export const isYamlFile = (name: string): boolean => /\.ya?ml$/i.test(name);

const RESERVED = new Set(ALL_RULES.map((r) => r.id));

/**
 * A repository's own rules for one review: the files of `custom_rules.rule_dirs` and `util_dirs`, read
 * through `reader`, loaded (`loadCustomRules`) and filtered by `rules:` like the built-in rules. Nothing
 * is read when `custom_rules.enabled` is false.
 *
 * @example
 * const custom = await loadRepositoryRules(createLocalRuleFileReader(root), config);
 * await reviewPullRequest({ ..., extraRules: custom.rules });
 */
export async function loadRepositoryRules(reader: RuleFileReader, config: Pick<Config, 'custom_rules' | 'rules'>): Promise<CustomRuleSet> {
  const opts = config.custom_rules;
  if (!opts.enabled) return { rules: [], problems: [], warnings: [], ids: [] };
  const outside: CustomRuleProblem[] = [];
  const inside = (dirs: readonly string[]) =>
    dirs.flatMap((d) => {
      const dir = repositoryFolder(d);
      if (dir === undefined) outside.push({ file: d, message: 'not a folder inside the repository (custom_rules folders are paths from the repository root, without `..`)' });
      return dir === undefined ? [] : [dir];
    });
  const ruleDirs = inside(opts.rule_dirs);
  const utilDirs = inside(opts.util_dirs);
  const [rules, utils] = await Promise.all([reader.read(ruleDirs), utilDirs.length > 0 ? reader.read(utilDirs) : { files: [], problems: [] }]);
  const set = loadCustomRules({ ruleFiles: rules.files, utilFiles: utils.files, defaultCategory: opts.default_category, reservedIds: RESERVED });
  return {
    rules: enabledCustomRules(set.rules, config.rules),
    problems: [...outside, ...utils.problems, ...rules.problems, ...set.problems],
    warnings: set.warnings,
    ids: set.rules.map((r) => r.id),
  };
}

/**
 * A configured folder as a path from the repository root (`./rules/` → `rules`), or `undefined` when it
 * leaves the repository (absolute, or with a `..` segment): the Action reads a pull request's checkout,
 * and its configuration must not make arch-review read files beside it.
 *
 * @example repositoryFolder('./.github/arch-review/rules/') // '.github/arch-review/rules'
 */
export function repositoryFolder(dir: string): string | undefined {
  const parts = dir.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (dir.startsWith('/') || /^[A-Za-z]:/.test(dir) || parts.includes('..') || parts.length === 0) return undefined;
  return parts.join('/');
}

/**
 * The configuration's warnings without those about a `rules:` id that is one of the repository's own rules:
 * the configuration is checked against the built-in rules only, before the rule files are read.
 *
 * @example withoutCustomRuleIdWarnings(['…: unknown rule "stripe-outside-payments" in rules (ignored)'], ['stripe-outside-payments']) // []
 */
export function withoutCustomRuleIdWarnings(warnings: readonly string[], ids: readonly string[] | undefined): string[] {
  if (!ids?.length) return [...warnings];
  return warnings.filter((w) => !ids.some((id) => w.includes(`unknown rule "${id}" in rules`)));
}

/** The languages a set of rules reads (for logs). */
export const languagesOf = (rules: CustomRuleSet['rules']): RuleLanguage[] => [...new Set(rules.flatMap((r) => r.languages))];
