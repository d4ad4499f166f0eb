import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { findInScope, isTsLike } from './function-scope.js';
import { fieldOf, kindOf, quote } from './node-text.js';

/** The node kind of a call, per language (Java: a method invocation; constructors are not calls here). */
export const CALL_KIND: Record<RuleLanguage, string> = {
  typescript: 'call_expression',
  tsx: 'call_expression',
  javascript: 'call_expression',
  python: 'call',
  go: 'call_expression',
  java: 'method_invocation',
};

/**
 * Receivers that are clients of something outside the process: HTTP clients, payment/messaging SDKs,
 * cloud SDKs, queues, caches, databases. Matched against each receiver segment, lower-cased, underscores removed.
 */
const EXTERNAL_RECEIVER =
  /^(axios|got|ky|superagent|needle|undici|requests|httpx|aiohttp|urllib\d?|http|https|httpclient|resttemplate|webclient|okhttp|feign|stripe|paypal|braintree|adyen|square|razorpay|mollie|twilio|sendgrid|sgmail|mailgun|postmark|resend|nodemailer|transporter|mailer|ses|sns|sqs|s3|dynamo(db)?|documentclient|docclient|kinesis|eventbridge|firehose|lambda|boto3|kafka|producer|publisher|pubsub|amqp|rabbit(mq)?|nats|redis|rdb|memcached?|prisma|knex|sequelize|mongoose|mongo(db)?|db|database|conn|connection|cursor|tx|supabase|firestore|octokit|github|slack|openai|anthropic|hubspot|salesforce|shopify|client|api|entitymanager|(rest|jdbc|namedparameterjdbc|kafka|rabbit|redis|stringredis|mongo|jms|amqp|webservice)template|\w+client|\w+api|\w+sdk|\w+gateway|\w+repository|\w+repo|\w+producer|\w+publisher|\w+db|\w+redis)$/;

/** Receivers that are external in one language but usually in-memory in another. */
const EXTRA_RECEIVER: Partial<Record<RuleLanguage, RegExp>> = {
  typescript: /^(pool|queue|\w+queue)$/,
  tsx: /^(pool|queue|\w+queue)$/,
  javascript: /^(pool|queue|\w+queue)$/,
  python: /^(session|pool|\w+session|\w+queue)$/,
};

/** Methods that release or inspect a client rather than call out through it. */
const LOCAL_METHOD =
  /^(close|quit|disconnect|end|destroy|release|shutdown|stop|flush|sync|rollback|dispose|unsubscribe|on|once|off|emit|addlistener|removelistener|removealllisteners|tostring|tojson|getconfig|constructevent|isaxioserror|iscancel|builder|newbuilder|newhttpclient)$/;

/** Global functions that do HTTP by themselves. */
const HTTP_FUNCTIONS: Partial<Record<RuleLanguage, RegExp>> = {
  typescript: /^(fetch|axios|got|ky|superagent|needle)$/,
  tsx: /^(fetch|axios|got|ky|superagent|needle)$/,
  javascript: /^(fetch|axios|got|ky|superagent|needle)$/,
  python: /^urlopen$/,
};

/** stripe-go resource packages whose functions call the Stripe API (`paymentintent.New(params)`). */
const STRIPE_GO_PACKAGES = /^(charge|paymentintent|refund|transfer|payout|setupintent|checkout|session)$/;
/** stripe-java resource classes whose static methods call the Stripe API (`PaymentIntent.create(params)`). */
const STRIPE_JAVA_CLASSES = /^(Charge|PaymentIntent|Refund|Transfer|Payout|SetupIntent|PaymentLink)$/;

const normalize = (segment: string): string => segment.toLowerCase().replace(/_/g, '');

/** The callee of a call node (Java: the invocation itself, whose `object` and `name` fields are the callee). */
export function calleeOf(call: SgNode, language: RuleLanguage): SgNode {
  if (language === 'java') return call;
  return fieldOf(call, 'function') ?? call;
}

/**
 * Name segments of an expression, outermost receiver first, looking through chained calls:
 * `this.stripe.charges.create` → `['this', 'stripe', 'charges', 'create']`,
 * `db.collection('users').insertOne` → `['db', 'collection', 'insertOne']`. Unknown parts become `?`.
 */
