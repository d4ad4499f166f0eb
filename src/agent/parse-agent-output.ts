import { AgentOutputSchema, type AgentOutput } from './agent-output-schema.js';

/** The answer, or what is wrong with it (in words the model can act on in a repair request). */
export type ParsedAgentOutput = { ok: true; output: AgentOutput } | { ok: false; issues: string[] };

const MAX_ISSUES = 10;

/**
 * Parses the model's text as JSON and validates it against the output contract. Never throws: model
 * output is untrusted, and a bad answer is a case to handle (repair once, then drop), not a crash.
 * Issues name the JSON path and the problem, never echo long values back.
 *
 * @example parseAgentOutput('{"findings":[],"questions":[],"assessment":"Fine."}') // { ok: true, output: … }
 */
export function parseAgentOutput(text: string): ParsedAgentOutput {
  let json: unknown;
  try {
    json = JSON.parse(stripFence(text));
  } catch (err) {
    // Without structured output (some Vertex AI projects) a model may wrap the object in a sentence.
    const inner = outermostObject(text);
    try {
      if (inner === undefined) throw err;
      json = JSON.parse(inner);
    } catch {
      return { ok: false, issues: [`the answer is not valid JSON (${(err as Error).message.slice(0, 200)})`] };
    }
  }
  const r = AgentOutputSchema.safeParse(json);
  if (r.success) return { ok: true, output: r.data };
  const issues = r.error.issues.slice(0, MAX_ISSUES).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  if (r.error.issues.length > MAX_ISSUES) issues.push(`… and ${r.error.issues.length - MAX_ISSUES} more`);
  return { ok: false, issues };
}

/** Structured outputs return bare JSON; a model without them may still wrap it in a ```json fence. */
function stripFence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return m?.[1] ?? text;
}

/** From the first `{` to the last `}`, when the text has prose around one JSON object. */
function outermostObject(text: string): string | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start && (start > 0 || end < text.length - 1) ? text.slice(start, end + 1) : undefined;
}
