import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeOf, calleeSegments } from '../ast/external-call.js';
import { isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { argumentsOf, callHead } from './syntax.js';

const norm = (s: string): string => s.toLowerCase().replace(/_/g, '');

/** Receivers that are loggers: `console`, `logger`, `this.log`, `LOGGER`, `logging`, Go `log`/`slog`, `auditLogger`. */
function isLoggerName(segment: string): boolean {
  const n = norm(segment);
  return /^(console|log|logger|logging|slog|pino|winston|bunyan|logrus|zap|zlog|glog|klog|sugar|structlog)$/.test(n) || n.endsWith('logger');
}

const METHODS: Record<'js' | 'python' | 'go' | 'java', RegExp> = {
  js: /^(log|info|warn|error|debug|trace|fatal|verbose|silly|notice|critical|child)$/,
  python: /^(debug|info|warning|warn|error|exception|critical|fatal|log|msg|bind)$/,
  go: /^(Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln|(Info|Debug|Warn|Warning|Error|Fatal|Panic|Trace)(f|w|ln|Context)?|Log|Logf|LogAttrs|With|WithField|WithFields)$/,
  java: /^(info|debug|warn|error|trace|fatal|severe|warning|fine|finer|finest|log)$/,
};

const family = (language: RuleLanguage): 'js' | 'python' | 'go' | 'java' =>
  isTsLike(language) ? 'js' : language === 'python' ? 'python' : language === 'go' ? 'go' : 'java';

/**
 * True when `call` writes to a log or stdout: `console.log`, `logger.info`, `req.log.warn`, Python
 * `print`/`logging.info`/`self.logger.error`, Go `log.Printf`/`fmt.Println`/`slog.Info`/`logger.Infow`
 * (`fmt.Fprintf` only to `os.Stdout`/`os.Stderr`), Java `System.out.println`/`LOGGER.info`.
 */
export function isLoggingCall(call: SgNode, language: RuleLanguage): boolean {
  if (kindOf(call) !== CALL_KIND[language] || !/log|console|print|fmt\.|System\.|sugar|zap/i.test(callHead(call))) return false;
  const segs = calleeSegments(call, language);
  const method = segs[segs.length - 1] ?? '';
  const receivers = segs.slice(0, -1);
  const fam = family(language);
  if (fam === 'python' && segs.length === 1) return method === 'print';
  if (fam === 'go' && receivers.length === 1 && receivers[0] === 'fmt') {
    if (/^(Print|Printf|Println)$/.test(method)) return true;
    const first = argumentsOf(call)[0]?.text();
    return /^(Fprint|Fprintf|Fprintln)$/.test(method) && (first === 'os.Stdout' || first === 'os.Stderr');
  }
  if (fam === 'java' && receivers[0] === 'System' && (receivers[1] === 'out' || receivers[1] === 'err')) return /^(println|print|printf|format)$/.test(method);
  return receivers.some(isLoggerName) && METHODS[fam].test(method);
}

/**
 * The argument expressions a logging call writes, including those of logger calls chained before it:
 * `log.WithField("token", t).Info("x")` and `logger.child({ token }).info("x")` log `t` and `token` too.
 */
export function loggedArguments(call: SgNode, language: RuleLanguage): SgNode[] {
  const out = [...argumentsOf(call)];
  let callee: SgNode | null = calleeOf(call, language);
  for (let depth = 0; callee && depth < 5; depth++) {
    const receiver: SgNode | null = fieldOf(callee, 'object') ?? fieldOf(callee, 'operand');
    if (!receiver) break;
    if (kindOf(receiver) === CALL_KIND[language]) {
      out.push(...argumentsOf(receiver));
      callee = calleeOf(receiver, language);
    } else {
      callee = receiver;
    }
  }
  return out;
}
