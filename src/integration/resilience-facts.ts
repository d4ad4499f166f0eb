import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { memoisedForNode } from '../rules/ast/file-memo.js';
import { enclosingFunction, languageFamily } from '../rules/ast/function-scope.js';
import { kindOf, lineOf } from '../rules/ast/node-text.js';
import { retryDecorators, retryableAnnotations } from '../rules/resilience/retry-annotations.js';
import { isConstantDelay, retryLoops } from '../rules/resilience/retry-loops.js';
import type { ResilienceFacts } from './types.js';

/** What the facts of every call of one file are computed from, found once per file. */
export interface FileResilience {
  /** Lines the `http-call-without-timeout` rule reports: a call (or the client it uses) without a timeout. */
  missingTimeout: ReadonlySet<number>;
  /** Retried calls by node id, with how. */
  retried: Map<number, 'backoff' | 'fixed'>;
  /** Functions (by node id) retried as a whole by a decorator or annotation, with how. */
  retriedFunctions: Map<number, 'backoff' | 'fixed'>;
  source: string;
  lines: readonly string[];
  /** The file names a retry helper somewhere (`RETRY_WRAPPER`): without one, no call is handed to one. */
  namesRetryWrapper: boolean;
  /** A handler somewhere throws or raises a new error (`THROWS_NEW`): without one, no `try` translates a failure. */
  throwsNew: boolean;
}

/** Reads a file's retry loops, retry decorators and annotations once; `missingTimeout` comes from the timeout rule. */
export function fileResilience(root: SgNode, language: RuleLanguage, source: string, missingTimeout: ReadonlySet<number>): FileResilience {
  const retried = new Map<number, 'backoff' | 'fixed'>();
  for (const loop of retryLoops(root, language)) {
    const growing = loop.delays.some((d) => d !== null && !isConstantDelay(d, loop, language));
    const how = growing ? 'backoff' : 'fixed';
    for (const call of loop.calls) retried.set(call.id(), how);
  }
  const retriedFunctions = new Map<number, 'backoff' | 'fixed'>();
  if (language === 'python') for (const d of retryDecorators(root, source)) retriedFunctions.set(d.fn.id(), d.wait === 'growing' ? 'backoff' : 'fixed');
  if (language === 'java') for (const a of retryableAnnotations(root)) retriedFunctions.set(a.method.id(), a.exponential ? 'backoff' : 'fixed');
  return { missingTimeout, retried, retriedFunctions, source, lines: source.split('\n'), namesRetryWrapper: RETRY_WRAPPER.test(source), throwsNew: THROWS_NEW.test(source) };
}

/** A handler that throws or raises an error of its own: the failure is translated. */
const THROWS_NEW = /\bthrow\s+new\s+\w+|\braise\s+\w+/;

