/**
 * Word-level judgement of identifier names: which ones hold a credential, a signature or a URL.
 * Names are split into lower-case words first (`APIKey` → api, key; `password_reset_url` → password,
 * reset, url), and the LAST word decides what the value is: `tokenCount` is a count, `passwordResetUrl`
 * is a URL, `tokenizer` is not a token.
 */

/** Splits an identifier, header or key name into lower-case words: `X-Hub-Signature-256` → x, hub, signature, 256. */
export function splitWords(name: string): string[] {
  const words: string[] = [];
  for (const part of name.split(/[^A-Za-z0-9]+/)) {
    for (const m of part.matchAll(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g)) words.push(m[0].toLowerCase());
  }
  return words;
}

/** Words without a trailing version or counter: `token2` and `secret_v1` end in their noun. */
function meaningfulWords(name: string): string[] {
  const words = splitWords(name);
  while (words.length > 1 && /^(\d+|v\d*)$/.test(words[words.length - 1] ?? '')) words.pop();
  return words;
}

/** Final words that make a name a credential by themselves. */
const SECRET_NOUNS = new Set([
  'password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'apitoken', 'authtoken', 'accesstoken',
  'refreshtoken', 'secretkey', 'privatekey', 'clientsecret', 'credential', 'credentials', 'jwt', 'authorization',
]);

/** Words before `key` that make it a credential (`apiKey`, `signingKey`, PagerDuty's `integration_key`, a shared `service_key`); `cacheKey` and `idempotencyKey` are not. */
const KEY_QUALIFIERS = new Set(['api', 'secret', 'private', 'access', 'signing', 'encryption', 'client', 'auth', 'master', 'webhook', 'hmac', 'license', 'integration', 'service']);

/** Words before `pass` that make it a password (`dbPass`); `bypass` and `firstPass` are not. */
const PASS_QUALIFIERS = new Set(['db', 'database', 'smtp', 'mail', 'admin', 'root', 'user', 'redis', 'ftp', 'ldap', 'proxy']);

/** Tokens that are not credentials: pagination cursors, CSRF tokens, push-device ids, LLM token counts. */
const NON_SECRET_TOKEN = new Set([
  'page', 'next', 'prev', 'previous', 'continuation', 'cancellation', 'cancel', 'sync', 'resume', 'pagination', 'csrf',
  'xsrf', 'device', 'push', 'fcm', 'apns', 'registration', 'lexer', 'parser', 'parse', 'stop', 'start', 'end', 'special',
  'pad', 'input', 'output', 'prompt', 'completion', 'cache', 'cursor', 'max', 'min',
]);

/** Leading words that make a name a flag or a number about the secret (`hasToken`, `maxTokenAge`), not the secret. */
const NON_SECRET_LEAD = new Set(['is', 'has', 'should', 'needs', 'requires', 'use', 'uses', 'with', 'without', 'no', 'num', 'count', 'total', 'missing']);

/**
 * True when a name says its value is a credential: `password`, `apiKey`, `STRIPE_SECRET_KEY`,
 * `accessToken`, `authorization`, `clientSecret`, `authHeader`. False for `tokenCount`, `tokenizer`,
 * `passwordResetUrl`, `secretArn`, `nextPageToken`, `hasToken`.
 */
export function isSecretName(name: string): boolean {
  const words = meaningfulWords(name);
  const last = words[words.length - 1];
  const prev = words[words.length - 2];
  if (!last) return false;
  if (words.length > 1 && NON_SECRET_LEAD.has(words[0] ?? '')) return false;
  if (SECRET_NOUNS.has(last)) return !(last === 'token' && prev !== undefined && NON_SECRET_TOKEN.has(prev));
  if (last === 'key') return prev !== undefined && KEY_QUALIFIERS.has(prev);
  if (last === 'pass') return prev !== undefined && PASS_QUALIFIERS.has(prev);
  if (last === 'header') return prev === 'auth' || prev === 'authorization';
  return false;
}

