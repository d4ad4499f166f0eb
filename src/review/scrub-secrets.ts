import type { Finding } from './finding.js';
import { maskSecrets } from './mask-secrets.js';
import { stripInvisible } from './sanitize.js';

/** Appended to a finding's body when its suggestion was left out because it held a credential. */
export const SUGGESTION_WITHHELD = '_The suggested change was left out: it would repeat a credential from this line. Apply the fix by hand after moving the credential out of the code._';

/** A token `maskSecrets` (or the agent, which only sees masked code) left in a text: `sk_l****`, `****masked****`. */
const MASKED = /[^\s*]\*{4}(?!\*)|\*{4}masked\*{4}/;

/**
 * True when `text` holds a credential `maskSecrets` would hide, or an already-masked one.
 * @example holdsSecret("Authorization: 'Bearer sk_live_51HxYzQ8rT2vWk9LmNpBc4Ds'") // true
 */
export function holdsSecret(text: string): boolean {
  return maskSecrets(text) !== text || MASKED.test(text);
}

/**
 * A finding safe to post: title and body masked with `maskSecrets` (the hardcoded-secret rule's shapes),
 * and a suggestion that would hold a credential dropped with a note. A suggestion is code someone may
 * commit with one click: writing the live key, or `sk_l****`, into the file are both wrong. Applied to
 * every finding the renderer and the check run print, whichever rule or reviewer produced it.
 *
 * @example scrubFinding({ ...f, suggestion: "fetch(url, { headers: { Authorization: 'Bearer sk_live_…' }, signal })" }).suggestion // undefined
 */
export function scrubFinding(f: Finding): Finding {
  const title = maskSecrets(f.title);
  const body = maskSecrets(f.body);
  // Judged as it would be printed: invisible characters cannot split a key to slip it through.
  if (f.suggestion !== undefined && holdsSecret(stripInvisible(f.suggestion))) {
    const { suggestion: _dropped, ...rest } = f;
    return { ...rest, title, body: `${body}\n\n${SUGGESTION_WITHHELD}` };
  }
  return title === f.title && body === f.body ? f : { ...f, title, body };
}
