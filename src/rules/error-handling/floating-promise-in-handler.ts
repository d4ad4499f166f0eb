import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { callLabel, calleeOf, calleeSegments, isExternalCall } from '../ast/external-call.js';
import { enclosingFunction, findInScope, isFunctionNode } from '../ast/function-scope.js';
import { fieldOf, inChange, indentOf, isSingleLine, kindOf, lineOf, quote } from '../ast/node-text.js';
import { functionName, goRequestHandlers, isAsyncFunction, javaControllerMethods, tsRequestHandlers } from './request-handlers.js';

/**
 * Async work started in a request handler and left floating: a promise neither awaited, returned nor `.catch`-ed
 * (TS/JS), a coroutine never awaited or a discarded `create_task` (Python), a goroutine that outlives the request
 * but uses its context (Go), a dropped `CompletableFuture` in a controller (Java).
 */
export const floatingPromiseInHandler: Rule = {
  id: 'floating-promise-in-handler',
  category: 'error-handling',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Async work left floating in a handler',
  // No firing on the real-world corpus (issue 8): 0.75 is an estimate.
  confidence: 0.75,
  exemptions:
    'Promises that are awaited, returned, `.catch`-ed or handled by `.then(ok, fail)`; calls with a trailing callback (the callback API); code outside request handlers and the public async methods of NestJS `@Injectable()` services and use cases; Python tasks kept in a variable; Go goroutines that do not use the request context.',
  why:
    'Work that outlives the handler escapes both the response and its error handling: a failure becomes an unhandled rejection (which crashes Node ≥ 15), an exception nobody retrieves, or a call cut off by a cancelled request context; on serverless platforms it is frozen once the response is sent. The client gets 200 for work that never happened.',
  fix:
    'Await it (or return it) so failures reach the handler\'s error path. If it must run after the response, hand it to a queue (BullMQ, SQS, Celery) or, for best-effort work, attach an explicit handler (`.catch(err => logger.error(...))`, keep a reference to the asyncio task and add a done callback, `context.WithoutCancel(r.Context())` with its own timeout in Go, `.exceptionally(...)` on a dedicated executor in Java).',
  check(ctx: RuleContext): RuleMatch[] {
    const root = ctx.root.root();
    switch (ctx.language) {
      case 'python':
        return pythonMatches(root, ctx);
      case 'go':
        return goMatches(root, ctx);
      case 'java':
        return javaMatches(root, ctx);
      default:
        return tsMatches(root, ctx);
    }
  },
};

const PROMISE_HANDLED = /^(catch|then)$/;

function tsMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const { language, lines } = ctx;
  // Every match is a statement of its handler.
  const handlers = tsRequestHandlers(root, language).filter((fn) => inChange(ctx, fn));
  if (handlers.length === 0) return [];
  const asyncNames = tsAsyncFunctionNames(root);
  const awaited = awaitedCallees(root, language);
  const out: RuleMatch[] = [];
  for (const fn of handlers) {
    for (const stmt of findInScope(fn, { rule: { kind: 'expression_statement' } }, language)) {
      const expr = stmt.children().find((c) => c.isNamed());
      if (!expr || kindOf(expr) !== 'call_expression') continue;
      const base = chainBase(expr);
      if (!base || handledChain(expr)) continue;
      if (!returnsPromise(base, language, asyncNames, awaited)) continue;
      const label = callLabel(base);
      out.push({
        line: lineOf(stmt),
        detail: `\`${label}\` returns a promise that is not awaited, returned or \`.catch\`-ed in this request handler: the response goes out before it settles, and a rejection becomes an unhandled rejection instead of an error response.`,
        ...(isAsyncFunction(fn) && isSingleLine(stmt) ? { suggestion: prefixStatement(lines, stmt, 'await ') } : {}),
      });
    }
  }
  return out;
}

/** The first call of a `.then(...)` chain: `send(x).then(f)` → `send(x)`. Null for non-chain member calls of a promise. */
function chainBase(expr: SgNode): SgNode | null {
  let call = expr;
  for (;;) {
    const callee = fieldOf(call, 'function');
    const prop = callee && kindOf(callee) === 'member_expression' ? fieldOf(callee, 'property')?.text() : undefined;
    const object = callee ? fieldOf(callee, 'object') : null;
    if (prop && /^(then|finally)$/.test(prop) && object && kindOf(object) === 'call_expression') call = object;
    else return call;
  }
}

