import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { callLabel, calleeSegments, isExternalCall } from '../ast/external-call.js';
import { enclosingLoop, isTsLike } from '../ast/function-scope.js';
import { endLineOf, fieldOf, inChange, kindOf, lineOf } from '../ast/node-text.js';
import { catchesEverything, fileErrorHandlers, guardedExternalCalls, namedAsIgnored, type ErrorHandler } from './error-handlers.js';
import { isLoggerReference, isLoggingCall, isLoggingStatement } from './logging-call.js';
import { goErrorChecksWithoutElse, goExternalErrorSource } from './go-errors.js';
import { isOutsideRuntime } from '../file-role.js';
import { SEND_LIKE, explainedAsBestEffort, inDetachedCallback, inErrorPath, inTeardown, isBestEffort, isCleanup } from './handler-context.js';

/**
 * An error that is dropped: an empty `catch`/`except`, a handler that only logs around an external call,
 * `.catch(() => {})`, or a Go error that is only logged or assigned to `_`.
 * Medium; high when the dropped error comes from an external call (HTTP, SDK, database, queue).
 */
export const swallowedError: Rule = {
  id: 'swallowed-error',
  category: 'error-handling',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Error swallowed',
  // Measured on the real-world corpus (issue 8): 1 TP / 13 before the exemptions below (best-effort pings,
  // errors inside error paths, diagnostics timers, non-error Go results); of the 10 findings still made after
  // them, 2 TP, 5 DEBATABLE (boot-time Redis connects, metrics, last-chance hooks), 3 FP: 0.2, so log-only
  // handlers go to the summary. A call out whose error is dropped outright (empty handler, `.catch(() => {})`,
  // Go `_` or an empty `if err != nil`) carries its own {@link DROPPED_CALL_CONFIDENCE}.
  confidence: 0.2,
  exemptions:
    'Tests, command-line entry points, scripts and migrations. Handlers that rethrow, return or record an error result; empty handlers explained by a comment or bound to a name like `ignored`; log-only handlers whose comment says the call is best-effort; caches, metrics and analytics calls; cleanup (`close`, `unlink`, teardown methods); handlers that run while already handling an error (inside a catch/finally, or in a helper only called from catches); a loop isolating one item\'s failure; timer and event callbacks that have no caller to propagate to; Go `_` for results not known to be errors.',
  why:
    'A swallowed failure looks like success: the request still returns 200, the webhook is not retried, the record is silently missing, and nobody is alerted; the first sign is a customer report, with nothing to trace it to.',
  fix:
    'Handle the error or let it propagate: rethrow or return it wrapped with its cause (`throw new PaymentError("…", { cause: err })`, `raise … from err`, `return fmt.Errorf("…: %w", err)`), or turn it into an explicit result (`res.status(502)`, `next(err)`, a failed status on the record). If ignoring it is really intended, catch only the expected error and say why in a comment.',
  check(ctx: RuleContext): RuleMatch[] {
    if (isOutsideRuntime(ctx.path, ctx.source)) return [];
    const root = ctx.root.root();
    if (ctx.language === 'go') return goMatches(root, ctx);
    // Every match spans its own handler, `.catch` call or Go statement.
    const matches = fileErrorHandlers(ctx).flatMap((h) => (inChange(ctx, h.node) ? handlerMatch(h, ctx.language) : []));
    if (isTsLike(ctx.language)) matches.push(...promiseCatchMatches(root, ctx));
    return matches;
  },
};

/**
 * Confidence of an error dropped outright, with nothing logged and no comment (a call out's error, or anything
 * caught by an empty catch-all): the one shape of this rule that held on real code (1 TP of 1, the discarded
 * `ReadAll` of shoutrrr); an estimate.
 */
const DROPPED_CALL_CONFIDENCE = 0.75;

const keyword = (language: RuleLanguage): string => (language === 'python' ? 'except' : 'catch');

