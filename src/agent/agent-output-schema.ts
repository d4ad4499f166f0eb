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

/** The whole answer for one batch of files. */
export const AgentOutputSchema = z.object({
  findings: z.array(AgentFindingSchema),
  questions: z.array(z.string().min(1).max(500)).max(5).describe('At most three questions for the author, each tied to code in the diff.'),
  assessment: z.string().max(2000).describe("One or two sentences on the change's integration design."),
});
export type AgentOutput = z.infer<typeof AgentOutputSchema>;
