/**
 * Characters per token assumed for ASCII text (code, diffs, English).
 *
 * Calibration: the exact count is the `count_tokens` endpoint, a network call per batch, so batches are
 * planned with this estimate instead and the real counts come back in each response's `usage`. The
 * tokenizer of the current models (Claude 4.7 and later, Sonnet 5 and later) is denser than the old
 * rule of thumb of ~3.5 characters per token: published `count_tokens` measurements on the 4.7
 * tokenizer (claudecodecamp.com, April 2026) give 2.47 characters per token for a CLAUDE.md file,
 * 2.33 for a git log, 2.86 for a task prompt and 3.02 for markdown prose. 2.3 sits below all of them,
 * so the estimate errs high: a batch planned within budget stays within it, at the price of smaller
 * batches. `test/agent/estimate-tokens.test.ts` keeps it above those recorded counts.
 */
export const CHARS_PER_TOKEN = 2.3;

/**
 * Estimated input tokens of `text`: ASCII characters at {@link CHARS_PER_TOKEN}, and one token for every
 * other code point (CJK, emoji and symbols are at least a token each on every Claude tokenizer).
 *
 * @example estimateTokens('const a = 1;') // 6
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / CHARS_PER_TOKEN) + other;
}
