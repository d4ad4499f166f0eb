import { severityRank, type Finding, type Severity } from './finding.js';
import { compareFindings } from './rank.js';

/** A finding that absorbed others, with every fingerprint it now stands for. */
export interface MergedFinding {
  finding: Finding;
  /** Its own fingerprint first, then those of the findings merged into it. */
  fingerprints: string[];
  /** How many input findings it stands for (1 when nothing was merged into it). */
  count: number;
}

/**
 * Collapses duplicates, without mutating the input:
 * 1. the same fingerprint (the same code flagged twice, e.g. by a rule and a re-run): one finding is kept,
 *    preferring the rule's and one not demoted, with the more severe severity; other lines of the same code are
 *    named in the body;
 * 2. an agent finding on lines overlapping a rule finding of the same path, side and category: the rule's
 *    finding is kept (its ruleId, fingerprint and suggestion, or the agent's suggestion if it had none), with
 *    the more severe severity, and the agent's body appended as a "Reviewer note" when it says something
 *    the rule's body does not; a rule finding the agent rejected absorbs nothing.
 * The result is ranked (see `compareFindings`).
 */
export function mergeFindings(findings: readonly Finding[]): MergedFinding[] {
  // Rules first, so the rule's version of a duplicate is the one kept; then one not demoted (a new copy of
  // pre-existing code is new: the merged finding must not inherit the old copies' demotion); then the first
  // occurrence in the file.
  const ordered = [...findings].sort(
    (a, b) =>
      (a.source === b.source ? 0 : a.source === 'rule' ? -1 : 1) ||
      Number(a.demotion !== undefined) - Number(b.demotion !== undefined) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.line - b.line ||
      compareFindings(a, b),
  );

  const byFingerprint = new Map<string, { finding: Finding; fingerprints: string[]; count: number; otherLines: number[] }>();
  for (const f of ordered) {
    const kept = byFingerprint.get(f.fingerprint);
    if (!kept) {
      byFingerprint.set(f.fingerprint, { finding: { ...f }, fingerprints: [f.fingerprint], count: 1, otherLines: [] });
      continue;
    }
    kept.count++;
    kept.finding = { ...kept.finding, severity: moreSevere(kept.finding.severity, f.severity) };
    if (f.path === kept.finding.path && f.line !== kept.finding.line && !kept.otherLines.includes(f.line)) kept.otherLines.push(f.line);
  }

  const unique = [...byFingerprint.values()].map(({ finding, fingerprints, count, otherLines }) => ({
    finding: otherLines.length === 0 ? finding : { ...finding, body: `${finding.body}\n\n_The same code also appears at line ${otherLines.sort((a, b) => a - b).join(', ')}._` },
    fingerprints,
    count,
  }));

  const rules = unique.filter((m) => m.finding.source === 'rule').sort((a, b) => compareFindings(a.finding, b.finding));
  const out: MergedFinding[] = [...rules];
  for (const agent of unique.filter((m) => m.finding.source === 'agent')) {
    // Not into a rule finding the agent rejected: its own finding there is its better-founded version, not a duplicate.
    const target = rules.find((r) => r.finding.demotion?.reason !== 'rejected-by-agent' && overlaps(r.finding, agent.finding));
    if (!target) {
      out.push(agent);
      continue;
    }
    const a = agent.finding;
    const r = target.finding;
    target.finding = {
      ...r,
      severity: moreSevere(r.severity, a.severity),
      body: addsSomething(r.body, a.body) ? `${r.body}\n\n**Reviewer note:** ${a.body}` : r.body,
      ...(r.suggestion === undefined && a.suggestion !== undefined ? { suggestion: a.suggestion } : {}),
    };
    target.fingerprints.push(...agent.fingerprints);
    target.count += agent.count;
  }
  return out.sort((a, b) => compareFindings(a.finding, b.finding));
}

const moreSevere = (a: Severity, b: Severity): Severity => (severityRank(a) <= severityRank(b) ? a : b);

function overlaps(rule: Finding, agent: Finding): boolean {
  if (rule.path !== agent.path || rule.category !== agent.category || rule.side !== agent.side) return false;
  const rEnd = Math.max(rule.line, rule.endLine ?? rule.line);
  const aEnd = Math.max(agent.line, agent.endLine ?? agent.line);
  return rule.line <= aEnd && agent.line <= rEnd;
}

const words = (s: string): Set<string> => new Set(s.toLowerCase().match(/[a-z0-9_]{3,}/g) ?? []);

/** True when `extra` has a fair share of words `base` lacks: a paraphrase adds nothing worth a second read. */
function addsSomething(base: string, extra: string): boolean {
  const known = words(base);
  const added = [...words(extra)];
  if (added.length === 0) return false;
  const novel = added.filter((w) => !known.has(w)).length;
  return novel / added.length > 0.2;
}
