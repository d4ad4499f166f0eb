import { z } from 'zod';

/** The six review categories, in display order. */
export const CATEGORIES = ['coupling', 'error-handling', 'resilience', 'abstraction', 'security', 'performance'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

/** Severities, most severe first. */
export const SEVERITIES = ['high', 'medium', 'low'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Rank of a severity: 0 is the most severe. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
/** True when `s` is at least as severe as `min`. */
export const atLeast = (s: Severity, min: Severity): boolean => severityRank(s) <= severityRank(min);

export const SideSchema = z.enum(['RIGHT', 'LEFT']);
export type Side = z.infer<typeof SideSchema>;

/**
 * One finding, end to end: produced by a rule or by the agent, anchored by the review,
 * rendered by a publisher. `body` is markdown saying what is wrong, why it matters in
 * production, and the concrete fix. `fingerprint` identifies the finding across pushes.
 */
export const FindingSchema = z.object({
  path: z.string().min(1),
  line: z.number().int().positive(),
  endLine: z.number().int().positive().optional(),
  side: SideSchema.default('RIGHT'),
  category: CategorySchema,
  severity: SeveritySchema,
  title: z.string().min(1).max(200),
  body: z.string().min(1),
  suggestion: z.string().optional(),
  source: z.enum(['rule', 'agent']),
  ruleId: z.string().optional(),
  fingerprint: z.string().min(1),
  /**
   * How sure the producer is that this is a real problem here (0-1). A rule's measured precision on real
   * code, adjusted per match; findings under `min_confidence` go to the summary's lower-confidence list.
   */
  confidence: z.number().min(0).max(1).optional(),
  /** Set when the finding must not be inline whatever its confidence: why, in one line. */
  demotion: z
    .object({ reason: z.enum(['low-confidence', 'pre-existing', 'rejected-by-agent', 'dismissed']), why: z.string().min(1) })
    .optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** Why a finding is listed, collapsed, in the summary instead of posted: see `Finding.demotion`. */
export type DemotionReason = NonNullable<Finding['demotion']>['reason'];