/** True when some link of the chain handles rejection: `.catch(...)`, or `.then(ok, fail)`. */
function handledChain(expr: SgNode): boolean {
  let call: SgNode | null = expr;
  while (call && kindOf(call) === 'call_expression') {
    const callee = fieldOf(call, 'function');
    if (!callee || kindOf(callee) !== 'member_expression') return false;
    const prop = fieldOf(callee, 'property')?.text() ?? '';
    const argc = (fieldOf(call, 'arguments')?.namedChildren() ?? []).length;
    if (PROMISE_HANDLED.test(prop) && (prop === 'catch' || argc >= 2)) return true;
    call = fieldOf(callee, 'object');
  }
  return false;
}

function returnsPromise(call: SgNode, language: RuleLanguage, asyncNames: Set<string>, awaited: Set<string>): boolean {
  const args = (fieldOf(call, 'arguments')?.namedChildren() ?? []);
  const last = args[args.length - 1];
  // A trailing callback means the callback API (`s3.putObject(params, cb)`), not a promise.
  if (last && (kindOf(last) === 'arrow_function' || kindOf(last) === 'function_expression')) return false;
  const segs = calleeSegments(call, language);
  const name = segs[segs.length - 1] ?? '';
  const local = segs.length === 1 || (segs.length === 2 && segs[0] === 'this');
  if (local && asyncNames.has(name)) return true;
  if (awaited.has(calleeOf(call, language).text())) return true;
  return isExternalCall(call, language) && !/^(push|pop|shift|unshift|has|get|set|delete|keys|values|entries)$/.test(name) || isHttpCall(segs);
}

const isHttpCall = (segs: readonly string[]): boolean => segs[0] === 'fetch' || segs[0] === 'axios' || segs[0] === 'got';

/** Names of functions and methods declared `async` in the file. */
function tsAsyncFunctionNames(root: SgNode): Set<string> {
  const names = new Set<string>();
  for (const fn of root.findAll({ rule: { any: [{ kind: 'function_declaration' }, { kind: 'method_definition' }, { kind: 'arrow_function' }, { kind: 'function_expression' }] } })) {
    const name = functionName(fn);
    if (name && isAsyncFunction(fn)) names.add(name);
  }
  return names;
}

/** Callee texts that the file awaits somewhere: evidence that the same call elsewhere returns a promise. */
function awaitedCallees(root: SgNode, language: RuleLanguage): Set<string> {
  const out = new Set<string>();
  for (const aw of root.findAll({ rule: { kind: 'await_expression' } })) {
    const inner = aw.children().find((c) => c.isNamed());
    if (inner && kindOf(inner) === 'call_expression') out.add(calleeOf(inner, language).text());
  }
  return out;
}

function prefixStatement(lines: readonly string[], stmt: SgNode, prefix: string): string {
  const line = lines[lineOf(stmt) - 1] ?? '';
  const indent = indentOf(line);
  return `${indent}${prefix}${line.slice(indent.length)}`;
}

const TASK_STARTERS = /^(create_task|ensure_future)$/;

/** Python: coroutines called without `await`, and `asyncio.create_task(...)` results thrown away. */
function pythonMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const { lines } = ctx;
  // `name()` resolves to a module-level `async def`; `self.name()` to an `async def` of the same class.
  const coroutines = new Set<string>();
  // The bare names in `coroutines`: a statement calling none of them (nor create_task) needs no further look.
  const coroutineNames = new Set<string>();
  for (const fn of root.findAll({ rule: { kind: 'function_definition' } })) {
    if (!fn.children().some((c) => kindOf(c) === 'async')) continue;
    const cls = fn.ancestors().find((a) => kindOf(a) === 'class_definition' || isFunctionNode(a, 'python'));
    const owner = cls && kindOf(cls) === 'class_definition' ? `${cls.id()}.` : cls ? null : '';
    const name = fieldOf(fn, 'name')?.text() ?? '';
    if (owner !== null) {
      coroutines.add(`${owner}${name}`);
      coroutineNames.add(name);
    }
  }
  const out: RuleMatch[] = [];
  for (const stmt of root.findAll({ rule: { kind: 'expression_statement', has: { kind: 'call' } } })) {
    if (!inChange(ctx, stmt)) continue;
    const call = stmt.children().find((c) => c.isNamed());
    if (!call || kindOf(call) !== 'call') continue;
    const segs = calleeSegments(call, 'python');
    const name = segs[segs.length - 1] ?? '';
    if (!TASK_STARTERS.test(name) && !coroutineNames.has(name)) continue;
    const fn = enclosingFunction(stmt, 'python');
    if (!fn) continue;
    const inAsync = fn.children().some((c) => kindOf(c) === 'async');
    const label = callLabel(call);
    if (inAsync && TASK_STARTERS.test(name) && (segs.length === 1 || /^(asyncio|loop|self\.loop|tg)$/.test(segs.slice(0, -1).join('.')))) {
      out.push({
        line: lineOf(stmt),
        title: 'Task reference dropped',
        detail: `The task from \`${label}\` is not kept: the event loop holds only a weak reference, so it can be garbage-collected mid-flight, and its exception is never retrieved ("Task exception was never retrieved").`,
      });
      continue;
    }
    const ownClass = stmt.ancestors().find((a) => kindOf(a) === 'class_definition');
    const key = segs.length === 1 ? name : segs.length === 2 && (segs[0] === 'self' || segs[0] === 'cls') && ownClass ? `${ownClass.id()}.${name}` : null;
    if (key !== null && coroutines.has(key)) {
      out.push({
        line: lineOf(stmt),
        title: 'Coroutine never awaited',
        detail: `\`${label}\` calls an \`async def\` without \`await\`: it only creates a coroutine object, so the work never runs (Python warns "coroutine was never awaited").`,
        ...(inAsync && isSingleLine(stmt) ? { suggestion: prefixStatement(lines, stmt, 'await ') } : {}),
      });
    }
  }
  return out;
}