function handlerMatch(h: ErrorHandler, language: RuleLanguage): RuleMatch[] {
  // The cheap verdicts first: only an empty or log-only handler needs the external calls of its `try`.
  if (h.statements.length > 0 && !h.statements.every((s) => isLoggingStatement(s, language))) return [];
  if (h.statements.length === 0 && (h.commented || namedAsIgnored(h) || inErrorPath(h.node, language) || inTeardown(h.node, language))) return [];
  const externals = guardedExternalCalls(h, language);
  const external = externals[0];
  // Logging and carrying on is graceful degradation for a cache; not for a payment, an order or a message.
  const critical = externals.find((c) => !isBestEffort(c, language));
  const at = { line: lineOf(h.node), endLine: endLineOf(h.node) };
  const what = external ? `a failure of \`${callLabel(external)}\`` : 'any error raised in the `try` block';
  if (h.statements.length === 0) {
    // `except KeyError: pass` is an idiom; a narrow except only matters around a call out.
    if (language === 'python' && !catchesEverything(h) && !external) return [];
    return [
      {
        ...at,
        severity: external ? 'high' : 'medium',
        title: external ? 'External call failure swallowed' : 'Error swallowed by an empty handler',
        detail: `This \`${keyword(language)}\` is empty: ${what} is silently discarded and the code carries on as if it succeeded.`,
        // An empty catch-all hides every failure, bugs included; a narrow one is only sure around a call out.
        ...(critical || catchesEverything(h) ? { confidence: DROPPED_CALL_CONFIDENCE } : {}),
        ...weakRemote(critical ?? external, language),
      },
    ];
  }
  const onlyStackTrace = language === 'java' && h.statements.every((s) => /\.printStackTrace\(\)|^System\.(out|err)\./.test(s.text()));
  // A loop that logs one item's failure and moves on (or retries) is isolating failures, not hiding them.
  if (!onlyStackTrace && (!critical || enclosingLoop(h.node, language))) return [];
  if (!onlyStackTrace && (explainedAsBestEffort(h, language) || inErrorPath(h.node, language) || inTeardown(h.node, language) || inDetachedCallback(h.node, language))) return [];
  const logged = critical ? `a failure of \`${callLabel(critical)}\`` : what;
  return [
    {
      ...at,
      severity: external ? 'high' : 'medium',
      title: external ? 'External call failure only logged' : 'Error only printed',
      detail: onlyStackTrace
        ? `This \`catch\` only prints the stack trace of ${logged} and carries on: the caller sees success and nothing is propagated.`
        : `This \`${keyword(language)}\` only logs ${logged} and carries on: the caller gets neither an error nor a result, so the failure is invisible upstream.`,
      ...weakRemote(critical, language),
    },
  ];
}

/**
 * Java `billingApi.getEvents(…)`: `*Api` fields are as often in-process module facades as remote clients,
 * so a call recognised only by that name is a weaker match.
 */
function weakRemote(call: SgNode | undefined, language: RuleLanguage): Pick<RuleMatch, 'confidence'> {
  if (!call || language !== 'java') return {};
  const receivers = calleeSegments(call, language).slice(0, -1).filter((s) => s !== 'this');
  return receivers.length > 0 && receivers.every((r) => /api$/i.test(r)) ? { confidence: 0.1 } : {};
}

/** `.catch(() => {})`, `.catch(console.error)`, `.catch((e) => logger.warn(e))` on a promise. */
function promiseCatchMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const { language } = ctx;
  const out: RuleMatch[] = [];
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', kind: 'member_expression', has: { field: 'property', regex: '^catch$' } } } })) {
    if (!inChange(ctx, call)) continue;
    const args = (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => c.isNamed() && kindOf(c) !== 'comment');
    if (args.length !== 1 || !args[0]) continue;
    const verdict = handlerVerdict(args[0], language);
    if (!verdict || explainedAbove(call)) continue;
    const receiver = fieldOf(fieldOf(call, 'function') ?? call, 'object');
    // \`p.catch(() => {})\` on a stored promise marks a rejection handled elsewhere; cleanup while
    // already failing (\`handle.close().catch(() => {})\` in a catch that rethrows) must not mask the first error.
    if (!receiver || kindOf(receiver) !== 'call_expression' || inErrorPath(call, language) || isCleanup(receiver, language)) continue;
    const external = receiver ? [receiver, ...receiver.findAll({ rule: { kind: 'call_expression' } })].find((c) => isExternalCall(c, language)) : undefined;
    // Fire-and-forget work that logs its failure is a choice; only a call out whose failure is merely logged is flagged.
    if (verdict === 'logs' && (!external || isBestEffort(external, language))) continue;
    const what = external ? `a failure of \`${callLabel(external)}\`` : 'the rejection';
    out.push({
      line: lineOf(args[0]),
      endLine: endLineOf(args[0]),
      severity: external ? 'high' : 'medium',
      title: external ? (verdict === 'empty' ? 'External call failure swallowed' : 'External call failure only logged') : 'Promise rejection swallowed',
      ...(verdict === 'empty' && external && !isBestEffort(external, language) ? { confidence: DROPPED_CALL_CONFIDENCE } : {}),
      detail:
        verdict === 'empty'
          ? `\`.catch()\` with an empty handler discards ${what}: callers see success.`
          : `\`.catch()\` only logs ${what} and resolves the promise anyway: callers see success.`,
    });
  }
  return out;
}

