import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { z } from 'zod';

/** Longest answer the model may give in a thread (GitHub allows 65,536; a reply should be short). */
export const MAX_REPLY_CHARS = 4_000;

/**
 * The agent's answer to a question in a review thread (or `/arch-review ask`). Bounds are checked by
 * {@link parseReplyOutput}; structured output carries them in the descriptions.
 */
export const ReplyOutputSchema = z.object({
  answer: z
    .string()
    .min(1)
    .max(MAX_REPLY_CHARS)
    .describe('The reply to post in the thread, in GitHub markdown: short, concrete, about the code shown. No mentions, links, HTML or suggestion blocks.'),
  verdict: z
    .enum(['stands', 'not-a-problem', 'unsure'])
    .describe('stands: the finding holds for this code; not-a-problem: the code shows the finding is wrong here; unsure: the code shown cannot settle it (or there is no finding).'),
});
export type ReplyOutput = z.infer<typeof ReplyOutputSchema>;

/** `output_config.format` for a reply request. */
export const REPLY_OUTPUT_FORMAT = { type: 'json_schema' as const, schema: zodOutputFormat(ReplyOutputSchema).schema };

/** The answer, or what is wrong with it (for one repair request). Never throws: model output is untrusted. */
export function parseReplyOutput(text: string): { ok: true; output: ReplyOutput } | { ok: false; issues: string[] } {
  let json: unknown;
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text)?.[1] ?? text;
  try {
    json = JSON.parse(fenced);
  } catch (err) {
    const start = fenced.indexOf('{');
    const end = fenced.lastIndexOf('}');
    try {
      if (start < 0 || end <= start) throw err;
      json = JSON.parse(fenced.slice(start, end + 1));
    } catch {
      return { ok: false, issues: [`the answer is not valid JSON (${(err as Error).message.slice(0, 200)})`] };
    }
  }
  const r = ReplyOutputSchema.safeParse(json);
  if (r.success) return { ok: true, output: r.data };
  return { ok: false, issues: r.error.issues.slice(0, 5).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`) };
}