const RETRY_WRAPPER = /\b(pRetry|p-retry|retry|retryAsync|withRetry|withRetries|retryWithBackoff|asyncRetry|backoff\.Retry\w*|backoff\.on_exception|Retry\.decorate\w*|RetryTemplate|retryTemplate\.execute|tenacity|Retrying|AsyncRetrying)\s*[(.]/;
const BREAKER = /\b(breaker|circuitBreaker|CircuitBreaker|opossum|gobreaker|pybreaker|hystrix|Hystrix|circuit_breaker|cb\.(Execute|fire|call))\b/;
const RATE_LIMIT = /\b(limiter|rateLimiter|RateLimiter|rate\.NewLimiter|Bottleneck|bottleneck|pLimit|p-limit|throttle|Throttle|ratelimit|RateLimit|semaphore\.acquire)\b/;
const IDEMPOTENCY = /idempotency[_-]?key|Idempotency-Key|idempotencyKey|IdempotencyKey/i;

/**
 * The resilience facts of one external call: what the call, its client, the function around it and the
 * file's retry machinery show. Unknown stays unknown (`timeout` undefined), so a map never claims an
 * absence it did not see.
 */
export function callFacts(call: SgNode, language: RuleLanguage, file: FileResilience): ResilienceFacts {
  const fn = enclosingFunction(call, language);
  // Every call of a function asks for its text: read once per function.
  const fnText = fn ? memoisedForNode(FUNCTION_TEXT, fn, () => fn.text()) : '';
  const callText = call.text();
  const line = lineOf(call);
  const facts: ResilienceFacts = {
    breaker: BREAKER.test(fnText) || BREAKER.test(decoratorsOf(fn)),
    idempotencyKey: IDEMPOTENCY.test(callText) || argumentBuiltWithKey(call, fnText),
    rateLimited: RATE_LIMIT.test(fnText),
    errorTranslation: translatesError(call, callText, language, fnText, file),
  };
  const timeout = timeoutOf(callText, language, file, fnText, line);
  if (timeout) {
    facts.timeout = timeout.set;
    if (timeout.ms !== undefined) facts.timeoutMs = timeout.ms;
  }
  const retry = file.retried.get(call.id()) ?? (fn ? file.retriedFunctions.get(fn.id()) : undefined) ?? (file.namesRetryWrapper && wrappedInRetry(call) ? 'backoff' : undefined);
  if (retry) facts.retry = retry;
  return facts;
}

const FUNCTION_TEXT = {};

/** An argument variable built with an idempotency key earlier in the function (`RequestOptions options = …setIdempotencyKey(…)`). */
function argumentBuiltWithKey(call: SgNode, fnText: string): boolean {
  if (!IDEMPOTENCY.test(fnText)) return false;
  const args = call.children().find((c) => /^(arguments|argument_list)$/.test(kindOf(c)));
  for (const a of args?.children() ?? []) {
    if (kindOf(a) !== 'identifier') continue;
    if (fnText.split('\n').some((l) => new RegExp(`\\b${a.text()}\\s*(?::=|=)`).test(l) && IDEMPOTENCY.test(l))) return true;
  }
  return false;
}

function decoratorsOf(fn: SgNode | null): string {
  if (!fn) return '';
  const parent = fn.parent();
  if (parent && kindOf(parent) === 'decorated_definition') return parent.text();
  // Java annotations are modifiers of the method itself (already in its text).
  return '';
}

/** A call handed to a retry helper: `pRetry(() => client.get(url))`, `retry.execute(() -> api.call())`. */
function wrappedInRetry(call: SgNode): boolean {
  for (let p = call.parent(), depth = 0; p && depth < 8; p = p.parent(), depth++) {
    const k = kindOf(p);
    if (/^(call_expression|call|method_invocation)$/.test(k) && RETRY_WRAPPER.test(p.text().slice(0, 80))) return true;
    if (/statement$|^block$|^statement_block$/.test(k)) return false;
  }
  return false;
}

/** Timeout facts: the rule's verdict (missing), a timeout in the call or in its client's construction, or a Go context deadline. */
function timeoutOf(callText: string, language: RuleLanguage, file: FileResilience, fnText: string, line: number): { set: boolean; ms?: number } | undefined {
  if (file.missingTimeout.has(line)) return { set: false };
  const own = timeoutIn(callText, language);
  if (own) return own;
  // The client the call goes through, built in this file with a timeout (`axios.create({ timeout })`,
  // `http: &http.Client{Timeout: …}`, `new Stripe(key, { timeout })`): any receiver segment, nearest first.
  for (const receiver of receiversOf(callText)) {
    const assigned = new RegExp(`\\b${receiver}\\s*(?::=|=|:)`);
    const built = file.lines.find((l) => assigned.test(l) && /timeout|Timeout|deadline/.test(l));
    if (built) return timeoutIn(built, language) ?? { set: true };
    if (file.missingTimeout.size > 0 && file.lines.some((l, i) => file.missingTimeout.has(i + 1) && assigned.test(l))) return { set: false };
  }
  if (languageFamily(language) === 'go' && /context\.With(Timeout|Deadline)\(/.test(fnText)) {
    const m = /context\.WithTimeout\([^,]+,\s*([^)]+)\)/.exec(fnText);
    return { set: true, ...(m ? msOf(m[1]!, 'go') : {}) };
  }
  return undefined;
}

/** Receiver names of a call's text, nearest the method first: `this.stripe.refunds.create(…)` → refunds, stripe. */
function receiversOf(callText: string): string[] {
  const head = /^(?:await\s+)?([A-Za-z_][\w.]*)\s*\(/.exec(callText)?.[1] ?? '';
  return head
    .split('.')
    .slice(0, -1)
    .filter((s) => s !== 'this' && s !== 'self')
    .reverse();
}

/** A timeout written in a piece of code, with its value in ms when it is a literal. */
function timeoutIn(text: string, language: RuleLanguage): { set: boolean; ms?: number } | undefined {
  const family = languageFamily(language);
  let m = /AbortSignal\.timeout\(\s*([\d_]+)\s*\)/.exec(text);
  if (m) return { set: true, ms: Number(m[1]!.replace(/_/g, '')) };
  m = /\btimeout\s*[:=]\s*\(\s*[\d.]+\s*,\s*([\d.]+)\s*\)/.exec(text); // requests (connect, read)
  if (m) return { set: true, ms: Math.round(Number(m[1]) * 1000) };
  m = /\b[Tt]imeout\s*[:=]\s*([^,)}\n]+)/.exec(text);
  if (m) return { set: true, ...msOf(m[1]!.trim(), family) };
  m = /\.(?:timeout|connectTimeout|readTimeout|responseTimeout)\(\s*([^)]*\)?)\s*\)/.exec(text);
  if (m) return { set: true, ...msOf(m[1]!.trim(), family) };
  if (/\bsignal\s*:/.test(text) || /\b(WithTimeout|WithDeadline|deadline)\b/.test(text)) return { set: true };
  return undefined;
}

