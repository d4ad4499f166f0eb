import { describe, expect, it } from 'vitest';
import { CHARS_PER_TOKEN, estimateTokens } from '../../src/agent/estimate-tokens.js';

/**
 * Recorded `count_tokens` results on the current (Claude 4.7 and later) tokenizer, published with their
 * character counts (claudecodecamp.com, "I measured Claude 4.7's new tokenizer", April 2026). The
 * estimate depends only on the character count for ASCII text, so these pairs calibrate it.
 */
const RECORDED = [
  { what: 'CLAUDE.md file', chars: 5000, tokens: 2021 },
  { what: 'Claude Code task prompt', chars: 4405, tokens: 1541 },
  { what: 'markdown blog excerpt', chars: 5000, tokens: 1654 },
  { what: 'git commit log', chars: 2853, tokens: 1223 },
];

describe('estimateTokens', () => {
  it.each(RECORDED)('over- rather than under-estimates the recorded count of a $what', ({ chars, tokens }) => {
    const estimate = estimateTokens('a'.repeat(chars));
    expect(estimate).toBeGreaterThanOrEqual(tokens);
    // …without being so pessimistic that batches shrink for nothing.
    expect(estimate).toBeLessThan(tokens * 1.4);
  });

  it('counts every non-ASCII code point as at least one token', () => {
    expect(estimateTokens('支払い処理')).toBe(5);
    expect(estimateTokens('😀😀')).toBe(2);
    expect(estimateTokens('ab')).toBe(Math.ceil(2 / CHARS_PER_TOKEN));
    expect(estimateTokens('')).toBe(0);
  });
});
