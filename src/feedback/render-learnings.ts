import { inlineCode } from '../review/markdown.js';
import type { DismissalReason, Learnings } from '../review/feedback.js';

const REASON: Record<DismissalReason, string> = { 'thumbs-down': '👎', resolved: 'resolved unchanged', reply: 'reply' };

/**
 * The reply to `/arch-review learnings`: per rule, dismissed findings and 👍, which rules went summary-only
 * (and how to undo it), the dismissed fingerprints by rule, and forgotten rules. `scope` says whether this
 * is the repository's memory (Redis) or this pull request's.
 *
 * @example renderLearnings(learnings, { scope: 'repository', repository: 'acme/api', threshold: 3 })
 */
export function renderLearnings(learnings: Learnings, opts: { scope: 'repository' | 'pull-request'; repository: string; threshold: number; maxListed?: number }): string {
  const where = opts.scope === 'repository' ? `in ${inlineCode(opts.repository)} (all pull requests)` : 'on this pull request (learning is per pull request: this deployment has no shared store)';
  const rules = [...new Set([...learnings.dismissalsByRule.keys(), ...learnings.approvalsByRule.keys()])].sort();
  const agentDismissed = [...learnings.dismissed.values()].filter((e) => e.ruleId === undefined).length;
  const lines = [`**What arch-review learned** ${where}`, ''];
  if (rules.length === 0 && learnings.dismissed.size === 0) {
    lines.push('Nothing yet. A 👎 on an arch-review comment, a thread resolved without a change to its lines, or a reply saying a finding is wrong dismisses it: it is not posted again.');
  } else {
    lines.push('| rule | 👎 dismissed | 👍 | inline? |', '| --- | ---: | ---: | --- |');
    for (const rule of rules) {
      const summaryOnly = learnings.summaryOnlyRules.has(rule);
      lines.push(`| ${inlineCode(rule)} | ${learnings.dismissalsByRule.get(rule) ?? 0} | ${learnings.approvalsByRule.get(rule) ?? 0} | ${summaryOnly ? `summary only (undo: ${inlineCode(`/arch-review forget ${rule}`)})` : 'yes'} |`);
    }
    if (agentDismissed > 0) lines.push(`| reviewer (no rule) | ${agentDismissed} | | yes |`);
    lines.push('', opts.threshold > 0 ? `A rule with ${opts.threshold} or more dismissed findings goes summary-only (\`learning.dismissals_to_summary\`).` : 'Rules never go summary-only (`learning.dismissals_to_summary: 0`).');
    const max = opts.maxListed ?? 50;
    const dismissed = [...learnings.dismissed.values()].sort((a, b) => (a.ruleId ?? '').localeCompare(b.ruleId ?? '') || a.at.localeCompare(b.at));
    const listed = dismissed.slice(0, max).map((e) => `- ${inlineCode(e.ruleId ?? 'reviewer')} ${inlineCode(e.fingerprint.slice(0, 12))} — #${e.prNumber}, ${REASON[e.reason ?? 'thumbs-down']}, ${e.at.slice(0, 10)}`);
    if (dismissed.length > max) listed.push(`- … and ${dismissed.length - max} more`);
    lines.push('', '<details>', `<summary>Dismissed findings (${dismissed.length}): never posted again</summary>`, '', ...listed, '', '</details>');
  }
  if (learnings.forgotten.size > 0) {
    lines.push('', `Forgotten (feedback before these times is ignored): ${[...learnings.forgotten].map(([rule, at]) => `${inlineCode(rule)} at ${at.slice(0, 16).replace('T', ' ')} UTC`).join(', ')}.`);
  }
  return lines.join('\n');
}
