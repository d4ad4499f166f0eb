import type { RuleVerdictRejection } from '../review/ports.js';
import type { RuleVerdict } from './agent-output-schema.js';
import type { NumberedHint } from './hint-ids.js';

/** The verdicts of one answer that name a rule finding it was shown, by fingerprint; and the ones ignored. */
export interface ResolvedVerdicts {
  rejected: RuleVerdictRejection[];
  /** Fingerprints of the findings the agent confirmed. */
  confirmed: string[];
  /** Verdicts not honoured, and why (for a log line; never shown to the author). */
  ignored: Array<{ id: string; why: 'unknown-id' | 'no-reason' | 'repeated-id' }>;
}

/**
 * Maps the model's verdicts to the rule findings the request showed it. Model output is untrusted: a
 * verdict is honoured only for an id of `shown` (an id it was not given, or made up, touches nothing), a
 * reject only with a non-blank reason, and only the first verdict per id counts. The reason is kept raw
 * here; the review sanitises it before it is shown.
 *
 * @example resolveRuleVerdicts([{ id: 'R1', verdict: 'reject', reason: 'Timeout set by the client factory.' }], shown)
 */
export function resolveRuleVerdicts(verdicts: readonly RuleVerdict[], shown: readonly NumberedHint[]): ResolvedVerdicts {
  const byId = new Map(shown.map((h) => [h.id, h.finding.fingerprint]));
  const out: ResolvedVerdicts = { rejected: [], confirmed: [], ignored: [] };
  const seen = new Set<string>();
  for (const v of verdicts) {
    const id = v.id.trim().toUpperCase();
    const fingerprint = byId.get(id);
    if (fingerprint === undefined) out.ignored.push({ id: v.id.slice(0, 12), why: 'unknown-id' });
    else if (seen.has(id)) out.ignored.push({ id, why: 'repeated-id' });
    else if (v.verdict === 'reject' && v.reason.trim() === '') out.ignored.push({ id, why: 'no-reason' });
    else if (v.verdict === 'reject') out.rejected.push({ fingerprint, reason: v.reason });
    else out.confirmed.push(fingerprint);
    if (fingerprint !== undefined) seen.add(id);
  }
  return out;
}
