/**
 * Vendor credential shapes, the one truly lexical check in arch-review. Each shape is a key format a
 * vendor documents; a match that looks like documentation (`sk_live_XXXX…`, `AKIA…EXAMPLE`, `abcdef123456`)
 * is not reported.
 *
 * Stripe TEST keys (`sk_test_`) and publishable keys (`pk_live_`) are deliberately not matched: a test key
 * cannot move money or read live customer data, and a publishable key is public by design. Reporting them
 * would flood reviews of fixtures and client setup with findings nobody acts on.
 */

/** A kind of credential with a recognisable shape. */
export interface SecretShape {
  /** What it is, for the finding title: "Stripe live secret key". */
  label: string;
  /** The environment variable the literal should move to. */
  envName: string;
  pattern: RegExp;
}

const END = '(?![0-9A-Za-z_-])';

/** The vendor shapes, most specific first. */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { label: 'Stripe live secret key', envName: 'STRIPE_SECRET_KEY', pattern: /\bsk_live_[0-9A-Za-z]{16,}/ },
  { label: 'Stripe live restricted key', envName: 'STRIPE_RESTRICTED_KEY', pattern: /\brk_live_[0-9A-Za-z]{16,}/ },
  { label: 'AWS access key ID', envName: 'AWS_ACCESS_KEY_ID', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { label: 'Slack token', envName: 'SLACK_TOKEN', pattern: new RegExp(`\\bxox[baprs]-[0-9A-Za-z-]{10,}${END}`) },
  { label: 'Slack incoming-webhook URL', envName: 'SLACK_WEBHOOK_URL', pattern: /hooks\.slack\.com\/services\/T[0-9A-Z]{6,}\/B[0-9A-Z]{6,}\/[0-9A-Za-z]{20,}/ },
  { label: 'GitHub token', envName: 'GITHUB_TOKEN', pattern: /\b(?:gh[pousr]_[0-9A-Za-z]{36}|github_pat_[0-9A-Za-z_]{50,})\b/ },
  { label: 'Twilio API key', envName: 'TWILIO_API_KEY', pattern: /\bSK[0-9a-f]{32}\b/ },
  { label: 'SendGrid API key', envName: 'SENDGRID_API_KEY', pattern: new RegExp(`\\bSG\\.[0-9A-Za-z_-]{16,32}\\.[0-9A-Za-z_-]{16,64}${END}`) },
  { label: 'Google API key', envName: 'GOOGLE_API_KEY', pattern: new RegExp(`\\bAIza[0-9A-Za-z_-]{35}${END}`) },
];

/** A vendor credential found in a piece of text. */
export interface SecretHit {
  shape: SecretShape;
  /** The matched credential (never to be shown: see {@link maskSecret}). */
  secret: string;
}

const PLACEHOLDER = /x{4,}|\*{3,}|0{8,}|\.\.\.|example|sample|dummy|fake|your|placeholder|redacted|changeme|insert|replace/i;

/** True when `s` contains a run of `n` consecutive ascending characters (`123456`, `abcdef`): typed, not generated. */
export function hasSequentialRun(s: string, n = 6): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = s.charCodeAt(i) === s.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= n) return true;
  }
  return false;
}

/** True when a matched credential looks like documentation or a placeholder rather than a generated key. */
export function looksLikePlaceholder(secret: string): boolean {
  if (PLACEHOLDER.test(secret) || hasSequentialRun(secret)) return true;
  // Generated keys use most of their alphabet; `sk_live_aaaaaaaaaaaaaaaa` does not.
  const body = secret.replace(/^[a-z]+_(live|pat)_|^[A-Za-z]{2,4}[._-]/, '');
  return new Set(body).size < 8;
}

/** The first vendor credential in `text` that is not a placeholder, or null. */
export function findSecretShape(text: string): SecretHit | null {
  for (const shape of SECRET_SHAPES) {
    const m = shape.pattern.exec(text);
    if (m && !looksLikePlaceholder(m[0])) return { shape, secret: m[0] };
  }
  return null;
}

const PEM_HEADER = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/;

/**
 * True when `text` holds a PEM private key: the BEGIN line followed by key material. A header alone
 * (`pem.startsWith('-----BEGIN PRIVATE KEY-----')`, a docstring naming the format) is not a key. The
 * material may be split across string pieces, escaped newlines or comment lines, so quotes, `+`,
 * `\n` escapes and comment markers between header and body are ignored.
 */
export function pemPrivateKeyIn(text: string): { label: string } | null {
  const m = PEM_HEADER.exec(text);
  if (!m) return null;
  const after = text.slice(m.index + m[0].length, m.index + m[0].length + 400);
  const body = after.replace(/\\[nr]|\/\/|#|\*|['"`+,;()\s]/g, '');
  if (!/^[A-Za-z0-9+/=]{40}/.test(body) || hasSequentialRun(body.slice(0, 40), 8)) return null;
  const algo = (m[1] ?? '').trim();
  return { label: algo && algo !== 'ENCRYPTED' ? `${algo} private key` : 'private key' };
}

/** Shows only the first four characters: `sk_live_51H…` → `sk_l****`. The review must never repeat a secret. */
export const maskSecret = (secret: string): string => `${secret.slice(0, 4)}****`;
