import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { calleeSegments, isExternalCall } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';

/** Clients whose create/charge/send calls move money or send messages. */
const SIDE_EFFECT_RECEIVER = /stripe|paypal|refund|paymentintent|payout|transfer|braintree|adyen|square|razorpay|mollie|payment|billing|charge|twilio|sendgrid|sgmail|mailgun|postmark|mailer|transporter/;
const SIDE_EFFECT_METHOD = /^(create|charge|capture|confirm|refund|transfer|payout|pay|send|sendmail|sendemail|sendmessage|createcharge|createpayment)$/;
/** stripe-go client services (`sc.PaymentIntents.New`, `sc.V1Refunds.Create`). */
const STRIPE_GO_SERVICE = /^(V1)?(PaymentIntents|Charges|Refunds|Transfers|Payouts|Customers|Subscriptions|Invoices)$/;

const norm = (s: string): string => s.toLowerCase().replace(/_/g, '');

/**
 * The kind of non-idempotent external call `call` is (`POST`, or the SDK method, e.g. `create`), or null.
 * Covers HTTP POSTs (axios/got/requests/httpx/fetch with `method: 'POST'`, Go `http.Post`/`client.Do` of a POST request,
 * RestTemplate/WebClient/HttpRequest POSTs) and payment/messaging SDK mutations.
 */
export function nonIdempotentKind(call: SgNode, language: RuleLanguage): string | null {
  const segs = calleeSegments(call, language);
  const method = segs[segs.length - 1] ?? '';
  const receivers = segs.slice(0, -1).filter((s) => s !== 'this' && s !== 'self');
  const args = (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => c.isNamed() && kindOf(c) !== 'comment');
  const external = isExternalCall(call, language);
  if (isTsLike(language)) {
    if (method === 'post' && external) return 'POST';
    if ((segs.length === 1 && /^(fetch|axios|got)$/.test(method)) || (segs[0] === 'axios' && method === 'request')) {
      return args.some((a) => kindOf(a) === 'object' && /\bmethod\s*:\s*['"`]post['"`]/i.test(a.text())) ? 'POST' : null;
    }
  } else if (language === 'python') {
    if (method === 'post' && external) return 'POST';
    if (method === 'request' && external && /^['"]post['"]$/i.test(args[0]?.text() ?? '')) return 'POST';
  } else if (language === 'go') {
    if (/^(Post|PostForm)$/.test(method) && external) return 'POST';
    if (method === 'Do' && external && isPostRequest(call, args[0])) return 'POST';
    if (receivers.some((r) => STRIPE_GO_SERVICE.test(r)) && /^(New|Create|Confirm|Capture)$/.test(method)) return method;
    if (external && receivers.length === 1 && /^(charge|paymentintent|refund|transfer|payout)$/.test(receivers[0] ?? '') && /^(New|Confirm|Capture)$/.test(method)) return method;
  } else {
    if (/^(postForObject|postForEntity|postForLocation)$/.test(method) && external) return 'POST';
    if (method === 'exchange' && external && args.some((a) => /HttpMethod\.POST/.test(a.text()))) return 'POST';
    if (segs[0] === 'HttpRequest' && segs.includes('POST')) return 'POST';
    if (external && segs.includes('post') && /webclient|client/i.test(segs[0] ?? '')) return 'POST';
  }
  if (external && SIDE_EFFECT_METHOD.test(norm(method)) && receivers.some((r) => SIDE_EFFECT_RECEIVER.test(norm(r)))) return method;
  return null;
}

/** Go: whether the request passed to `client.Do(req)` was built as a POST in the same function. */
function isPostRequest(call: SgNode, reqArg: SgNode | undefined): boolean {
  if (!reqArg) return false;
  const name = reqArg.text();
  const fn = enclosingFunction(call, 'go');
  if (!fn) return false;
  return fn.findAll({ rule: { any: [{ kind: 'short_var_declaration' }, { kind: 'assignment_statement' }] } }).some((decl) => {
    const [left, right] = decl.children().filter((c) => kindOf(c) === 'expression_list');
    if (!left?.children().some((c) => c.text() === name)) return false;
    const text = right?.text() ?? '';
    return /http\.NewRequest(WithContext)?\(/.test(text) && /("POST"|http\.MethodPost)/.test(text);
  });
}