/** Go: goroutines started by a handler that use the request context (cancelled on return) or the gin/echo context. */
function goMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const h of goRequestHandlers(root)) {
    if (!inChange(ctx, h.fn)) continue; // its matches are statements inside it
    const ctxNames = new Set<string>();
    if (h.framework === 'net/http') {
      for (const decl of findInScope(h.fn, { rule: { kind: 'short_var_declaration' } }, 'go')) {
        const [left, right] = decl.children().filter((c) => kindOf(c) === 'expression_list');
        if (right && new RegExp(`^${h.param}\\.Context\\(\\)$`).test(right.text())) ctxNames.add(left?.text() ?? '');
      }
    }
    for (const stmt of findInScope(h.fn, { rule: { kind: 'go_statement' } }, 'go')) {
      const use = requestUse(stmt, h.param, h.framework, ctxNames);
      if (!use) continue;
      out.push({
        line: lineOf(stmt),
        title: h.framework === 'net/http' ? 'Goroutine uses the request context' : `Goroutine uses the ${h.framework} request context`,
        detail:
          h.framework === 'net/http'
            ? `This goroutine uses \`${use}\`, which is cancelled as soon as the handler returns: its calls fail with "context canceled" or are cut off half-way, and nobody sees the error.`
            : `This goroutine uses the ${h.framework} context \`${h.param}\`, which the framework recycles for the next request once the handler returns: use \`${h.param}.Copy()\` (gin) or copy the values you need, and give the work its own context.`,
      });
    }
  }
  return out;
}

function requestUse(stmt: SgNode, param: string, framework: string, ctxNames: Set<string>): string | null {
  const ids = stmt.findAll({ rule: { kind: 'identifier' } });
  if (framework !== 'net/http') {
    const used = ids.some((id) => id.text() === param && !/^\s*\.Copy\(\)/.test(stmt.text().slice(id.range().end.index - stmt.range().start.index)));
    return used ? param : null;
  }
  for (const id of ids) {
    // context.WithoutCancel(ctx) keeps the values but not the cancellation: the intended fix.
    if (id.ancestors().some((a) => kindOf(a) === 'call_expression' && /^context\.WithoutCancel\(/.test(a.text()))) continue;
    if (ctxNames.has(id.text())) return `${id.text()} := ${param}.Context()`;
    const parent = id.parent();
    if (id.text() === param && parent && kindOf(parent) === 'selector_expression' && fieldOf(parent, 'field')?.text() === 'Context') return `${param}.Context()`;
  }
  return null;
}

/** Java: `CompletableFuture.runAsync/supplyAsync(...)` started in a controller and dropped without handling. */
function javaMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const method of javaControllerMethods(root)) {
    if (!inChange(ctx, method)) continue; // its matches are statements inside it
    for (const stmt of findInScope(method, { rule: { kind: 'expression_statement' } }, 'java')) {
      const expr = stmt.children().find((c) => c.isNamed());
      if (!expr || kindOf(expr) !== 'method_invocation') continue;
      const segs = calleeSegments(expr, 'java');
      if (segs[0] !== 'CompletableFuture' || !/^(runAsync|supplyAsync)$/.test(segs[1] ?? '')) continue;
      if (segs.slice(2).some((s) => /^(exceptionally|exceptionallyAsync|handle|handleAsync|whenComplete|whenCompleteAsync|join|get)$/.test(s))) continue;
      out.push({
        line: lineOf(stmt),
        title: 'CompletableFuture dropped in a controller',
        detail: `The future from \`${quote(`CompletableFuture.${segs[1]}(…)`)}\` is dropped: an exception inside it is never observed or logged, and the work runs on the shared common ForkJoinPool after the response is sent.`,
      });
    }
  }
  return out;
}
