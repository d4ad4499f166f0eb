import type { SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import type { Category, Severity } from '../review/finding.js';
import type { Layer } from '../integration/layers.js';

/** What a rule is, as data: shown in findings, docs and SARIF. */
export interface RuleMeta {
  /** Stable kebab-case id, e.g. `http-call-without-timeout`. Used in config (`rules:`) and fingerprints. */
  id: string;
  category: Category;
  severity: Severity;
  languages: readonly RuleLanguage[];
  /** One line: what is wrong. */
  title: string;
  /** Why it matters in production. */
  why: string;
  /** The concrete fix. */
  fix: string;
  /**
   * When the rule deliberately stays silent: the contexts it exempts (cleanup, CLI entry points, tests…),
   * shown in the docs and in replies. Every rule states its own.
   */
  exemptions?: string;
  /**
   * Default confidence of a match (0-1): the rule's measured precision on the real-world corpus, or an
   * estimate until measured. A match may override it. Default 0.8.
   */
  confidence?: number;
  /**
   * How the rule runs when config does not say: `inline` (default), `summary` (its findings are listed in the
   * summary's lower-confidence list, never inline: measured precision under 60 %), or `off` (runs only when
   * `rules: { <id>: true }`).
   */
  defaultMode?: 'inline' | 'summary' | 'off';
}

/** Everything a rule sees about one file: the head version, parsed once. */
export interface RuleContext {
  path: string;
  language: RuleLanguage;
  source: string;
  /** Source split on `\n` (index 0 is line 1). */
  lines: readonly string[];
  root: SgRoot;
  /**
   * The file's layer inferred from the repository model (`src/integration/layers.ts`), when a model was
   * built; absent for a bare diff or a single file, where rules fall back to what folder names say.
   */
  layer?: Layer;
  /**
   * True when a match spanning lines `start`..`end` (1-based) would be reported: it touches a line the change
   * made. Absent when every line counts (a whole file, a test). Rules use it through `inChange` to skip
   * candidates (a handler, a call, a loop) whose own lines hold every match they could give and none of them
   * changed: the runner drops such matches anyway, so the rule need not judge them.
   */
  changed?: (start: number, end: number) => boolean;
}

/** One match of a rule. Lines are 1-based, on the head (new) version of the file. */
export interface RuleMatch {
  line: number;
  endLine?: number;
  /** Overrides the rule title for this match (e.g. names the SDK or the secret kind). */
  title?: string;
  /** Extra detail prepended to the why/fix text (e.g. "`axios.post` has no `timeout`."). */
  detail?: string;
  /** Replacement text for lines line..endLine, rendered as a ```suggestion block. */
  suggestion?: string;
  /** Overrides the rule severity for this match (e.g. an empty catch around a payment call is worse than one around a parse). */
  severity?: Severity;
  /** Overrides the rule's confidence for this match (0-1), e.g. lower when the callee is only probably remote. */
  confidence?: number;
}

/** A rule is data plus a matcher. */
export interface Rule extends RuleMeta {
  check(ctx: RuleContext): RuleMatch[];
}