/**
 * Source text any credential recognised by name needs somewhere: every word `isSecretName` accepts, the
 * secret headers (`Cookie`) and whole header maps (`headers`, `META`). A file without any of them names no
 * credential, so rules about credentials can skip it without walking its tree.
 */
export const CREDENTIAL_HINT = /pass|secret|token|credential|jwt|auth|key|cookie|header|meta/i;

/** Final words that say a signature-named value is a property of it (`sigVersion`, `signature.length`), not the signature. */
const SIGNATURE_NON_VALUE = new Set([
  'length', 'len', 'size', 'count', 'version', 'versions', 'scheme', 'algorithm', 'algo', 'alg', 'name', 'type', 'prefix',
  'enabled', 'method', 'key', 'secret', 'id', 'format', 'encoding', 'parts', 'address', 'addr', 'required', 'timestamp', 'ts',
]);

/** True when a name says its value is a signature or HMAC: `signature`, `expectedSig`, `computedHmac`, `X-Hub-Signature-256`. */
export function isSignatureName(name: string): boolean {
  // `hmacHashFromWebhook`, `signatureOfBody`: the words before the preposition name the value.
  const all = meaningfulWords(name);
  const cut = all.findIndex((w, i) => i > 0 && PREPOSITIONS.has(w));
  const words = cut > 0 ? all.slice(0, cut) : all;
  const last = words[words.length - 1];
  if (!last || SIGNATURE_NON_VALUE.has(last)) return false;
  if (words.length > 1 && NON_SECRET_LEAD.has(words[0] ?? '')) return false;
  // The signature word must name the value itself (`expectedSig`, `signatureHeader`), not a kind of thing (`TSCallSignatureDeclaration`).
  const prev = words[words.length - 2] ?? '';
  // `dataSign`, `expectedSign`, `request_sign`: `sign` ends a signature's name; alone it is a verb or a plus/minus.
  if (last === 'sign') return words.length > 1 && !NON_SIGNATURE_SIGN.has(prev);
  return SIGNATURE_WORDS.has(last) || (SIGNATURE_WORDS.has(prev) && SIGNATURE_FORMS.has(last));
}

const SIGNATURE_WORDS = new Set(['signature', 'sig', 'hmac', 'mac']);
/** Words before `sign` that make it a sign of something else: `currencySign`, `plusSign`, `dollarSign`. */
const NON_SIGNATURE_SIGN = new Set(['currency', 'plus', 'minus', 'dollar', 'euro', 'pound', 'equal', 'equals', 'dot', 'number', 'hash', 'pound', 'percent', 'at', 'stop', 'road', 'street', 'zodiac', 'star', 'co', 'de', 'in', 'up', 'to']);
const PREPOSITIONS = new Set(['from', 'of', 'in', 'for', 'on']);
/** Final words that are a form of the signature value: `signatureHeader`, `sigHex`, `hmacDigest`. */
const SIGNATURE_FORMS = new Set(['header', 'hex', 'bytes', 'b64', 'base64', 'value', 'str', 'string', 'digest', 'raw', 'sum', 'hash']);

/** True when a name says its value is a digest (`expectedDigest`): a signature only where an HMAC produced it. */
export function isDigestName(name: string): boolean {
  const words = meaningfulWords(name);
  const last = words[words.length - 1];
  return !!last && !SIGNATURE_NON_VALUE.has(last) && words.includes('digest');
}

/** True when a name says its value is a URL or a host to call: `url`, `callbackUrl`, `webhook_endpoint`, `targetUri`. */
export function isUrlName(name: string): boolean {
  const words = meaningfulWords(name);
  const last = words[words.length - 1] ?? '';
  return ['url', 'uri', 'endpoint', 'href', 'link', 'callback', 'webhook', 'target', 'host', 'origin'].includes(last);
}

/** `paymentApiKey` → `PAYMENT_API_KEY`: the environment variable a literal should move to. */
export function toEnvName(name: string): string {
  return splitWords(name).join('_').toUpperCase();
}
