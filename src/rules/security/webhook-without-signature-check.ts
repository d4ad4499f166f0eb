import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleMatch } from '../types.js';
import { isLoggingCall } from './logging-calls.js';
import { isSignatureName } from './secret-names.js';
import { signatureComparisons } from './signature-compare-not-constant-time.js';
import { isSignatureHeader, isSignatureHeaderRead } from './signature-operands.js';
import { argumentsOf, findKinds, isLiteral, parametersOf, unwrap } from './syntax.js';
import { namedFunctions, webhookHandlers, type WebhookHandler } from './webhook-handlers.js';

/** Calls that verify a webhook: provider SDKs, HMAC primitives, constant-time compares, `verify*` helpers. */
const VERIFY =
  /verif|hmac|construct_?event|timing_?safe_?equal|compare_?digest|constant_?time|check_?sig|signature|unsign|is_?valid_?(request|signature|payload|webhook)|ValidatePayload|validate_?(signature|payload|webhook)|MessageDigest\.isEqual|Mac\.getInstance/i;

function calleeText(call: SgNode, language: RuleLanguage): string {
  if (kindOf(call) === 'object_creation_expression') return fieldOf(call, 'type')?.text() ?? '';
  if (kindOf(call) === 'new_expression') return fieldOf(call, 'constructor')?.text() ?? '';
  return calleeSegments(call, language).join('.');
}

const callsIn = (scope: SgNode, language: RuleLanguage): SgNode[] =>
  findKinds(scope, [CALL_KIND[language], 'new_expression', 'object_creation_expression'], language);

/** True when `fn` (or a function of this file it calls, one hop) verifies a signature. */
function verifies(fn: SgNode, language: RuleLanguage, named: Map<string, SgNode>, depth = 0): boolean {
  for (const call of callsIn(fn, language)) {
    const text = calleeText(call, language);
    if (VERIFY.test(text)) return true;
    // `validator.validate(url, params, signature)` (Twilio) — a validate call fed the signature.
    if (/validat/i.test(text) && argumentsOf(call).some((a) => /sig/i.test(a.text()))) return true;
    const segs = text.split('.');
    const local = segs.length === 1 || (segs.length === 2 && /^(this|self|h|s|svc|handler)$/.test(segs[0] ?? ''));
    const target = local ? named.get(segs[segs.length - 1] ?? '') : undefined;
    if (depth === 0 && target && target.id() !== fn.id() && verifies(target, language, named, 1)) return true;
  }
  return false;
}

/** Reads of a signature header in `fn`, with the variable each is stored in (if any). */
interface SignatureRead {
  node: SgNode;
  variable?: string;
}

function variableOf(read: SgNode, fn: SgNode): string | undefined {
  for (const a of read.ancestors()) {
    if (a.id() === fn.id()) return undefined;
    const k = kindOf(a);
    if (k === 'variable_declarator') return fieldOf(a, 'name')?.text();
    if (k === 'assignment' || k === 'assignment_expression') return fieldOf(a, 'left')?.text();
    if (k === 'short_var_declaration' || k === 'assignment_statement') return fieldOf(a, 'left')?.children().find((c) => c.isNamed())?.text();
    if (/statement$/.test(k)) return undefined;
  }
  return undefined;
}

