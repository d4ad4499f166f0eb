import type { RuleLanguage } from '../diff/types.js';
import { parseSource } from '../rules/parse-source.js';
import { findSuppressions, SUPPRESSION_KEYWORD, type Suppression } from '../rules/suppression/find-suppressions.js';
import { CATEGORIES, type Finding } from './finding.js';
import { closestName } from '../config/closest-name.js';

/** Ids that silence every finding. */
export const SUPPRESS_ALL = ['all', '*'] as const;

/** Rule ids whose findings are about suppressions themselves: an `arch-review-ignore` never silences them. */
const ABOUT_SUPPRESSIONS = new Set(['suppression-without-reason']);

/** A finding left out of the review by an `arch-review-ignore` comment. */
export interface SuppressedFinding {
  finding: Finding;
  /** The directive that silenced it. */
  by: { line: number; scope: Suppression['scope']; reason?: string };
}

export interface ApplySuppressionsInput {
  findings: readonly Finding[];
  /** Head text and rule language of each reviewed file; findings on other files are kept as they are. */
  files: ReadonlyMap<string, { language: RuleLanguage; text: string }>;
  /** Every rule id a directive may name (the registry's and any other rules run); categories and `all` are added. */
  ruleIds: Iterable<string>;
  /** Lines the change added, by path: a directive there that names an unknown id is noted (older ones are not, again). */
  added?: ReadonlyMap<string, ReadonlySet<number>>;
}

export interface ApplySuppressionsResult {
  /** The findings no directive silenced, in their order. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** One per directive the change adds that names no id or an unknown one: it silences nothing by that name. */
  notes: string[];
}

/**
 * Leaves out the findings that an `arch-review-ignore` comment in the head version of their file silences,
 * for rule and agent findings alike. A directive names rule ids (`http-call-without-timeout`), categories
 * (`resilience`: every finding of that category, the way to name an agent finding, which has no rule id),
 * or `all` / `*`. A line directive silences a finding that starts on the code line below it, or on the
 * line it trails (or any line of a finding spanning it); a file directive (`arch-review-ignore-file`) every
 * finding of the file. A directive without a reason still silences (the `suppression-without-reason` rule
 * asks for one). An agent finding that repeats a silenced rule finding (same lines and category) is silenced
 * with it. Pure: a file is parsed only when its text contains the keyword.
 *
 * @example
 * const { findings, suppressed } = applySuppressions({ findings: all, files, ruleIds: rules.map((r) => r.id) });
 */
export function applySuppressions(input: ApplySuppressionsInput): ApplySuppressionsResult {
  const known = new Set<string>([...input.ruleIds, ...CATEGORIES, ...SUPPRESS_ALL]);
  const notes: string[] = [];
  const directives = new Map<string, Suppression[]>();
  for (const [path, file] of input.files) {
    if (!file.text.includes(SUPPRESSION_KEYWORD)) continue;
    let found: Suppression[];
    try {
      found = findSuppressions(parseSource(file.language, file.text), file.language, file.text);
    } catch {
      continue; // a file that does not parse had no rule findings either; its agent findings stay
    }
    directives.set(path, found);
    const added = input.added?.get(path);
    for (const d of found) {
      if (added && !added.has(d.line)) continue;
      const keyword = d.scope === 'file' ? `${SUPPRESSION_KEYWORD}-file` : SUPPRESSION_KEYWORD;
      if (d.ids.length === 0) {
        notes.push(`\`${path}:${d.line}\`: \`${keyword}\` names no rule, so it silences nothing; write \`${keyword} <rule-id>: <reason>\` (or a category, or \`all\`).`);
        continue;
      }
      const unknown = d.ids.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        const list = unknown.map((id) => `\`${id}\`${hint(id, known)}`).join(', ');
        notes.push(`\`${path}:${d.line}\`: \`${keyword}\` names ${unknown.length === 1 ? 'an unknown rule' : 'unknown rules'} ${list}, which silence${unknown.length === 1 ? 's' : ''} nothing.`);
      }
    }
  }

  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of input.findings) {
    const d = f.ruleId !== undefined && ABOUT_SUPPRESSIONS.has(f.ruleId) ? undefined : directives.get(f.path)?.find((s) => names(s, f) && covers(s, f));
    if (d) suppressed.push({ finding: f, by: { line: d.line, scope: d.scope, ...(d.reason !== undefined ? { reason: d.reason } : {}) } });
    else kept.push(f);
  }
  // An agent finding that repeats a silenced rule finding (same lines and category; the review would merge
  // the two) is silenced with it: the author answered that point already.
  const silencedRules = suppressed.filter((s) => s.finding.source === 'rule');
  const findings = kept.filter((f) => {
    const twin = f.source === 'agent' ? silencedRules.find((s) => repeats(f, s.finding)) : undefined;
    if (twin) suppressed.push({ finding: f, by: twin.by });
    return twin === undefined;
  });
  return { findings, suppressed, notes };
}

/** The agent finding `a` says what rule finding `r` says: same file, side and category, overlapping lines. */
function repeats(a: Finding, r: Finding): boolean {
  return a.path === r.path && a.side === r.side && a.category === r.category && a.line <= (r.endLine ?? r.line) && r.line <= (a.endLine ?? a.line);
}

function names(s: Suppression, f: Finding): boolean {
  return s.ids.some((id) => id === 'all' || id === '*' || id === f.category || (f.ruleId !== undefined && id === f.ruleId.toLowerCase()));
}

function covers(s: Suppression, f: Finding): boolean {
  if (f.side === 'LEFT') return false; // a finding on a deleted line is about the base version's text
  if (s.scope === 'file') return true;
  if (s.targets.includes(f.line)) return true;
  return s.trailing !== undefined && f.line <= s.trailing && s.trailing <= (f.endLine ?? f.line);
}

/** "(did you mean `x`?)" for an id one or two edits from a known one. */
function hint(id: string, known: ReadonlySet<string>): string {
  if (id.length < 4) return '';
  const near = closestName(id, [...known].filter((k) => k.length >= 4), Math.max(2, Math.floor(id.length / 4)));
  return near ? ` (did you mean \`${near}\`?)` : '';
}
