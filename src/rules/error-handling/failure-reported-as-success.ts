import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { callLabel } from '../ast/external-call.js';
import { enclosingFunction, enclosingLoop, findInScope } from '../ast/function-scope.js';
import { endLineOf, inChange, lineOf, quote } from '../ast/node-text.js';
import { isOutsideRuntime } from '../file-role.js';
import { catchesEverything, fileErrorHandlers, guardedExternalCalls, type ErrorHandler } from './error-handlers.js';
import { goErrorChecksWithoutElse, goExternalErrorSource } from './go-errors.js';
import { explainedAsBestEffort, goResult, inDetachedCallback, inErrorPath, inTeardown, isBestEffort, isSendLike, returnedValues, successAfterLogging } from './handler-context.js';

/**
 * A handler that turns a failure into success: a catch/except that (after logging or counting a metric at most)
 * returns `true`, `{ success: true }`, a 2xx response, or the empty result of a send/charge call; a Go
 * `if err != nil` that returns a nil error from a function whose only result is the error, or after an action.
 */
export const failureReportedAsSuccess: Rule = {
  id: 'failure-reported-as-success',
  category: 'error-handling',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'External call failure reported as success',
  why:
    'The caller is told the payment, message or write went through when it did not: the order is marked paid, the webhook sender gets 200 and never retries, the job is acknowledged and dropped. Unlike a crash, nothing alerts; the first sign is a customer or a reconciliation report.',
  fix:
    'Return or raise the failure (`throw new PaymentError("…", { cause: err })`, `raise … from err`, `return fmt.Errorf("send: %w", err)`), or answer with an explicit failure (`res.status(502)`, `{ success: false, error }`, a failed status on the record) so the caller can retry or compensate.',
  // No firing on the real-world corpus (issue 8) after the exemptions: 0.7 is an estimate.
  confidence: 0.7,
  exemptions:
    'Tests, command-line entry points, scripts and migrations; calls to caches, metrics and analytics; handlers explained by a best-effort comment; handlers in loops (one item\'s failure), in cleanup/teardown, on an error path or in timer/event callbacks. Returning `null`/`None`/`{}`/`[]` only counts after an action (send, charge, publish, create…) and when the function does not return the same value elsewhere as its "nothing" answer; Go `return nil` from a `(T, error)` function only after an action. A 2xx answer without a call out only counts in a catch-all handler.',
  check(ctx: RuleContext): RuleMatch[] {
    if (isOutsideRuntime(ctx.path, ctx.source)) return [];
    if (ctx.language === 'go') return goMatches(ctx.root.root(), ctx);
    // Every match spans its handler (or Go `if err != nil` block).
    return fileErrorHandlers(ctx).flatMap((h) => (inChange(ctx, h.node) ? handlerMatch(h, ctx.language) : []));
  },
};

function handlerMatch(h: ErrorHandler, language: RuleLanguage): RuleMatch[] {
  const shape = successAfterLogging(h.statements, language);
  if (!shape || shape === 'nil-error') return [];
  const critical = guardedExternalCalls(h, language).find((c) => !isBestEffort(c, language));
  if (!quietContext(h.node, language) || explainedAsBestEffort(h, language)) return [];
  // An empty result is only a lie for an action, and only where the function does not use it as its failure sentinel.
  if (shape === 'empty' && (!critical || !isSendLike(critical, language) || emptyReturnedElsewhere(h, language))) return [];
  // A catch-all that answers 2xx hides every failure of the request from its caller (a webhook sender never retries).
  if (!critical && !(shape === 'ok-response' && catchesEverything(h))) return [];
  const keyword = language === 'python' ? 'except' : 'catch';
  const what = critical ? `\`${callLabel(critical)}\` fails` : 'anything in the `try` fails';
  const answer = shape === 'empty' ? 'an empty result, as on success,' : shape === 'ok-response' ? 'a 2xx response' : 'success';
  return [
    {
      line: lineOf(h.node),
      endLine: endLineOf(h.node),
      detail: `This \`${keyword}\` answers ${answer} when ${what}: the caller, and whoever it answers, believes the operation went through.`,
    },
  ];
}

/** True when the handler's function also returns the same empty value outside the handler: it is the function's "nothing" answer. */
function emptyReturnedElsewhere(h: ErrorHandler, language: RuleLanguage): boolean {
  const last = h.statements[h.statements.length - 1];
  const fn = enclosingFunction(h.node, language);
  if (!last || !fn) return false;
  const value = returnedValues(last)[0]?.text().replace(/\s+/g, '');
  return findInScope(fn, { rule: { kind: 'return_statement' } }, language).some(
    (r) => !r.ancestors().some((a) => a.id() === h.node.id()) && returnedValues(r)[0]?.text().replace(/\s+/g, '') === value,
  );
}

/** Not in a loop, cleanup, an error path or a detached callback, where tolerating a failure is a choice. */
function quietContext(node: SgNode, language: RuleLanguage): boolean {
  return !enclosingLoop(node, language) && !inErrorPath(node, language) && !inTeardown(node, language) && !inDetachedCallback(node, language);
}

/** Go: `if err := client.Send(m); err != nil { log…; return nil }` in a function returning `error`. */
function goMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const { ifNode, errName, statements } of goErrorChecksWithoutElse(root)) {
    if (!inChange(ctx, ifNode)) continue;
    const verdict = successAfterLogging(statements, 'go');
    if (!verdict) continue;
    const source = goExternalErrorSource(ifNode, errName);
    if (!source || isBestEffort(source, 'go') || !quietContext(ifNode, 'go')) continue;
    // `return nil` is success for a function that only returns an error (a check that fails open, a send that
    // did not happen); for `(T, error)` it is also how optional lookups end, so only an action's failure counts there.
    if (verdict === 'nil-error' && goResult(ifNode) !== 'error' && !isSendLike(source, 'go')) continue;
    if (verdict === 'empty') continue;
    out.push({
      line: lineOf(ifNode),
      endLine: endLineOf(ifNode),
      detail: `This \`if ${errName} != nil\` block ends with \`${quote(statements[statements.length - 1]?.text() ?? '')}\` for the error from \`${callLabel(source)}\`: the caller believes the call went through.`,
    });
  }
  return out;
}
