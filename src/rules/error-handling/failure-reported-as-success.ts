import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { callLabel, isExternalCall } from '../ast/external-call.js';
import { enclosingLoop } from '../ast/function-scope.js';
import { endLineOf, fieldOf, lineOf, quote } from '../ast/node-text.js';
import { isOutsideRuntime } from '../file-role.js';
import { fileErrorHandlers, guardedExternalCalls, type ErrorHandler } from './error-handlers.js';
import { GO_NIL_CHECK_IF, goErrName, goErrorSource, goStatements } from './go-errors.js';
import { explainedAsBestEffort, inDetachedCallback, inErrorPath, inTeardown, isBestEffort, isSendLike, successAfterLogging } from './handler-context.js';

/**
 * A handler that turns the failure of a call out into success: a catch/except that (after logging at most)
 * returns `true`, `{ success: true }` or a 2xx response, or a Go `if err != nil` on a send/charge call that
 * returns a nil error.
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
    'Tests, command-line entry points, config loading, scripts and migrations; calls to caches, metrics and analytics; handlers explained by a best-effort comment; handlers in loops (one item\'s failure), in cleanup/teardown, on an error path or in timer/event callbacks. Returning `null`/`None`/`[]` is not flagged (often the failure sentinel callers test); Go `return nil` only after an action (send, charge, publish, create…).',
  check(ctx: RuleContext): RuleMatch[] {
    if (isOutsideRuntime(ctx.path, ctx.source)) return [];
    if (ctx.language === 'go') return goMatches(ctx.root.root());
    return fileErrorHandlers(ctx).flatMap((h) => handlerMatch(h, ctx.language));
  },
};

function handlerMatch(h: ErrorHandler, language: RuleLanguage): RuleMatch[] {
  if (successAfterLogging(h.statements, language) !== 'success') return [];
  const critical = guardedExternalCalls(h, language).find((c) => !isBestEffort(c, language));
  if (!critical || !quietContext(h.node, language) || explainedAsBestEffort(h, language)) return [];
  const keyword = language === 'python' ? 'except' : 'catch';
  return [
    {
      line: lineOf(h.node),
      endLine: endLineOf(h.node),
      detail: `This \`${keyword}\` answers success when \`${callLabel(critical)}\` fails: the caller, and whoever it answers, believes the operation went through.`,
    },
  ];
}

/** Not in a loop, cleanup, an error path or a detached callback, where tolerating a failure is a choice. */
function quietContext(node: SgNode, language: RuleLanguage): boolean {
  return !enclosingLoop(node, language) && !inErrorPath(node, language) && !inTeardown(node, language) && !inDetachedCallback(node, language);
}

/** Go: `if err := client.Send(m); err != nil { log…; return nil }` in a function returning `error`. */
function goMatches(root: SgNode): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const ifNode of root.findAll(GO_NIL_CHECK_IF)) {
    const errName = goErrName(ifNode);
    if (!errName || fieldOf(ifNode, 'alternative')) continue;
    const statements = goStatements(fieldOf(ifNode, 'consequence'));
    const verdict = successAfterLogging(statements, 'go');
    if (!verdict) continue;
    const source = goErrorSource(ifNode, errName);
    if (!source || !isExternalCall(source, 'go') || isBestEffort(source, 'go') || !quietContext(ifNode, 'go')) continue;
    // `return nil` from an error branch is also how optional lookups end: only an action's failure counts.
    if (verdict === 'nil-error' && !isSendLike(source, 'go')) continue;
    out.push({
      line: lineOf(ifNode),
      endLine: endLineOf(ifNode),
      detail: `This \`if ${errName} != nil\` block ends with \`${quote(statements[statements.length - 1]?.text() ?? '')}\` for the error from \`${callLabel(source)}\`: the caller believes the call went through.`,
    });
  }
  return out;
}
