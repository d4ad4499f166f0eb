import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../review/finding.js';

/**
 * One finding as the model writes it. Bounds that structured outputs cannot enforce (lengths, ranges)
 * are still checked here: the SDK moves them into the schema's descriptions for the model, and
 * `parseAgentOutput` enforces them on the answer.
 */
export const AgentFindingSchema = z.object({
  path: z.string().min(1).describe('The file path exactly as given in <file path="…">.'),
  line: z.number().int().min(1).describe('New-side line number of the first line concerned, as numbered in the hunk.'),
  endLine: z.number().int().min(1).optional().describe('Last new-side line, when the finding spans lines of the same hunk.'),
  category: CategorySchema,
  severity: SeveritySchema,
  title: z.string().min(1).max(200).describe('What is wrong, in under ten words.'),
  body: z.string().min(1).max(6000).describe('What is wrong here; why it matters in production; the fix and its trade-off.'),
  suggestion: z.string().max(6000).optional().describe('Replacement for lines line..endLine, only when it fixes the problem by itself.'),
  confidence: z.number().min(0).max(1).describe('0 to 1: how sure you are this is a real problem.'),
});
export type AgentFinding = z.infer<typeof AgentFindingSchema>;

/** Longest reason the model may give for a verdict; the review keeps at most 200 characters of it. */
export const MAX_VERDICT_REASON = 500;

/**
 * The agent's second opinion on one rule finding of <rule_findings>, by the id shown there (`R1`, `R2`…).
 * A `reject` needs a reason (a blank one is ignored and the finding kept, see `resolveRuleVerdicts`).
 */
export const RuleVerdictSchema = z.object({
  id: z.string().min(1).max(12).describe('The id of a rule finding exactly as shown in <rule_findings>, e.g. "R3".'),
  verdict: z.enum(['confirm', 'reject']).describe('"reject" only when the code shown proves the rule finding wrong here; "confirm" when it is a real problem.'),
  reason: z.string().max(MAX_VERDICT_REASON).describe('One sentence, from the code: why the finding is wrong (required for a reject) or right.'),
});
export type RuleVerdict = z.infer<typeof RuleVerdictSchema>;

/** The whole answer for one batch of files. */
export const AgentOutputSchema = z.object({
  findings: z.array(AgentFindingSchema),
  // Defaults to none, so an answer without it (an older prompt, a model that skipped it) still parses.
  rule_verdicts: z
    .array(RuleVerdictSchema)
    .max(200)
    .default([])
    .describe('Your verdict on rule findings of <rule_findings>, by id: reject the ones the code proves wrong, confirm the ones you checked and found real.'),
  questions: z.array(z.string().min(1).max(500)).max(5).describe('At most three questions for the author, each tied to code in the diff.'),
  assessment: z.string().max(2000).describe("One or two sentences on the change's integration design."),
});
export type AgentOutput = z.infer<typeof AgentOutputSchema>;
