import { z } from 'zod';
import type { Finding } from './finding.js';
import { markerKey } from './marker.js';
import type { SummaryFinding } from './ports.js';

/**
 * Why a finding was dismissed: a 👎 reaction on its comment, its review thread resolved while its lines were
 * unchanged, or a reply (the agent, or someone with write access) saying the finding is wrong.
 */
export type DismissalReason = 'thumbs-down' | 'resolved' | 'reply';

/** A stored {@link FeedbackEvent}, checked when read back (the Redis store). */
export const FeedbackEventSchema = z.object({
  kind: z.enum(['dismissed', 'approved']),
  fingerprint: z.string().min(1),
  ruleId: z.string().min(1).optional(),
  reason: z.enum(['thumbs-down', 'resolved', 'reply']).optional(),
  prNumber: z.number().int().positive(),
  at: z.string().min(1),
});

/** One piece of feedback on one posted finding. `kind: 'approved'` is a 👍. */
export interface FeedbackEvent {
  kind: 'dismissed' | 'approved';
  /** The finding's fingerprint (full, or as the marker keeps it: compared through `markerKey`). */
  fingerprint: string;
  /** The rule that produced it; absent for agent findings. */
  ruleId?: string;
  /** For dismissals; approvals have none. */
  reason?: DismissalReason;
  /** The pull request the comment was on. */
  prNumber: number;
  /** ISO time of the feedback (the reaction, the resolution, the reply). */
  at: string;
}

/** What was learned for a repository (or, without a shared store, for one pull request). */
export interface Learnings {
  /** Dismissed findings by `markerKey(fingerprint)`: never posted again. */
  dismissed: ReadonlyMap<string, FeedbackEvent>;
  /** How many distinct findings of each rule were dismissed. */
  dismissalsByRule: ReadonlyMap<string, number>;
  /** How many distinct findings of each rule got a 👍. */
  approvalsByRule: ReadonlyMap<string, number>;
  /** Rules dismissed at least `dismissals_to_summary` times: their findings are listed in the summary only. */
  summaryOnlyRules: ReadonlySet<string>;
  /** Rules whose learnings were undone (`/arch-review forget <rule>`), with the time: feedback before it is ignored. */
  forgotten: ReadonlyMap<string, string>;
}

/** No learnings: what a review without a feedback port applies. */
export const NO_LEARNINGS: Learnings = {
  dismissed: new Map(),
  dismissalsByRule: new Map(),
  approvalsByRule: new Map(),
  summaryOnlyRules: new Set(),
  forgotten: new Map(),
};

/**
 * Folds feedback events into learnings: the latest event per finding and kind counts once; feedback on a
 * rule at or before its `forget` time is ignored; a rule with at least `threshold` dismissed findings goes
 * summary-only (`threshold` 0 turns that off).
 *
 * @example
 * buildLearnings([{ kind: 'dismissed', fingerprint: 'ab12', ruleId: 'http-call-without-timeout', reason: 'thumbs-down', prNumber: 7, at: '2026-01-01T00:00:00Z' }], new Map(), 3);
 */
export function buildLearnings(events: readonly FeedbackEvent[], forgotten: ReadonlyMap<string, string>, threshold: number): Learnings {
  const dismissed = new Map<string, FeedbackEvent>();
  const approved = new Map<string, FeedbackEvent>();
  for (const e of events) {
    const forgetAt = e.ruleId !== undefined ? forgotten.get(e.ruleId) : undefined;
    if (forgetAt !== undefined && e.at <= forgetAt) continue;
    const target = e.kind === 'dismissed' ? dismissed : approved;
    const key = markerKey(e.fingerprint);
    const earlier = target.get(key);
    if (!earlier || earlier.at < e.at) target.set(key, e);
  }
  const count = (m: ReadonlyMap<string, FeedbackEvent>) => {
    const out = new Map<string, number>();
    for (const e of m.values()) if (e.ruleId !== undefined) out.set(e.ruleId, (out.get(e.ruleId) ?? 0) + 1);
    return out;
  };
  const dismissalsByRule = count(dismissed);
  const summaryOnlyRules = new Set(threshold > 0 ? [...dismissalsByRule].filter(([, n]) => n >= threshold).map(([rule]) => rule) : []);
  return { dismissed, dismissalsByRule, approvalsByRule: count(approved), summaryOnlyRules, forgotten };
}