/** True when a comment on the line just above the statement says why the rejection is dropped. */
function explainedAbove(call: SgNode): boolean {
  const stmt = call.ancestors().find((a) => kindOf(a) === 'expression_statement');
  const prev = stmt?.prev();
  return !!stmt && !!prev && kindOf(prev) === 'comment' && endLineOf(prev) === lineOf(stmt) - 1 && !/\b(todo|fixme)\b/i.test(prev.text());
}

/** 'empty' for `() => {}`, 'logs' for a handler that only logs, null for anything that handles the error. */
function handlerVerdict(handler: SgNode, language: RuleLanguage): 'empty' | 'logs' | null {
  const k = kindOf(handler);
  if (k === 'member_expression') return isLoggerReference(handler, language) ? 'logs' : null;
  if (k !== 'arrow_function' && k !== 'function_expression' && k !== 'function') return null;
  const body = fieldOf(handler, 'body');
  if (!body) return null;
  if (kindOf(body) !== 'statement_block') return isLoggingCall(body, language) ? 'logs' : null;
  const children = body.namedChildren();
  if (children.some((c) => kindOf(c) === 'comment')) return null;
  if (children.length === 0) return 'empty';
  return children.every((s) => isLoggingStatement(s, language)) ? 'logs' : null;
}

/** Go: `if err != nil { log.Println(err) }` with no return, and errors of calls out assigned to `_`. */
function goMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const { ifNode, errName, statements } of goErrorChecksWithoutElse(root)) {
    if (!inChange(ctx, ifNode)) continue;
    if (!statements.every((s) => isLoggingStatement(s, 'go'))) continue;
    const source = goExternalErrorSource(ifNode, errName);
    if (!source || enclosingLoop(ifNode, 'go') || inDetachedCallback(ifNode, 'go')) continue;
    if (statements.length > 0 && isBestEffort(source, 'go')) continue;
    const label = callLabel(source);
    out.push({
      line: lineOf(ifNode),
      endLine: endLineOf(ifNode),
      severity: 'high',
      title: 'External call error only logged',
      ...(statements.length === 0 ? { confidence: DROPPED_CALL_CONFIDENCE } : {}),
      detail:
        statements.length === 0
          ? `This \`if ${errName} != nil\` block is empty: the error from \`${label}\` is dropped and execution continues with a nil or partial result.`
          : `This \`if ${errName} != nil\` block only logs the error from \`${label}\` and falls through: execution continues with a nil or partial result and the caller never learns of the failure.`,
    });
  }
  // Only an assignment to `_` counts, so statements without an underscore are skipped natively.
  for (const stmt of root.findAll({ rule: { any: [{ kind: 'assignment_statement' }, { kind: 'short_var_declaration' }], regex: '_' } })) {
    if (!inChange(ctx, stmt)) continue;
    const [left, right] = stmt.children().filter((c) => kindOf(c) === 'expression_list');
    const targets = left?.namedChildren() ?? [];
    const values = right?.namedChildren() ?? [];
    const call = values[0];
    if (targets[targets.length - 1]?.text() !== '_' || values.length !== 1 || !call || kindOf(call) !== 'call_expression') continue;
    if (!discardsAnError(call, targets.length)) continue;
    out.push({
      line: lineOf(stmt),
      severity: 'high',
      title: 'External call error discarded',
      confidence: DROPPED_CALL_CONFIDENCE,
      detail: `The error returned by \`${callLabel(call)}\` is assigned to \`_\`: a failed call is indistinguishable from a successful one.`,
    });
  }
  return out;
}

/** Go functions known to return `(T, error)`: reading a body, building or sending a request. */
const GO_VALUE_AND_ERROR = /^(ReadAll|Do|Get|Post|Head|PostForm|NewRequest|NewRequestWithContext|ExecContext|Exec|QueryContext|Query)$/;

/**
 * True when `_` in the last position drops an error: `_ = client.Send(msg)` (the only result of an action or a
 * call out), or `body, _ := io.ReadAll(resp.Body)` of a function known to return `(T, error)`. The last result
 * of an arbitrary call may be anything (`ok, _ := c.Extension("STARTTLS")` drops a string).
 */
function discardsAnError(call: SgNode, targets: number): boolean {
  const method = calleeSegments(call, 'go').at(-1) ?? '';
  if (targets === 1) return (isExternalCall(call, 'go') || SEND_LIKE.test(method)) && !isCleanup(call, 'go');
  return GO_VALUE_AND_ERROR.test(method) && (isExternalCall(call, 'go') || /^(io|ioutil)$/.test(calleeSegments(call, 'go')[0] ?? '')) || (SEND_LIKE.test(method) && isExternalCall(call, 'go'));
}