/** `5000` (JS: ms), `10` / `2.5` (Python: s), `5 * time.Second`, `Duration.ofSeconds(5)`, `{ request: 10_000 }`. */
function msOf(expr: string, family: ReturnType<typeof languageFamily>): { ms?: number } {
  let m = /Duration\.of(Millis|Seconds|Minutes)\(\s*(\d+)L?\s*\)/.exec(expr);
  if (m) return { ms: Number(m[2]) * (m[1] === 'Millis' ? 1 : m[1] === 'Seconds' ? 1000 : 60_000) };
  m = /^(\d+)\s*\*\s*time\.(Millisecond|Second|Minute)\b/.exec(expr);
  if (m) return { ms: Number(m[1]) * (m[2] === 'Millisecond' ? 1 : m[2] === 'Second' ? 1000 : 60_000) };
  m = /^time\.(Millisecond|Second|Minute)\b/.exec(expr);
  if (m) return { ms: m[1] === 'Millisecond' ? 1 : m[1] === 'Second' ? 1000 : 60_000 };
  m = /(?:^|request\s*:\s*)([\d_]+(?:\.\d+)?)\b/.exec(expr.replace(/^\{\s*/, ''));
  if (m) {
    const n = Number(m[1]!.replace(/_/g, ''));
    return { ms: family === 'python' ? Math.round(n * 1000) : n };
  }
  return {};
}

/**
 * The call's failure becomes the caller's own error: a `try` around it whose handler throws or raises a new
 * error (JS/Java/Python), or, in Go, an error check right after it that wraps (`%w`, `errors.Wrap`) or returns
 * a named error.
 */
function translatesError(call: SgNode, callText: string, language: RuleLanguage, fnText: string, file: FileResilience): boolean {
  if (language === 'go') {
    const after = fnText.slice(fnText.indexOf(callText) + callText.length);
    const check = /^[^\n]*\n\s*if\s+err\s*!=\s*nil\s*\{([\s\S]*?)\n\s*\}/.exec(after) ?? /^[^\n]*;\s*err\s*!=\s*nil\s*\{([\s\S]*?)\n\s*\}/.exec(after);
    return !!check && /fmt\.Errorf\([^)]*%w|errors\.Wrap|&\w+Error\{|\bNew\w*Err\w*\(|\bErr[A-Z]\w*/.test(check[1] ?? '');
  }
  if (!file.throwsNew) return false;
  for (let p = call.parent(); p; p = p.parent()) {
    const k = kindOf(p);
    if (k === 'try_statement' || k === 'try_with_resources_statement') {
      const handlers = p.children().filter((c) => /^(catch_clause|except_clause)$/.test(kindOf(c)));
      return handlers.some((h) => THROWS_NEW.test(h.text()));
    }
    if (/^(function_declaration|method_declaration|method_definition|arrow_function|function_definition|function_expression|lambda_expression)$/.test(k)) return false;
  }
  return false;
}
