import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { isDigestName, isSignatureName, splitWords } from './secret-names.js';
import { argumentsOf, assignmentsTo, isLiteral, lastName, stringValue, unwrap } from './syntax.js';

/**
 * True when a header name carries a webhook signature: `Stripe-Signature`, `X-Hub-Signature-256`,
 * `X-Slack-Signature`, `X-Twilio-Signature`, `X-Shopify-Hmac-Sha256`, Django's `HTTP_STRIPE_SIGNATURE`.
 */
export function isSignatureHeader(name: string): boolean {
  const words = splitWords(name);
  return words.includes('signature') || words.includes('hmac') || words.includes('hmacsha256');
}

/** Calls that only re-encode their input. */
const BYTE_WRAPPERS = /^(from|getBytes|encode|decode|decodeString|DecodeString|unhexlify|fromHex|parseHex)$/;

/** Calls that read a header by name. */
const HEADER_GETTERS = /^(get|header|getHeader|Get|get_header|getFirst|headers)$/;

/** Final calls that produce an HMAC's bytes or text: `.digest('hex')`, `.hexdigest()`, `mac.Sum(nil)`, `doFinal`. */
const DIGEST_OUTPUT = /^(digest|hexdigest|doFinal|Sum|EncodeToString|encodeHexString|encodeToString|hmacHex|hmacSha256Hex|toString)$/;

/** A read of a signature header: `req.headers['stripe-signature']`, `r.Header.Get("X-Hub-Signature-256")`. */
export function isSignatureHeaderRead(node: SgNode, language: RuleLanguage): boolean {
  const n = unwrap(node);
  if (!/signature|hmac/i.test(n.text())) return false;
  const k = kindOf(n);
  if (k === CALL_KIND[language]) {
    const segs = calleeSegments(n, language);
    const first = argumentsOf(n)[0];
    const name = first ? stringValue(first, language) : null;
    return HEADER_GETTERS.test(segs[segs.length - 1] ?? '') && !!name && !name.interpolated && isSignatureHeader(name.value);
  }
  if (k === 'subscript_expression' || k === 'subscript' || k === 'index_expression') {
    const name = lastName(n, language);
    const container = fieldOf(n, 'object') ?? fieldOf(n, 'value') ?? fieldOf(n, 'operand');
    const parent = n.parent();
    const assigned = !!parent && /assignment/.test(kindOf(parent)) && fieldOf(parent, 'left')?.id() === n.id();
    return !!name && isSignatureHeader(name) && !assigned && /headers|Header|META/.test(container?.text() ?? '');
  }
  return false;
}

/**
 * True when an expression holds a signature or HMAC: named so (`signature`, `expectedSig`, `computedHmac`;
 * `*Digest` only in a function that computes an HMAC), an HMAC's output (`createHmac(…).digest('hex')`,
 * `hmac.new(…).hexdigest()`, `mac.Sum(nil)`), or a signature header read.
 */
export function isSignatureOperand(node: SgNode, language: RuleLanguage, depth = 0): boolean {
  const n = unwrap(node);
  if (isLiteral(n, language)) return false;
  const name = lastName(n, language);
  if (name && isSignatureName(name)) return true;
  if (name && isDigestName(name)) return /hmac|Mac\.getInstance/i.test(enclosingFunction(n, language)?.text() ?? '');
  // A local holding an HMAC's output: `expected := hex.EncodeToString(mac.Sum(nil))`, `expected = h.hexdigest()`.
  if (kindOf(n) === 'identifier' && depth === 0) {
    const fn = enclosingFunction(n, language);
    return !!fn && assignmentsTo(n.text(), fn, language, n.range().start.line).some((a) => isSignatureOperand(a.value, language, depth + 1));
  }
  if (kindOf(n) === CALL_KIND[language]) {
    const segs = calleeSegments(n, language);
    const method = segs[segs.length - 1] ?? '';
    const args = argumentsOf(n);
    // Encoding wrappers keep the value: `Buffer.from(sig, 'hex')`, `sig.getBytes(UTF_8)`, `sig.encode()`, `decode(sig)`.
    if (BYTE_WRAPPERS.test(method)) {
      const inner = args[0] && !isLiteral(args[0], language) ? args[0] : fieldOf(fieldOf(n, 'function') ?? n, 'object');
      if (inner && isSignatureOperand(inner, language)) return true;
    }
    // A helper that computes one: `computeHmac(payload)`, `sign(body)`; not `verifySignature(…)`, which answers yes or no.
    if (isSignatureName(method) && !/^(verify|validate|check|is|has|get_?header)/i.test(method)) return true;
    if (DIGEST_OUTPUT.test(segs[segs.length - 1] ?? '') && (/hmac/i.test(n.text()) || isHmacObject(segs, n, language))) return true;
    if (language === 'go' && segs.join('.') === 'hex.EncodeToString') {
      const arg = argumentsOf(n)[0];
      return !!arg && isSignatureOperand(arg, language);
    }
    return isSignatureHeaderRead(n, language);
  }
  return false;
}

/** True when the receiver of a digest call is a local created as an HMAC: `mac := hmac.New(…)`, `Mac mac = Mac.getInstance(…)`, `h = hmac.new(…)`. */
function isHmacObject(segs: readonly string[], call: SgNode, language: RuleLanguage): boolean {
  const receiver = segs.length === 2 ? segs[0] : undefined;
  const fn = receiver ? enclosingFunction(call, language) : null;
  if (!receiver || !fn) return false;
  return assignmentsTo(receiver, fn, language, call.range().start.line).some((a) => /hmac|Mac\.getInstance/i.test(a.value.text()));
}

/** True when the other side of a comparison is a value, not `null`/`undefined`/`''`/a type name. */
export function isComparedValue(node: SgNode, language: RuleLanguage): boolean {
  const n = unwrap(node);
  if (isLiteral(n, language)) return false;
  if (kindOf(n) === 'unary_expression' && /^typeof/.test(n.text())) return false;
  return !/^(undefined|None|nil|null)$/.test(n.text()) && !(kindOf(n) === 'member_expression' && fieldOf(n, 'property')?.text() === 'length');
}
