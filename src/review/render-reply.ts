import { maskSecrets } from './mask-secrets.js';
import type { ReplyVerdict } from './reply-ports.js';
import { sanitizeMarkdown } from './sanitize.js';

/** Room for an answer in a comment (GitHub allows 65,536 characters; the marker and verdict need a few). */
const MAX_ANSWER = 60_000;

const VERDICT_LINE: Record<ReplyVerdict, string> = {
  stands: '_arch-review’s verdict: the finding stands._',
  'not-a-problem': '_arch-review’s verdict: not a problem here._',
  unsure: '_arch-review’s verdict: unsure; the code shown cannot settle it._',
};

/**
 * The reply as posted. A model's answer is untrusted text: it is sanitised like review findings (no
 * mentions, links, images, HTML or applicable ```` ```suggestion ```` blocks) and every credential is
 * masked; a thread answer from the model ends with its verdict. Documentation answers are arch-review's
 * own text and only get the credential mask (they quote nothing from the pull request).
 *
 * @example renderReply({ answer: 'You are right: the client sets a timeout.', verdict: 'not-a-problem', source: 'agent' })
 */
export function renderReply(input: { answer: string; source: 'agent' | 'docs'; verdict?: ReplyVerdict; note?: string; /** The dismissal goes to the feedback store. */ recorded?: boolean }): string {
  let text = input.source === 'agent' ? sanitizeMarkdown(input.answer).trim() : input.answer.trim();
  if (text.length > MAX_ANSWER) text = `${text.slice(0, MAX_ANSWER)}\n\n… (cut to fit GitHub’s size limit)`;
  const parts = [input.note ? `_${input.note}_` : undefined, text, input.verdict ? verdictLine(input.verdict, input.recorded === true) : undefined].filter((p): p is string => p !== undefined);
  return maskSecrets(parts.join('\n\n'));
}

function verdictLine(verdict: ReplyVerdict, recorded: boolean): string {
  const line = VERDICT_LINE[verdict];
  return verdict === 'not-a-problem' && recorded ? line.replace(/_$/, ' Recorded as feedback: arch-review does not post this finding again._') : line;
}
