import type { SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import type { Category, Severity } from '../review/finding.js';

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
}

/** Everything a rule sees about one file: the head version, parsed once. */
export interface RuleContext {
  path: string;
  language: RuleLanguage;
  source: string;
  /** Source split on `\n` (index 0 is line 1). */
  lines: readonly string[];
  root: SgRoot;
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
}

/** A rule is data plus a matcher. */
export interface Rule extends RuleMeta {
  check(ctx: RuleContext): RuleMatch[];
}
