import { stripInvisible } from '../review/sanitize.js';
import { maskSecrets } from '../review/mask-secrets.js';
import { neutralizeTags, type PromptTag } from './neutralize-tags.js';

/**
 * Wraps text written by the pull request's author (title, description, commit messages) in a delimited
 * block the system prompt declares as data. Inside: credentials masked, invisible and bidirectional
 * control characters removed (they can hide instructions from a human reader of the same PR), tag
 * lookalikes neutralised, and the length capped.
 *
 * @example untrustedBlock('untrusted_pr_title', 'Fix retries') // '<untrusted_pr_title>\nFix retries\n</untrusted_pr_title>'
 */
export function untrustedBlock(tag: Extract<PromptTag, `untrusted_${string}`>, text: string, maxChars = 4000): string {
  let body = neutralizeTags(maskSecrets(stripInvisible(text))).trim();
  if (body.length > maxChars) body = `${body.slice(0, maxChars)}\n[… truncated by arch-review]`;
  return `<${tag}>\n${body}\n</${tag}>`;
}