const REASON_WORDS: Record<DismissalReason, string> = {
  'thumbs-down': 'a 👎',
  resolved: 'its thread resolved without a change',
  reply: 'a reply saying it is wrong',
};

/** What applying learnings did to a review's findings. */
export interface AppliedLearnings {
  /** The findings, dismissed ones marked with the `dismissed` demotion. */
  findings: Finding[];
  /** How many findings each rule (or `agent:<category>`) lost to a dismissal. */
  suppressed: Map<string, number>;
}

/**
 * Marks findings whose fingerprint was dismissed with the `dismissed` demotion (they are listed collapsed in
 * the summary, never inline, never counted by the check run). Summary-only rules are handled after
 * selection by {@link moveSummaryOnlyRules}.
 *
 * @example const { findings } = applyDismissals(all, learnings);
 */
export function applyDismissals(findings: readonly Finding[], learnings: Learnings): AppliedLearnings {
  const suppressed = new Map<string, number>();
  const out = findings.map((f) => {
    const hit = learnings.dismissed.get(markerKey(f.fingerprint));
    if (!hit || f.demotion) return f;
    const key = f.ruleId ?? `agent:${f.category}`;
    suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
    return { ...f, demotion: { reason: 'dismissed' as const, why: `dismissed on #${hit.prNumber} with ${REASON_WORDS[hit.reason ?? 'thumbs-down']}.` } };
  });
  return { findings: out, suppressed };
}

/**
 * The summary's line for a rule gone summary-only, saying how to undo it.
 * @example summaryOnlyNote('http-call-without-timeout', 3)
 */
export const summaryOnlyNote = (ruleId: string, dismissals: number): string =>
  `Rule \`${ruleId}\` was dismissed ${dismissals} times in this repository, so its findings are listed in this summary instead of inline. Comment \`/arch-review forget ${ruleId}\` to undo that.`;

/**
 * Moves the inline findings of summary-only rules to the summary (reason `learned-summary-only`), and says
 * once per such rule, in a note, why and how to undo it. Rules with no finding in this review get no note.
 *
 * @example const moved = moveSummaryOnlyRules(chosen.inline, chosen.summaryOnly, learnings);
 */
export function moveSummaryOnlyRules(
  inline: readonly Finding[],
  summaryOnly: readonly SummaryFinding[],
  learnings: Learnings,
): { inline: Finding[]; summaryOnly: SummaryFinding[]; notes: string[] } {
  const rules = learnings.summaryOnlyRules;
  if (rules.size === 0) return { inline: [...inline], summaryOnly: [...summaryOnly], notes: [] };
  const isLearned = (f: Finding) => f.ruleId !== undefined && rules.has(f.ruleId);
  const moved = inline.filter(isLearned).map((finding) => ({ finding, reason: 'learned-summary-only' as const }));
  const seen = new Set([...moved.map((m) => m.finding), ...summaryOnly.map((s) => s.finding)].filter(isLearned).map((f) => f.ruleId!));
  const notes = [...seen].sort().map((rule) => summaryOnlyNote(rule, learnings.dismissalsByRule.get(rule) ?? 0));
  return { inline: inline.filter((f) => !isLearned(f)), summaryOnly: [...summaryOnly, ...moved], notes };
}

/**
 * The review use case's port to what was learned from feedback. The App builds one per review (from the pull
 * request's comments and reactions, and the shared store when `REDIS_URL` is set); the CLI passes none, so
 * its reviews are unaffected.
 */
export interface FeedbackSource {
  learnings(): Promise<Learnings>;
}

/** What learnings did to one review, for metrics and the JSON result. */
export interface LearnedEffect {
  /** Findings demoted as dismissed, by rule id (`agent:<category>` for agent findings). */
  suppressed: Record<string, number>;
  /** Rules whose findings went to the summary only in this review. */
  summaryOnlyRules: string[];
}
