import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { CALL_KIND, callLabel, calleeSegments } from '../ast/external-call.js';
import { findInScope, isFunctionNode, isTsLike } from '../ast/function-scope.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import { nonIdempotentKind } from './non-idempotent-call.js';
import { retryDecorators, retryableAnnotations } from './retry-annotations.js';
import { retryLoops } from './retry-loops.js';

/** Any mention of an idempotency key (header, Stripe option, PayPal request id, SQS/SNS deduplication id). */
const IDEMPOTENCY = /idempot|paypal-request-id|deduplication/i;
/** TS/JS retry helpers that take the operation as a function: p-retry, async-retry, exponential-backoff, home-made. */
const TS_RETRY_WRAPPER = /^(pRetry|retry|asyncRetry|backOff|withRetry|withRetries|retryAsync|retrying)$/;

/**
 * A POST, charge or create call to an external API inside a retry (loop, retry decorator or wrapper,
 * axios-retry or urllib3 `Retry` configured for POST, Spring `@Retryable`) with no idempotency key.
 */
export const retryNonIdempotentPost: Rule = {
  id: 'retry-non-idempotent-post',
  category: 'resilience',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Non-idempotent call retried without an idempotency key',
  why:
    'A POST or create/charge call is not idempotent: when an attempt reaches the provider but the response is lost (timeout, 502, connection reset), the retry performs the operation again, and the customer is charged twice or gets a duplicate order or message.',
  fix:
    'Send an idempotency key that stays the same across attempts (create it once, before retrying): an `Idempotency-Key` header, Stripe `{ idempotencyKey }` / `idempotency_key=` / `params.SetIdempotencyKey(...)` / `RequestOptions.builder().setIdempotencyKey(...)`. Otherwise retry only failures where the request provably never reached the server (connection refused), or make the operation idempotent upstream (upsert by a client-generated id).',
  exemptions:
    'Silent when the file sends an idempotency key anywhere (header, SDK option), for GET/PUT/DELETE and reads, for retries limited to connection errors that never reached the server, and for calls that are not retried.',
  // No firing on the real-world corpus yet (0 judged): an estimate.
  confidence: 0.75,
  check(ctx: RuleContext): RuleMatch[] {
    if (IDEMPOTENCY.test(ctx.source)) return [];
    const root = ctx.root.root();
    const { language } = ctx;
    const contexts: Array<{ scope: SgNode; via: string }> = retryLoops(root, language).map((r) => ({ scope: r.loop, via: `the retry loop \`${head(r.loop)}\`` }));
    if (language === 'python') for (const d of retryDecorators(root, ctx.source)) contexts.push({ scope: d.fn, via: `\`${quote(d.node.text(), 50)}\`` });
    if (language === 'java') for (const a of retryableAnnotations(root)) contexts.push({ scope: a.method, via: '`@Retryable`' });
    if (isTsLike(language)) contexts.push(...tsRetryWrappers(root, language));
    const out: RuleMatch[] = [];
    const seen = new Set<number>();
    // Each match is a call's line, inside its retry scope. A changed call's first scope holds it, so it is judged
    // there as without the filter; `seen` differs only for unchanged calls, whose matches are dropped anyway.
    for (const { scope, via } of contexts) {
      if (!inChange(ctx, scope)) continue;
      for (const call of findInScope(scope, { rule: { kind: CALL_KIND[language] } }, language)) {
        if (seen.has(call.id()) || !inChange(ctx, call) || !outermost(call, language)) continue;
        const kind = nonIdempotentKind(call, language);
        if (!kind) continue;
        seen.add(call.id());
        out.push({ line: lineOf(call), detail: detail(call, language, kind, via) });
      }
    }
    if (isTsLike(language)) out.push(...axiosRetryPosts(root, ctx, seen));
    if (language === 'python') out.push(...urllib3PostRetries(root, ctx));
    return out;
  },
};

