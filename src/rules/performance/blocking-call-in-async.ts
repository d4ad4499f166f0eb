import type { SgNode } from '@ast-grep/napi';
import { CALL_KIND, callLabel } from '../ast/external-call.js';
import { enclosingFunction, findInScope, FUNCTION_KINDS, isAsync } from '../ast/function-scope.js';
import { importedNames, qualifyPython } from '../ast/import-bindings.js';
import { fieldOf, inChange, lineOf } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { perRequestAncestor, perRequestFunctions } from './per-request.js';

/** Python calls that block the thread (qualified through the file's imports), with what they wait for. */
const PY_BLOCKING: readonly [RegExp, string][] = [
  [/^time\.sleep$/, 'sleeps the whole event loop (use `await asyncio.sleep(...)`)'],
  [/^requests\.(get|post|put|patch|delete|head|options|request)$/, 'waits for an HTTP response on the event loop thread (use `httpx.AsyncClient` or `aiohttp`)'],
  [/^urllib\.request\.urlopen$/, 'waits for an HTTP response on the event loop thread'],
  [/^subprocess\.(run|call|check_call|check_output)$/, 'waits for a child process on the event loop thread (use `asyncio.create_subprocess_exec`)'],
  [/^smtplib\.SMTP(_SSL)?$/, 'opens an SMTP connection on the event loop thread (use `aiosmtplib`, or `asyncio.to_thread`)'],
];

/** Node.js synchronous APIs that block the event loop: file system, child processes, CPU-heavy crypto and compression. */
const JS_BLOCKING = /^(fs\.\w+Sync|\w*\.?(execSync|execFileSync|spawnSync)|crypto\.(pbkdf2Sync|scryptSync|generateKeyPairSync)|bcrypt\.(hashSync|compareSync|genSaltSync)|zlib\.\w+Sync|(readFileSync|writeFileSync|appendFileSync|readdirSync|execSync|execFileSync|spawnSync|pbkdf2Sync|scryptSync))$/;

/** Reactor's blocking operators. */
const JAVA_BLOCK = /^(block|blockFirst|blockLast|toIterable|toStream)$/;

/** Python: a blocking call inside `async def` (not in a nested sync function or lambda, which may run in an executor). */
function pythonMatches(ctx: RuleContext): RuleMatch[] {
  const names = importedNames(ctx.root, ctx.language);
  const out: RuleMatch[] = [];
  for (const fn of ctx.root.root().findAll({ rule: { kind: 'function_definition' } })) {
    if (!inChange(ctx, fn) || !isAsync(fn)) continue; // its matches are calls inside it
    for (const call of findInScope(fn, { rule: { kind: 'call' } }, ctx.language)) {
      const callee = qualifyPython((fieldOf(call, 'function')?.text() ?? '').replace(/\s+/g, ''), names);
      const hit = PY_BLOCKING.find(([re]) => re.test(callee));
      if (!hit) continue;
      out.push({ line: lineOf(call), detail: `\`${callLabel(call)}\` in \`async def ${fieldOf(fn, 'name')?.text() ?? ''}\` ${hit[1]}: every other request this worker serves waits too.` });
    }
  }
  return out;
}

/** JS/TS: a synchronous Node API called in an async function that runs per request or message. */
function jsMatches(ctx: RuleContext): RuleMatch[] {
  if (!/Sync\s*\(/.test(ctx.source)) return [];
  const root = ctx.root.root();
  // Each match is its call's line: the per-request detector is built only when a changed call needs it.
  const calls = root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', regex: 'Sync$' } } }).filter((call) => inChange(ctx, call));
  if (calls.length === 0) return [];
  const detector = perRequestFunctions(root, 'js', ctx.path);
  const out: RuleMatch[] = [];
  for (const call of calls) {
    const callee = (fieldOf(call, 'function')?.text() ?? '').replace(/\s+/g, '');
    if (!JS_BLOCKING.test(callee)) continue;
    const fn = enclosingFunction(call, ctx.language);
    const handler = fn && isAsync(fn) ? perRequestAncestor(call, 'js', detector) : null;
    if (!handler) continue;
    out.push({ line: lineOf(call), detail: `\`${callLabel(call)}\` runs in ${handler.reason}: a synchronous call blocks the event loop, so every other request in this process waits until it returns. Use the promise API (\`fs.promises\`, \`util.promisify(exec)\`, \`crypto.scrypt\`).` });
  }
  return out;
}

/** Java: Reactor `.block()` inside a method that itself returns a `Mono` or `Flux` (it runs on a non-blocking thread). */
function javaMatches(ctx: RuleContext): RuleMatch[] {
  if (!/\.block(First|Last)?\s*\(/.test(ctx.source)) return [];
  const out: RuleMatch[] = [];
  for (const call of ctx.root.root().findAll({ rule: { kind: CALL_KIND.java, has: { field: 'name', regex: JAVA_BLOCK.source } } })) {
    if (!inChange(ctx, call)) continue; // its match is the call's line
    let method: SgNode | null = enclosingFunction(call, 'java');
    while (method && method.kind() === 'lambda_expression') method = enclosingFunction(method, 'java');
    if (!method || !FUNCTION_KINDS.java.has(String(method.kind())) || !/^(Mono|Flux)\b/.test(fieldOf(method, 'type')?.text() ?? '')) continue;
    const name = fieldOf(method, 'name')?.text() ?? '';
    out.push({ line: lineOf(call), detail: `\`${callLabel(call)}\` blocks inside \`${name}()\`, which returns a reactive type: it runs on a Netty/Reactor event-loop thread, where blocking stalls every request on that thread (Reactor throws \`block()/blockFirst()/blockLast() are blocking\` in non-blocking threads). Compose with \`flatMap\`/\`zip\` instead.` });
  }
  return out;
}

/**
 * A blocking call on an event-loop or reactive thread: `time.sleep`/`requests` in `async def`, Node's
 * `*Sync` APIs in an async request handler, Reactor `.block()` in a method returning `Mono`/`Flux`.
 */
export const blockingCallInAsync: Rule = {
  id: 'blocking-call-in-async',
  category: 'performance',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'java'],
  title: 'Blocking call on an event-loop thread',
  why:
    'An event loop serves every request of the process on one thread (a few in Netty). One blocking call there (a sleep, a synchronous HTTP request, a child process, a sync file read) stops all of them: latency of unrelated requests jumps by the call\'s duration, health checks time out, and under load the service stops answering.',
  fix:
    'Use the non-blocking form: `await asyncio.sleep`, `httpx.AsyncClient`/`aiohttp`, `asyncio.create_subprocess_exec`, or `await asyncio.to_thread(blocking_fn, ...)`; in Node `fs.promises`, `util.promisify(exec)`, `crypto.scrypt`; in Reactor compose with `flatMap`/`zipWith`, or move blocking work to `Schedulers.boundedElastic()` with `subscribeOn`.',
  exemptions:
    'Silent in synchronous functions (Python `def`, non-async JS, Java methods that do not return `Mono`/`Flux`), in functions nested inside an async one (they may run in an executor), for Node sync APIs outside per-request handlers (startup and CLI code), and in Go, whose goroutines are not an event loop.',
  // Estimate: no firing on the real-world corpus (0 judged); the patterns are unambiguous where they match.
  confidence: 0.8,
  check(ctx: RuleContext): RuleMatch[] {
    if (ctx.language === 'python') return pythonMatches(ctx);
    if (ctx.language === 'java') return javaMatches(ctx);
    return jsMatches(ctx);
  },
};