export function segmentsOf(node: SgNode, language: RuleLanguage): string[] {
  const k = kindOf(node);
  const field = (name: string): SgNode | null => fieldOf(node, name);
  const inner = (child: SgNode | null | undefined): string[] => (child ? segmentsOf(child, language) : ['?']);
  switch (k) {
    case 'identifier':
    case 'this':
    case 'super':
    case 'property_identifier':
    case 'private_property_identifier':
    case 'field_identifier':
    case 'package_identifier':
    case 'type_identifier':
      return [node.text()];
    case 'member_expression':
      return [...inner(field('object')), field('property')?.text() ?? '?'];
    case 'attribute':
      return [...inner(field('object')), field('attribute')?.text() ?? '?'];
    case 'selector_expression':
      return [...inner(field('operand')), field('field')?.text() ?? '?'];
    case 'field_access':
      return [...inner(field('object')), field('field')?.text() ?? '?'];
    case 'method_invocation': {
      const object = field('object');
      return [...(object ? segmentsOf(object, language) : []), field('name')?.text() ?? '?'];
    }
    case 'call_expression':
    case 'call':
      return inner(field('function'));
    case 'subscript_expression':
    case 'index_expression':
    case 'subscript':
      return inner(field('object') ?? field('operand') ?? field('value'));
    case 'await_expression':
    case 'await':
    case 'parenthesized_expression':
    case 'non_null_expression':
    case 'as_expression':
      return inner(node.children().find((c) => c.isNamed()));
    default:
      return ['?'];
  }
}

/** Callee segments of a call: `stripe.charges.create(...)` → `['stripe', 'charges', 'create']`. */
export function calleeSegments(call: SgNode, language: RuleLanguage): string[] {
  return segmentsOf(calleeOf(call, language), language);
}

/** True when one of the receiver segments names an external client. */
export function hasExternalReceiver(receivers: readonly string[], language: RuleLanguage): boolean {
  const extra = EXTRA_RECEIVER[language];
  return receivers.some((r) => {
    const n = normalize(r);
    return EXTERNAL_RECEIVER.test(n) || (extra?.test(n) ?? false);
  });
}

/**
 * True when a call goes out of the process: HTTP, a payment/messaging/cloud SDK, a queue, a cache or a database.
 * A name-based heuristic tuned for precision: `client.close()` or `stripe.webhooks.constructEvent(...)` are not calls out.
 */
export function isExternalCall(call: SgNode, language: RuleLanguage): boolean {
  if (kindOf(call) !== CALL_KIND[language]) return false;
  const segs = calleeSegments(call, language);
  const method = segs[segs.length - 1] ?? '?';
  const receivers = segs.slice(0, -1).filter((s) => s !== 'this' && s !== 'self' && s !== '?');
  if (segs.length === 1) return HTTP_FUNCTIONS[language]?.test(method) ?? false;
  if (LOCAL_METHOD.test(normalize(method))) return false;
  if (language === 'python' && /^[A-Z]/.test(method)) return false; // requests.Session(), boto3 class construction
  if (language === 'go') {
    if (receivers.length === 1 && receivers[0] === 'http') return /^(Get|Post|Head|PostForm)$/.test(method);
    if (receivers.includes('DefaultClient')) return true;
    if (receivers.length === 1 && STRIPE_GO_PACKAGES.test(receivers[0] ?? '')) return /^(New|Capture|Confirm|Get|Update|Cancel)$/.test(method);
    if (/^New/.test(method)) return false;
  }
  if (language === 'java') {
    if (receivers.length === 1 && STRIPE_JAVA_CLASSES.test(receivers[0] ?? '')) return /^(create|capture|confirm|retrieve|update|cancel)$/.test(method);
    if (/^new[A-Z]/.test(method)) return false;
  }
  if (isTsLike(language) && segs[0] === 'axios') return true;
  return hasExternalReceiver(receivers, language);
}

/** External calls made by `scope` itself (not by functions nested in it). */
export function externalCallsIn(scope: SgNode, language: RuleLanguage): SgNode[] {
  return findInScope(scope, { rule: { kind: CALL_KIND[language] } }, language).filter((c) => isExternalCall(c, language));
}

/** The callee of a call quoted for a finding: `stripe.charges.create(…)`. */
export function callLabel(call: SgNode, _language?: RuleLanguage): string {
  const args = fieldOf(call, 'arguments');
  const text = call.text();
  // The argument list always closes the call, so the callee is everything before it.
  const head = args ? text.slice(0, text.length - args.text().length) : text;
  return `${quote(head, 60)}(…)`;
}