function signatureReads(fn: SgNode, language: RuleLanguage): SignatureRead[] {
  const out: SignatureRead[] = [];
  const kinds = [CALL_KIND[language], 'subscript_expression', 'subscript', 'index_expression'];
  for (const n of findKinds(fn, kinds, language)) {
    if (isSignatureHeaderRead(n, language) && enclosingFunction(n, language)?.id() === fn.id()) out.push({ node: n, variable: variableOf(n, fn) });
  }
  for (const p of parametersOf(fn, language)) {
    const text = p.node.text();
    // Spring `@RequestHeader("Stripe-Signature") String sig`; FastAPI `stripe_signature: str = Header(None)`.
    const springHeader = language === 'java' && /@RequestHeader/.test(text) && (isSignatureName(p.name) || [...text.matchAll(/"([^"]+)"/g)].some((m) => isSignatureHeader(m[1] ?? '')));
    const fastapiHeader = language === 'python' && /=\s*Header\s*\(/.test(text) && (isSignatureName(p.name) || [...text.matchAll(/["']([^"']+)["']/g)].some((m) => isSignatureHeader(m[1] ?? '')));
    if (springHeader || fastapiHeader) out.push({ node: p.node, variable: p.name });
  }
  return out;
}

/** True when the signature goes somewhere that may verify it: an argument of a (non-logging) call, or a return value. */
function passedOn(read: SignatureRead, fn: SgNode, language: RuleLanguage): boolean {
  const handedOver = (n: SgNode): boolean => {
    for (const a of n.ancestors()) {
      if (a.id() === fn.id()) return false;
      const k = kindOf(a);
      if (/^return(_statement)?$/.test(k)) return true;
      if ((k === 'arguments' || k === 'argument_list') && a.parent()) {
        const call = a.parent() as SgNode;
        if (isLoggingCall(call, language)) return false;
        if (!isSignatureHeaderRead(call, language)) return true;
      }
    }
    return false;
  };
  if (handedOver(read.node)) return true;
  if (!read.variable) return false;
  const name = read.variable;
  return fn.findAll({ rule: { kind: 'identifier' } }).some((id) => id.text() === name && id.range().start.index > read.node.range().start.index && handedOver(id));
}

/**
 * True when the stored signature is compared with a computed value (`expected !== sig`): it is checked,
 * however weakly; how it is compared is `signature-compare-not-constant-time`'s finding, not this rule's.
 */
function comparedWithValue(read: SignatureRead, fn: SgNode, language: RuleLanguage): boolean {
  if (!read.variable) return false;
  const name = read.variable;
  const kind = language === 'python' ? 'comparison_operator' : 'binary_expression';
  return fn.findAll({ rule: { kind } }).some((b) => {
    const operands = b.namedChildren().map((c) => unwrap(c));
    const ops = b.children().filter((c) => !c.isNamed()).map((c) => c.text());
    return ops.length === 1 && /^(==|===|!=|!==)$/.test(ops[0] ?? '') && operands.length === 2 && operands.some((o) => o.text() === name) && operands.every((o) => !isLiteral(o, language) && !/^(undefined|None|nil|null)$/.test(o.text()));
  });
}

/** A test that a value is absent: `not sig`, `!sig`, `sig == ""`, `sig is None`, `sig == nil`, `sig == null`, `len(sig) == 0`, `sig.isEmpty()`. */
function testsAbsence(condition: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\(?\\s*(not\\s+${n}|!\\s*${n}|${n}\\s*(===?|is)\\s*(""|''|None|nil|null|undefined)|len\\(${n}\\)\\s*==\\s*0|${n}\\.isEmpty\\(\\)|${n}\\s*==\\s*null)\\s*\\)?$`).test(condition.trim());
}

/** A branch body that lets the request through: `return`, `return None`, `return true`, `return next()`, `return nil` (Go: no error), with no rejection. */
const ACCEPTS = /^\{?\s*(\/\/[^\n]*\n|#[^\n]*\n|\s)*(return(\s+(None|True|true|nil|next\(\)|await next\(\)|chain\.doFilter\([^)]*\)))?;?|next\(\);?\s*return;?|pass)\s*\}?$/;

/**
 * The `if` that returns early, accepting the request, when the signature header is absent
 * (`if not signature: return`): verification that only runs when the sender chooses to sign.
 */
function skipWhenMissing(read: SignatureRead, fn: SgNode, language: RuleLanguage): SgNode | null {
  if (!read.variable) return null;
  for (const branch of findKinds(fn, ['if_statement'], language)) {
    if (branch.range().start.index < read.node.range().start.index) continue;
    const condition = fieldOf(branch, 'condition');
    const body = fieldOf(branch, 'consequence');
    if (!condition || !body || fieldOf(branch, 'alternative')) continue;
    if (testsAbsence(condition.text(), read.variable) && ACCEPTS.test(body.text().trim())) return branch;
  }
  return null;
}

/** Names the handler's request goes by. */
function requestNames(fn: SgNode, language: RuleLanguage): Set<string> {
  const params = parametersOf(fn, language);
  const names = new Set<string>(['req', 'request']);
  if (isTsLike(language) && params[0]) names.add(params[0].name);
  for (const p of params) {
    const whole = language === 'java'
      ? /^(HttpServletRequest|ServerHttpRequest|HttpHeaders|HttpEntity|RequestEntity)\b/.test(p.type) || /@RequestHeader\s+(Map|MultiValueMap|HttpHeaders)\b/.test(p.node.text())
      : /\bRequest\b|\*http\.Request|gin\.Context|echo\.Context|fiber\.Ctx/.test(p.type);
    if (whole) names.add(p.name);
  }
  return names;
}

/** True when the handler consumes the webhook payload itself. */
function readsBody(fn: SgNode, language: RuleLanguage): boolean {
  const names = requestNames(fn, language);
  if (isTsLike(language)) {
    return fn.findAll({ rule: { any: [{ kind: 'member_expression' }, { kind: 'call_expression' }] } }).some((n) => {
      const text = n.text().replace(/\s+/g, '');
      return /^(req|request|ctx\.request|ctx|event|c\.req)\.(body|rawBody)$/.test(text) || /^(req|request|c\.req)\.(json|text|arrayBuffer|formData)\(\)$/.test(text);
    });
  }
  if (language === 'python') {
    return fn.findAll({ rule: { kind: 'attribute' } }).some((a) => names.has(fieldOf(a, 'object')?.text() ?? '') && /^(data|json|form|body|get_data|get_json|stream|values)$/.test(fieldOf(a, 'attribute')?.text() ?? ''));
  }
  if (language === 'go') {
    return fn.findAll({ rule: { kind: 'selector_expression' } }).some((s) => {
      const operand = fieldOf(s, 'operand')?.text() ?? '';
      const field = fieldOf(s, 'field')?.text() ?? '';
      return names.has(operand) && (field === 'Body' || /^(ShouldBindJSON|BindJSON|ShouldBind|Bind|GetRawData)$/.test(field));
    });
  }
  return parametersOf(fn, language).some((p) => /@RequestBody/.test(p.node.text())) || /\.(getInputStream|getReader)\(\)/.test(fn.text());
}

/** True when the whole request (or its headers) is handed to another function, which may verify it. */
function passesRequest(fn: SgNode, language: RuleLanguage): boolean {
  const names = requestNames(fn, language);
  const headerMaps = [...names].flatMap((n) => [`${n}.headers`, `${n}.Header`, `${n}.META`]);
  return fn.findAll({ rule: { kind: CALL_KIND[language] } }).some((call) => {
    if (isLoggingCall(call, language)) return false;
    return argumentsOf(call).some((a) => {
      const text = unwrap(a).text();
      return names.has(text) || headerMaps.includes(text);
    });
  });
}

/** The Stripe verifier in each language, named in findings as the example of a check. */
const VERIFIER_EXAMPLE = { js: 'stripe.webhooks.constructEvent', python: 'stripe.Webhook.construct_event', go: 'webhook.ConstructEvent', java: 'Webhook.constructEvent' } as const;

/** Router-level middleware of this file that verifies (`router.use('/webhooks', verifySignature)`). */
function fileVerifiesInMiddleware(root: SgNode, language: RuleLanguage): boolean {
  return root.findAll({ rule: { kind: CALL_KIND[language] } }).some((call) => {
    const segs = calleeSegments(call, language);
    return /^(use|Use)$/.test(segs[segs.length - 1] ?? '') && argumentsOf(call).some((a) => VERIFY.test(a.text()));
  });
}

function routeLabel(h: WebhookHandler): string {
  if (!h.route) return h.name ? `The webhook handler \`${h.name}\`` : 'This webhook handler';
  const path = /["'`]([^"'`]*webhook[^"'`]*)["'`]/i.exec(h.route)?.[1] ?? h.route;
  return `The \`${quote(path, 50)}\` webhook handler`;
}

/**
 * `webhook-without-signature-check`: a webhook endpoint that trusts its payload. Two shapes: a handler
 * registered on a webhook route (or named like one) that reads the body, reads no signature header,
 * calls no verifier and does not hand the request to anything that could verify it; and any function that
 * reads a signature header (`Stripe-Signature`, `X-Hub-Signature-256`, `X-Slack-Signature`,
 * `X-Twilio-Signature`…) and then neither verifies it nor passes it on. A handler that compares the
 * signature with `===` is left to `signature-compare-not-constant-time`.
 */
export const webhookWithoutSignatureCheck: Rule = {
  id: 'webhook-without-signature-check',
  category: 'security',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Webhook handler does not verify the signature',
  why:
    'Webhook URLs are public: without a signature check anyone can POST a forged `payment_intent.succeeded`, `push` or `message` event, and the handler will fulfil orders, grant access or trigger deploys on the attacker\'s word.',
  fix:
    'Verify the provider\'s signature over the RAW body before parsing or acting on it — `stripe.webhooks.constructEvent(rawBody, req.headers[\'stripe-signature\'], secret)`, `@octokit/webhooks` `verify`, the Slack/Twilio request validators, or an HMAC-SHA256 of the raw body compared with `crypto.timingSafeEqual` / `hmac.compare_digest` / `hmac.Equal` / `MessageDigest.isEqual` — answer 400/401 on mismatch, and reject stale timestamps to stop replays.',
  exemptions:
    'Silent when the handler (or a same-file function it calls, or route middleware) calls a verifier (`constructEvent`, `verify*`, HMAC primitives, constant-time compares); when the signature header is handed to another function or compared with a computed value (a weak compare is `signature-compare-not-constant-time`\'s finding); when the whole request or its headers go to another function; for routes that manage webhook subscriptions rather than receive them; and when a router-level middleware of the file verifies.',
  confidence: 0.75, // estimate: its one firing on the real-world corpus (DEBATABLE: a compared header called never verified) no longer happens
  check(ctx) {
    const { language } = ctx;
    // Cheap gate: every shape this rule knows mentions a webhook route or name, or a signature header.
    if (!/webhook|signature|hmac/i.test(ctx.source)) return [];
    const root = ctx.root.root();
    const named = namedFunctions(root, language);
    const handlers = webhookHandlers(root, language, ctx.path);
    const routed = new Map(handlers.map((h) => [h.fn.id(), h]));
    // Functions that read a signature header are webhook handlers too, routed or not.
    const functions = new Map<number, SgNode>(handlers.map((h) => [h.fn.id(), h.fn]));
    const readers = [
      ...findKinds(root, [CALL_KIND[language], 'subscript_expression', 'subscript', 'index_expression'], language).filter((n) => isSignatureHeaderRead(n, language)),
      ...findKinds(root, ['formal_parameter', 'typed_default_parameter', 'default_parameter'], language).filter((p) => /@RequestHeader|Header\s*\(/.test(p.text())),
    ];
    for (const n of readers) {
      const fn = enclosingFunction(n, language);
      // An unrouted function's findings lie within it: one the change did not touch need not be judged.
      if (fn && !functions.has(fn.id()) && inChange(ctx, fn) && signatureReads(fn, language).length > 0) functions.set(fn.id(), fn);
    }
    if (functions.size === 0 || fileVerifiesInMiddleware(root, language)) return [];

    const matches: RuleMatch[] = [];
    for (const fn of functions.values()) {
      const handler = routed.get(fn.id());
      // Findings lie within the function, or on its route registration.
      if (!inChange(ctx, fn) && !(handler && inChange(ctx, handler.anchor))) continue;
      const skip = signatureReads(fn, language).map((r) => skipWhenMissing(r, fn, language)).find((n) => !!n);
      if (skip) {
        matches.push({
          line: lineOf(skip),
          title: 'Webhook signature check skipped when the header is missing',
          detail: `\`${quote(skip.text().split('\n')[0] ?? '', 60)}\` accepts the request when it carries no signature at all, so a forger only has to leave the header out.`,
        });
        continue;
      }
      if (verifies(fn, language, named) || signatureComparisons(fn, language).length > 0) continue;
      if (handler?.middleware.some((m) => VERIFY.test(m.text()) || /sig|auth/i.test(m.text().replace(/["'`][^"'`]*["'`]/g, '')))) continue;
      const reads = signatureReads(fn, language);
      if (reads.length > 0) {
        if (reads.some((r) => passedOn(r, fn, language) || comparedWithValue(r, fn, language))) continue;
        const read = reads[0] as SignatureRead;
        const quoted = [...read.node.text().matchAll(/["']([^"']+)["']/g)].map((m) => m[1] ?? '').find(isSignatureHeader);
        const header = quoted ?? (read.variable && isSignatureHeader(read.variable) ? read.variable.replace(/_/g, '-') : 'signature');
        matches.push({
          line: lineOf(read.node),
          title: 'Webhook signature header read but never verified',
          detail: `\`${quote(read.node.text(), 60)}\` reads the \`${header}\` header, but nothing in this handler verifies it against the payload (at most it checks that the header is present).`,
        });
        continue;
      }
      if (handler && readsBody(fn, language) && !passesRequest(fn, language)) {
        matches.push({
          line: lineOf(handler.anchor),
          detail: `${routeLabel(handler)} acts on the request body without verifying the sender: it reads no signature header and calls no verifier such as \`${VERIFIER_EXAMPLE[isTsLike(language) ? 'js' : language === 'python' ? 'python' : language === 'go' ? 'go' : 'java']}\`.`,
        });
      }
    }
    return matches.sort((a, b) => a.line - b.line);
  },
};

