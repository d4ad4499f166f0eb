import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments, segmentsOf } from '../ast/external-call.js';
import { kindOf } from '../ast/node-text.js';

/** Loggers and error reporters: reporting an error is not handling it. */
const LOGGER = /^(console|log|logger|\w+logger|logging|\w+log|slog|zap|logrus|zerolog|sugar|klog|glog|structlog|sentry|sentrysdk|bugsnag|rollbar|honeybadger|newrelic)$/;
const LOG_METHOD =
  /^(log|info|warn|warning|error|debug|trace|fatal|exception|critical|msg|msgf|captureexception|capturemessage|notify|noticeerror|printstacktrace|print|println|printf|printexc|fprint|fprintf|fprintln|errorf|warnf|infof|debugf|errorw|warnw|infow|errorln|warnln)$/;

const norm = (s: string): string => s.toLowerCase().replace(/_/g, '');

/** True when `call` only logs or reports (console.error, logger.warn, log.Printf, e.printStackTrace(), print, Sentry). */
export function isLoggingCall(call: SgNode, language: RuleLanguage): boolean {
  if (kindOf(call) !== CALL_KIND[language]) return false;
  const segs = calleeSegments(call, language).filter((s) => s !== 'this' && s !== 'self');
  const method = norm(segs[segs.length - 1] ?? '');
  const receivers = segs.slice(0, -1).map(norm);
  if (receivers.length === 0) return language === 'python' ? method === 'print' || method === 'captureexception' : false;
  // log.Fatal and log.Panic end the process or unwind: that is not carrying on.
  if (language === 'go' && /^(fatal|panic)/.test(method)) return false;
  if (language === 'go' && receivers[0] === 'fmt') return /^f?print/.test(method);
  if (language === 'python' && receivers.join('.') === 'traceback') return method === 'printexc';
  if (language === 'java' && method === 'printstacktrace') return true;
  if (language === 'java' && receivers[0] === 'system') return /^print/.test(method);
  return LOG_METHOD.test(method) && receivers.some((r) => LOGGER.test(r));
}

/** True when a statement is nothing but a logging call (`logger.error(e);`, `await log.flush()` excluded). */
export function isLoggingStatement(stmt: SgNode, language: RuleLanguage): boolean {
  if (kindOf(stmt) !== 'expression_statement') return false;
  let expr = stmt.children().find((c) => c.isNamed());
  if (expr && (kindOf(expr) === 'await_expression' || kindOf(expr) === 'await')) expr = expr.children().find((c) => c.isNamed());
  return !!expr && isLoggingCall(expr, language);
}

/** True when `node` names a logging function without calling it: `.catch(console.error)`, `.catch(logger.warn)`. */
export function isLoggerReference(node: SgNode, language: RuleLanguage): boolean {
  const segs = segmentsOf(node, language).filter((s) => s !== 'this');
  if (segs.length < 2) return false;
  const method = norm(segs[segs.length - 1] ?? '');
  return LOG_METHOD.test(method) && segs.slice(0, -1).some((r) => LOGGER.test(norm(r)));
}