function head(loop: SgNode): string {
  const first = quote(loop.text().split('\n')[0]?.replace(/\{\s*$/, '').replace(/:\s*$/, '') ?? '', 40);
  return first === 'for' ? 'for {' : first;
}

function detail(call: SgNode, language: RuleLanguage, kind: string, via: string): string {
  const what = kind === 'POST' ? 'POST' : `\`${kind}\` call`;
  return `\`${callLabel(call)}\` is a ${what} retried by ${via} without an idempotency key: if an attempt succeeds but its response is lost, the retry repeats it.`;
}

/** Only the outermost call of a chain (`webClient.post().uri(u).retrieve()`): one finding per statement. */
function outermost(call: SgNode, language: RuleLanguage): boolean {
  const parent = call.parent();
  if (!parent) return true;
  if (language === 'java') return !(kindOf(parent) === 'method_invocation' && fieldOf(parent, 'object')?.id() === call.id());
  const grand = parent.parent();
  return !(['member_expression', 'attribute', 'selector_expression'].includes(kindOf(parent)) && grand && kindOf(grand) === CALL_KIND[language]);
}

/** `pRetry(() => ..., opts)`, `retry(async (bail) => ..., opts)`, `backOff(() => ...)`: the function retried. */
function tsRetryWrappers(root: SgNode, language: RuleLanguage): Array<{ scope: SgNode; via: string }> {
  const out: Array<{ scope: SgNode; via: string }> = [];
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', kind: 'identifier' } } })) {
    const name = fieldOf(call, 'function')?.text() ?? '';
    if (!TS_RETRY_WRAPPER.test(name)) continue;
    const fn = (fieldOf(call, 'arguments')?.children() ?? []).find((a) => isFunctionNode(a, language));
    if (fn) out.push({ scope: fn, via: `\`${name}(…)\`` });
  }
  return out;
}

/**
 * axios-retry retries only idempotent methods by default; a custom `retryCondition` that does not check
 * idempotency makes it retry POSTs too. Flags POSTs made through that instance.
 */
function axiosRetryPosts(root: SgNode, ctx: RuleContext, seen: Set<number>): RuleMatch[] {
  const { language } = ctx;
  const instances = new Set<string>();
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', regex: '^axiosRetry$' } } })) {
    const [instance, config] = (fieldOf(call, 'arguments')?.namedChildren() ?? []);
    if (!instance || !config || kindOf(config) !== 'object') continue;
    const condition = config.children().find((p) => kindOf(p) === 'pair' && fieldOf(p, 'key')?.text() === 'retryCondition');
    if (condition && !/Idempotent/.test(condition.text())) instances.add(instance.text());
  }
  if (instances.size === 0) return [];
  return root
    .findAll({ rule: { kind: 'call_expression' } })
    .filter((call) => {
      if (!inChange(ctx, call)) return false; // its match is the call's line
      const segs = calleeSegments(call, language);
      return !seen.has(call.id()) && segs.length === 2 && instances.has(segs[0] ?? '') && segs[1] === 'post';
    })
    .map((call) => ({
      line: lineOf(call),
      detail: `\`${callLabel(call)}\` is a POST through an axios-retry instance whose \`retryCondition\` does not check idempotency, and it sends no idempotency key: a retried POST can be performed twice.`,
    }));
}

/** urllib3 `Retry(allowed_methods=[..., "POST"])` (or `method_whitelist`, or `False` = every method) mounted on a session. */
function urllib3PostRetries(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const call of root.findAll({ rule: { kind: 'call', has: { field: 'function', regex: '^(urllib3\\.util\\.retry\\.|urllib3\\.util\\.|urllib3\\.)?Retry$' } } })) {
    if (!inChange(ctx, call)) continue; // its match is the call's line
    const kw = (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => kindOf(c) === 'keyword_argument');
    const methods = kw.find((k) => /^(allowed_methods|method_whitelist)$/.test(fieldOf(k, 'name')?.text() ?? ''));
    const value = methods ? (fieldOf(methods, 'value')?.text() ?? '') : '';
    if (!methods || !(/['"]POST['"]/i.test(value) || value === 'False' || value === 'None')) continue;
    out.push({
      line: lineOf(call),
      detail: `\`${quote(call.text(), 60)}\` makes the session retry POST requests, and no idempotency key is sent: a POST whose response was lost is performed again.`,
    });
  }
  return out;
}
