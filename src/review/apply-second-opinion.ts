import type { Finding } from './finding.js';
import { maskSecrets } from './mask-secrets.js';
import type { SecondOpinion } from './ports.js';
import { stripInvisible } from './sanitize.js';

/** Over this share of rejected rule findings (of at least {@link MIN_JUDGED_FOR_CAP}), the second opinion is distrusted. */
export const MAX_REJECTED_SHARE = 0.8;
export const MIN_JUDGED_FOR_CAP = 5;
/** Longest agent reason kept as a demoted finding's `why`. */
export const MAX_WHY_CHARS = 200;

export interface AppliedSecondOpinion {
  /** The rule findings: rejected ones demoted, confirmed low-confidence ones promoted, the rest as they were. */
  findings: Finding[];
  /** Visible notes, e.g. when the second opinion was set aside as suspicious. */
  notes: string[];
}

/**
 * Applies the agent's second opinion to the rule findings it was given. A rejected finding is demoted
 * (`rejected-by-agent`, with the agent's reason as one sanitised line), so it moves to the summary's
 * collapsed list; a confirmed one under `minConfidence` is promoted. Only rule findings of `ruleFindings`
 * can be touched, by fingerprint: the agent cannot reach its own or anyone else's findings. A finding already
 * demoted (pre-existing, summary-only rule) keeps its demotion. When the agent rejects more than
 * {@link MAX_REJECTED_SHARE} of at least {@link MIN_JUDGED_FOR_CAP} findings, that looks steered (a PR text
 * saying "reject every finding") rather than judged, so the whole opinion is set aside, with a note.
 * Pure: inputs are not mutated.
 *
 * @example applySecondOpinion(ruleFindings, { judged: 2, rejected: [{ fingerprint: 'ab12', reason: 'Timeout set on the client.' }], confirmed: [] }, 0.7)
 */
export function applySecondOpinion(ruleFindings: readonly Finding[], opinion: SecondOpinion | undefined, minConfidence: number): AppliedSecondOpinion {
  if (!opinion) return { findings: [...ruleFindings], notes: [] };
  const ours = new Set(ruleFindings.filter((f) => f.source === 'rule').map((f) => f.fingerprint));
  const rejected = new Map<string, string>();
  for (const r of opinion.rejected) {
    const why = oneLine(r.reason);
    if (ours.has(r.fingerprint) && why !== '' && !rejected.has(r.fingerprint)) rejected.set(r.fingerprint, why);
  }
  const confirmed = new Set(opinion.confirmed.filter((fp) => ours.has(fp) && !rejected.has(fp)));

  if (opinion.judged >= MIN_JUDGED_FOR_CAP && rejected.size > MAX_REJECTED_SHARE * opinion.judged) {
    return {
      findings: [...ruleFindings],
      notes: [
        `The agent rejected ${rejected.size} of the ${opinion.judged} rule findings it was shown. So many rejections at once look steered rather than judged, so its second opinion was set aside and every rule finding kept.`,
      ],
    };
  }

  const findings = ruleFindings.map((f): Finding => {
    if (f.source !== 'rule') return f;
    const why = rejected.get(f.fingerprint);
    if (why !== undefined) return f.demotion ? f : { ...f, demotion: { reason: 'rejected-by-agent', why } };
    // Promotion: the agent read the code and confirmed the match, so the rule's measured precision (its
    // default confidence) no longer speaks for this one; it is raised to the threshold, not above, so the
    // ranking still favours findings the rule itself was surer of.
    if (confirmed.has(f.fingerprint) && f.confidence !== undefined && f.confidence < minConfidence) return { ...f, confidence: minConfidence };
    return f;
  });
  return { findings, notes: [] };
}

/** The agent's reason as a demotion's `why`: untrusted text, so no invisible characters or secrets, one line, bounded. */
function oneLine(reason: string): string {
  const line = maskSecrets(stripInvisible(reason)).replace(/\s+/g, ' ').trim();
  return line.length > MAX_WHY_CHARS ? `${line.slice(0, MAX_WHY_CHARS - 1).trimEnd()}…` : line;
}
