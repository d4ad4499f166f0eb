import type { SgNode, SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { isFunctionNode } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import type { ErrorHandler } from './error-handlers.js';
import { isLoggingStatement } from './logging-call.js';
import { memoised } from '../ast/file-memo.js';

/*
 * Where an error handler sits and what it does besides logging: the context in which dropping or
 * downgrading an error is a choice (best-effort work, cleanup, an error path, a detached callback), and
 * the shapes that turn a failure into success. Shared by `swallowed-error` and `failure-reported-as-success`.
 */

const BEST_EFFORT_COMMENT = /best[- ]?effort|non[- ]?critical|not (be )?fatal|must not fail|should not fail|do(n't| not) fail|fire[- ]and[- ]forget|ignor|optional|harmless|it'?s fine/i;

/** A comment in or just above the handler saying the failure is tolerated on purpose. */
export function explainedAsBestEffort(h: ErrorHandler, language: RuleLanguage): boolean {
  if (!h.commented) return false;
  let prev = h.node.prev();
  while (prev && !prev.isNamed()) prev = prev.prev();
  const above = prev && /comment/.test(kindOf(prev)) ? [prev.text()] : [];
  const kinds = language === 'java' ? [{ kind: 'line_comment' }, { kind: 'block_comment' }] : [{ kind: 'comment' }];
  const inside = h.node.findAll({ rule: { any: kinds } }).map((c) => c.text());
  return [...above, ...inside].some((t) => BEST_EFFORT_COMMENT.test(t));
}

const TRUE_LITERAL = /^(true|True)$/;
const SUCCESS_KEY = /^['"]?(success|ok|succeeded|sent|delivered|status)['"]?$/;

/** What a handler ends with after logging: see {@link successAfterLogging}. */
export type SuccessShape = 'success' | 'ok-response' | 'empty' | 'nil-error';

/**
 * How a handler that only logs (or counts a metric) ends, when it ends by answering as if nothing failed:
 * 'success' (`return true`, `{ success: true }`), 'ok-response' (a 2xx HTTP response), 'empty' (`return None`,
 * `null`, `{}`, `[]`), 'nil-error' (Go `return nil` / `return x, nil` from a function whose last result is an
 * `error`); else null.
 */
export function successAfterLogging(statements: SgNode[], language: RuleLanguage): SuccessShape | null {
  const last = statements[statements.length - 1];
  if (!last || !statements.slice(0, -1).every((s) => isReportingStatement(s, language))) return null;
  if (kindOf(last) === 'expression_statement') return isSuccessResponse(last.text()) ? 'ok-response' : null;
  if (kindOf(last) !== 'return_statement') return null;
  const text = returnedValues(last).map((v) => v.text().replace(/\s+/g, ''));
  if (text.length === 0) return null;
  if (text.some(isSuccessResponse)) return 'ok-response';
  if (text.some((t) => TRUE_LITERAL.test(t) || isSuccessObject(t))) return 'success';
  if (language === 'go') return text[text.length - 1] === 'nil' && goResult(last) !== null ? 'nil-error' : null;
  return text.length === 1 && EMPTY_VALUE.test(text[0] ?? '') ? 'empty' : null;
}

const EMPTY_VALUE = /^(null|None|undefined|\[\]|\{\}|dict\(\)|list\(\)|Collections\.empty\w*\(\)|List\.of\(\)|Map\.of\(\)|Optional\.empty\(\))$/;

/** The values of a return statement (Go: the members of its expression list). */
export function returnedValues(ret: SgNode): SgNode[] {
  const values = ret.children().filter((c) => c.isNamed() && kindOf(c) !== 'comment');
  return values.length === 1 && values[0] && kindOf(values[0]) === 'expression_list' ? values[0].namedChildren() : values;
}

/** A statement that only reports: a logging call, or a metric/analytics call (`metrics.send("x_failure", …)`). */
function isReportingStatement(stmt: SgNode, language: RuleLanguage): boolean {
  if (isLoggingStatement(stmt, language)) return true;
  const call = kindOf(stmt) === 'expression_statement' ? stmt.children().find((c) => c.isNamed()) : undefined;
  return !!call && kindOf(call) === CALL_KIND[language] && isBestEffort(call, language);
}

/** The result list of the Go function around `node` when its last result is an `error` (`error`, `(T, error)`), else null. */
export function goResult(node: SgNode): string | null {
  const fn = node.ancestors().find((a) => isFunctionNode(a, 'go'));
  const result = fn ? (fieldOf(fn, 'result')?.text().replace(/\s+/g, '') ?? '') : '';
  return result === 'error' || /,\w*error\)$/.test(result) ? result : null;
}

/** `res.status(200)…`, `res.sendStatus(204)`, `ResponseEntity.ok(…)`, `Response(status=200)`, `HttpResponse(status=200)`. */
const isSuccessResponse = (t: string): boolean =>
  /\b(status|sendStatus)\(\s*20\d\s*\)|^ResponseEntity\.(ok|accepted|noContent)\(|^Response\.ok\(|status(_code)?\s*=\s*20\d\b|\bHttpStatus\.(OK|ACCEPTED|NO_CONTENT)\b/.test(t);

/** `{ success: true }`, `{"ok": True}`. */
const isSuccessObject = (t: string): boolean =>
  /^\{.*\}$/.test(t) && t.slice(1, -1).split(',').some((pair) => {
    const [k, v] = pair.split(':');
    return !!k && !!v && SUCCESS_KEY.test(k.trim()) && (TRUE_LITERAL.test(v.trim()) || /^['"](ok|success|sent|delivered)['"]$/i.test(v.trim()));
  });

export const SEND_LIKE = /^(send|charge|capture|refund|publish|notify|deliver|dispatch|enqueue|transfer|pay|payout|submit|post|create|insert|upload|trigger|produce)/i;

/** A call that performs an action (sends, charges, writes) rather than reads: its failure must not look like success. */
export function isSendLike(call: SgNode, language: RuleLanguage): boolean {
  const segs = calleeSegments(call, language);
  return SEND_LIKE.test(segs[segs.length - 1] ?? '');
}

const BEST_EFFORT = /redis|rdb|cache|memcache|metric|statsd|analytics|tracker|telemetry|heartbeat|counter/i;

/** Calls whose failure a service is expected to survive: caches, metrics, analytics. */
export function isBestEffort(call: SgNode, language: RuleLanguage): boolean {
  return calleeSegments(call, language).some((s) => BEST_EFFORT.test(s));
}

const ERROR_CLAUSE = /^(catch_clause|except_clause|finally_clause)$/;

/**
 * True when the node runs while already handling an error: inside a catch/except/finally of its own function,
 * or in a named helper that the file only calls from such clauses (`handleFailedDispatch(e)` in every catch).
 */
export function inErrorPath(node: SgNode, language: RuleLanguage): boolean {
  for (const a of node.ancestors()) {
    if (isFunctionNode(a, language)) return onlyCalledFromErrorPaths(a, language);
    if (ERROR_CLAUSE.test(kindOf(a)) && a.id() !== node.id()) return true;
  }
  return false;
}

/** {@link onlyCalledFromErrorPaths} per file (by its tree and language) and helper name: every handler in a helper asks the same. */
const errorPathVerdicts = new WeakMap<SgRoot, Map<string, boolean>>();

/** Every call of the file, by the last segment of its callee: built once several helpers of a file have been asked about. */
const CALL_INDEX = {};

/** Past this many helpers asked about in a file, its calls are indexed by name once instead of searched per helper. */
const INDEX_AFTER = 3;

/** The source text of each tree, for {@link onlyCalledFromErrorPaths}. */
const sourceOf = new WeakMap<SgRoot, string>();

function onlyCalledFromErrorPaths(fn: SgNode, language: RuleLanguage): boolean {
  const name = fieldOf(fn, 'name')?.text();
  if (!name) return false;
  const tree = fn.getRoot();
  // A call to the helper names it somewhere else than its own declaration: a name written once (there) is never called.
  let source = sourceOf.get(tree);
  if (source === undefined) sourceOf.set(tree, (source = tree.root().text()));
  const first = source.indexOf(name);
  if (first >= 0 && source.indexOf(name, first + 1) < 0) return false;
  let verdicts = errorPathVerdicts.get(tree);
  if (!verdicts) errorPathVerdicts.set(tree, (verdicts = new Map()));
  const key = `${language} ${name}`;
  let found = verdicts.get(key);
  if (found === undefined) verdicts.set(key, (found = calledOnlyFromErrorPaths(fn, name, language, verdicts.size >= INDEX_AFTER)));
  return found;
}

function calledOnlyFromErrorPaths(fn: SgNode, name: string, language: RuleLanguage, indexed: boolean): boolean {
  const root = fn.ancestors().pop() ?? fn;
  const callsTo = { rule: { kind: CALL_KIND[language], regex: `\\b${name}\\s*\\(` } };
  let calls: SgNode[];
  if (!indexed) {
    calls = root.findAll(callsTo).filter((c) => calleeSegments(c, language).at(-1) === name);
  } else {
    // The same calls: those named `name`, each tested against the same rule.
    const byName = memoised(CALL_INDEX, language, () => {
      const index = new Map<string, SgNode[]>();
      for (const c of root.findAll({ rule: { kind: CALL_KIND[language] } })) {
        const last = calleeSegments(c, language).at(-1) ?? '';
        const list = index.get(last);
        if (list) list.push(c);
        else index.set(last, [c]);
      }
      return index;
    });
    calls = (byName.get(name) ?? []).filter((c) => c.matches(callsTo));
  }
  return calls.length > 0 && calls.every((c) => c.ancestors().some((a) => ERROR_CLAUSE.test(kindOf(a))));
}

const DETACHING_CALL = /^(setInterval|setTimeout|setImmediate|on|once|addListener|addEventListener|schedule|scheduleAtFixedRate|scheduleWithFixedDelay|call_later|add_done_callback|Timer|AfterFunc)$/;

/** True inside a timer or event callback (`setInterval(() => { try … catch … })`): there is no caller to propagate to. */
export function inDetachedCallback(node: SgNode, language: RuleLanguage): boolean {
  const fn = node.ancestors().find((a) => isFunctionNode(a, language));
  const call = fn?.parent()?.parent();
  if (!fn || !call || kindOf(call) !== CALL_KIND[language]) return false;
  return DETACHING_CALL.test(calleeSegments(call, language).at(-1) ?? '');
}

const TEARDOWN = /^(close|shutdown|cleanup|clean_up|dispose|teardown|tear_down|stop|disconnect|release|destroy|__del__|__exit__|__aexit__|finalize|onModuleDestroy|onApplicationShutdown)$/i;

/** True inside a close()/shutdown()/__exit__ method, where swallowing a secondary failure is the norm. */
export function inTeardown(node: SgNode, language: RuleLanguage): boolean {
  const fn = node.ancestors().find((a) => isFunctionNode(a, language));
  const name = fn ? fieldOf(fn, 'name')?.text() : undefined;
  return !!name && TEARDOWN.test(name);
}

const CLEANUP = /^(close|unlink|rm|rmdir|destroy|release|end|disconnect|quit|abort|cancel|kill|dispose|terminate|removeListener)$/;

/** `handle.close()`, `fs.unlink(tmp)`: releasing a resource, whose failure there is nothing to do about. */
export function isCleanup(call: SgNode, language: RuleLanguage): boolean {
  const segs = calleeSegments(call, language);
  return CLEANUP.test(segs[segs.length - 1] ?? '');
}

