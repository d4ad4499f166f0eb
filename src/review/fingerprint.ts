import { createHash } from 'node:crypto';

/**
 * A finding's identity across pushes: the rule (or, for the agent, the category), the path and the
 * anchored code with whitespace normalised. Line numbers are left out on purpose, so a finding that
 * moves because lines were added above it keeps its fingerprint, and is not posted twice.
 */
export function fingerprint(parts: { ruleId?: string; category: string; path: string; code: readonly string[] }): string {
  const code = parts.code
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n');
  return createHash('sha256')
    .update(`${parts.ruleId ?? `agent:${parts.category}`}\u0000${parts.path}\u0000${code}`)
    .digest('hex')
    .slice(0, 16);
}
