import picomatch from 'picomatch';
import type { RuleSetting } from '../config/schema.js';
import type { Finding } from '../review/finding.js';

/** `rules:` of the configuration: rule id → `true`, `false` or `{ enabled, severity, paths, exclude }`. */
export type RuleSettings = Readonly<Record<string, RuleSetting>>;

/**
 * Whether config turns a rule on (`true`) or off (`false`), or leaves it to the rule's default (`undefined`).
 * `<id>: false` and `<id>: { enabled: false }` are the same.
 * @example ruleEnabled({ 'sql-string-building': { severity: 'low' } }, 'sql-string-building') // undefined
 */
export function ruleEnabled(settings: RuleSettings, id: string): boolean | undefined {
  const s = settings[id];
  return typeof s === 'boolean' || s === undefined ? s : s.enabled;
}

/**
 * Whether config lets rule `id` run on `path`: with `paths` (not empty), only on files matching one of its
 * globs; never on files matching one of `exclude` (which wins). Globs as in `paths.include`: picomatch, dotfiles matched, and
 * a glob without `/` matches the file name in any folder.
 * @example ruleAppliesTo({ 'hardcoded-secret': { exclude: ['test/**'] } }, 'hardcoded-secret', 'test/a.ts') // false
 */
export function ruleAppliesTo(settings: RuleSettings, id: string, path: string): boolean {
  const s = settings[id];
  if (s === undefined || typeof s === 'boolean') return true;
  if (s.exclude && s.exclude.some((g) => globMatcher(g)(path))) return false;
  return !s.paths || s.paths.length === 0 || s.paths.some((g) => globMatcher(g)(path));
}

/**
 * The ids of `ruleIds` that config lets run on `path`, or `undefined` when config narrows none of them
 * (every rule runs: the runner's default, and no per-file list to carry).
 */
export function ruleIdsForPath(settings: RuleSettings, ruleIds: readonly string[], path: string): string[] | undefined {
  if (!ruleIds.some((id) => scoped(settings[id]))) return undefined;
  return ruleIds.filter((id) => ruleAppliesTo(settings, id, path));
}

/**
 * Rule findings with the severity config sets for their rule (`rules: { <id>: { severity } }`), which wins
 * over the rule's own and over a match's (a team's judgement of the risk in its code). Other findings are
 * returned as they are.
 */
export function withConfiguredSeverity(findings: readonly Finding[], settings: RuleSettings): Finding[] {
  return findings.map((f) => {
    const s = f.ruleId !== undefined ? settings[f.ruleId] : undefined;
    return s !== undefined && typeof s !== 'boolean' && s.severity !== undefined && s.severity !== f.severity ? { ...f, severity: s.severity } : f;
  });
}

const scoped = (s: RuleSetting | undefined): boolean => s !== undefined && typeof s !== 'boolean' && ((s.paths?.length ?? 0) > 0 || (s.exclude?.length ?? 0) > 0);

const matchers = new Map<string, (path: string) => boolean>();

function globMatcher(glob: string): (path: string) => boolean {
  let m = matchers.get(glob);
  if (!m) {
    try {
      m = picomatch(glob, { dot: true, basename: !glob.includes('/') });
    } catch {
      m = () => false; // the config reader reports bad globs; here one just matches nothing
    }
    matchers.set(glob, m);
  }
  return m;
}
