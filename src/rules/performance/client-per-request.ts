import type { SgNode } from '@ast-grep/napi';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { clientConstructions, type ClientConstruction } from './client-constructors.js';
import { enclosingFunction, functionName, isFunctionNode, languageFamily, parameterNames, type LanguageFamily } from '../ast/function-scope.js';
import { inChange, lineOf } from '../ast/node-text.js';
import { walkedCollection, iterationCallbackCall, loopBoundNames, repeatingAncestor } from './loops.js';
import { perRequestAncestor, perRequestFunctions, type PerRequest } from './per-request.js';

const WRAPPERS = new Set([
  'await_expression',
  'await',
  'parenthesized_expression',
  'non_null_expression',
  'as_expression',
  'satisfies_expression',
  'unary_expression',
  'expression_list',
  'cast_expression',
]);

/** The node whose parent decides where the client goes: past `await`, parentheses, `&`, casts. */
function outermost(n: SgNode): SgNode {
  let cur = n;
  for (let p = cur.parent(); p && WRAPPERS.has(p.kind() as string); p = p.parent()) cur = p;
  // `client ?? new Stripe(...)` and `client || new Stripe(...)`: the fallback of a cache lookup.
  const p = cur.parent();
  if (p?.kind() === 'binary_expression' && /^(\?\?|\|\|)$/.test(p.field('operator')?.text() ?? '')) return outermost(p);
  return cur;
}

/** True when `name` is declared inside `fn` (a local), so assigning to it does not outlive the call. */
function declaredIn(fn: SgNode, name: string, family: LanguageFamily): boolean {
  if (parameterNames(fn, family).includes(name)) return true;
  const kinds =
    family === 'js'
      ? ['variable_declarator']
      : family === 'go'
        ? ['short_var_declaration', 'var_spec']
        : family === 'java'
          ? ['variable_declarator']
          : [];
  for (const kind of kinds) {
    for (const d of fn.findAll({ rule: { kind } })) {
      const target = family === 'go' && kind === 'short_var_declaration' ? d.field('left') : d.field('name');
      if (target && target.findAll({ rule: { kind: 'identifier' } }).concat(target.kind() === 'identifier' ? [target] : []).some((i) => i.text() === name)) {
        return true;
      }
    }
  }
  return false;
}

/**
 * True when the client is stored beyond the call (a field, a module variable, a map, `sync.Once`,
 * `computeIfAbsent`, `@lru_cache`): that is a cached or lazily created singleton, the right pattern.
 */
function isCached(c: ClientConstruction, family: LanguageFamily): boolean {
  const top = outermost(c.node);
  const parent = top.parent();
  const fn = enclosingFunction(c.node, family);
  if (!fn) return true;

  if (family === 'python') {
    const deco = fn.parent()?.kind() === 'decorated_definition' ? fn.parent()?.text() ?? '' : '';
    if (/@(functools\.)?(lru_cache|cache|cached_property)\b|@cached\b/.test(deco)) return true;
    if (parent?.kind() === 'assignment') {
      const left = parent.field('left');
      if (left && left.kind() !== 'identifier') return true;
      const globals = fn.findAll({ rule: { any: [{ kind: 'global_statement' }, { kind: 'nonlocal_statement' }] } });
      if (left && globals.some((g) => g.findAll({ rule: { kind: 'identifier' } }).some((i) => i.text() === left.text()))) return true;
    }
    const call = parent?.kind() === 'argument_list' ? parent.parent() : null;
    return !!call && /\.setdefault$/.test(call.field('function')?.text() ?? '');
  }

  if (family === 'go') {
    // once.Do(func() { client = redis.NewClient(...) })
    const args = fn.parent();
    if (fn.kind() === 'func_literal' && args?.kind() === 'argument_list' && /\.Do$/.test(args.parent()?.field('function')?.text() ?? '')) return true;
    const assign = parent?.kind() === 'assignment_statement' ? parent : null;
    if (assign) {
      const left = assign.field('left');
      const ids = left?.namedChildren() ?? [];
      return ids.some((i) => i.kind() !== 'identifier' || (i.text() !== '_' && !declaredIn(fn, i.text(), family)));
    }
    return false;
  }

  if (family === 'java') {
    const args = fn.parent();
    if (fn.kind() === 'lambda_expression' && args?.kind() === 'argument_list' && /^(computeIfAbsent|computeIfPresent|compute|get|memoize)$/.test(args.parent()?.field('name')?.text() ?? '')) return true;
    if (parent?.kind() === 'assignment_expression') {
      const left = parent.field('left');
      return !!left && (left.kind() !== 'identifier' || !declaredIn(fn, left.text(), family));
    }
    return false;
  }

  // JS / TS
  if (parent?.kind() === 'assignment_expression' || parent?.kind() === 'augmented_assignment_expression') {
    const left = parent.field('left');
    return !!left && (left.kind() !== 'identifier' || !declaredIn(fn, left.text(), family));
  }
  const call = parent?.kind() === 'arguments' ? parent.parent() : null;
  return !!call && /\.set$/.test(call.field('function')?.text() ?? '');
}

/** Identifiers an argument list really depends on: `r.Context()` / `ctx` carry cancellation, not per-tenant settings. */
function argumentNames(args: SgNode | null): Set<string> {
  if (!args) return new Set();
  const text = args.text().replace(/[\w.]*\.Context\(\)/g, '').replace(/\b(ctx|context)\b/g, '');
  return new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

function loopPhrase(loop: SgNode, family: LanguageFamily): string {
  if (isFunctionNode(loop, family)) {
    const call = iterationCallbackCall(loop, family);
    const method = family === 'js' ? call?.field('function')?.field('property')?.text() : call?.field('name')?.text();
    return `inside a \`.${method ?? 'forEach'}()\` callback (once per element)`;
  }
  return `inside a loop (line ${lineOf(loop)}), once per iteration`;
}

/**
 * True when the client is built from the call's own data, a parameter or a local of `fn` (a secret
 * looked up for this tenant): a per-tenant client, not the same client rebuilt.
 */
function fromCallData(fn: SgNode, used: ReadonlySet<string>, family: LanguageFamily): boolean {
  const params = parameterNames(fn, family);
  if (params.some((p) => used.has(p))) return true;
  // A local computed from the parameters (`const secretKey = await secrets.get(req.params.env)`); one read from config is not per call.
  const fromParams = new RegExp(`\\b(${params.map((p) => p.replace(/[$]/g, '\\$')).join('|')})\\b`);
  return params.length > 0 && [...used].some((name) => localValues(fn, name, family).some((v) => fromParams.test(v)));
}

/** Source of the values a local of `fn` is declared with (JS/Java declarators, Go `:=`). */
function localValues(fn: SgNode, name: string, family: LanguageFamily): string[] {
  const kind = family === 'go' ? 'short_var_declaration' : family === 'python' ? 'assignment' : 'variable_declarator';
  const out: string[] = [];
  for (const d of fn.findAll({ rule: { kind } })) {
    const target = d.field(family === 'go' || family === 'python' ? 'left' : 'name');
    const value = d.field(family === 'go' || family === 'python' ? 'right' : 'value');
    if (target && value && target.text().split(/[^\w$]+/).includes(name)) out.push(value.text());
  }
  return out;
}

type Where = { phrase: string; inLoop: boolean; confidence?: number; where?: string } | 'skip' | undefined;

/** Class decorators and annotations of a long-lived singleton service: NestJS providers and controllers, Spring beans. */
const SERVICE_CLASS = /^@(Injectable|Controller|Resolver|Processor|Service|Component|Repository|RestController)\b/;
/** Methods that run once at startup or build what is then kept: not per call. */
const STARTUP_METHOD = /^(constructor|onModuleInit|onApplicationBootstrap|onModuleDestroy|afterPropertiesSet|init\w*|setup\w*|setUp\w*|connect\w*|configure\w*|create\w*|build\w*|get\w*Client|new\w*)$/;

/** Decorators (JS) or annotations (Java) written on a class. */
function classMarks(cls: SgNode, family: LanguageFamily): string[] {
  if (family === 'java') return cls.children().find((c) => c.kind() === 'modifiers')?.children().map((m) => m.text()) ?? [];
  const own = cls.children().filter((c) => c.kind() === 'decorator');
  const exported = cls.parent()?.kind() === 'export_statement' ? (cls.parent()?.children().filter((c) => c.kind() === 'decorator') ?? []) : [];
  return [...own, ...exported].map((d) => d.text());
}

/**
 * The method of a singleton service (NestJS `@Injectable`, Spring `@Service`…) the construction runs in, when it
 * runs on every call of that method: services are built once, so a client belongs in a field, not a method body.
 */
function serviceMethod(node: SgNode, family: LanguageFamily): { cls: string; method: string; fn: SgNode } | undefined {
  if (family !== 'js' && family !== 'java') return undefined;
  const fn = enclosingFunction(node, family);
  if (!fn || fn.kind() !== (family === 'js' ? 'method_definition' : 'method_declaration')) return undefined;
  const method = functionName(fn, family) ?? '';
  if (STARTUP_METHOD.test(method) || (family === 'java' && /@(PostConstruct|Bean)\b/.test(fn.text().split('(')[0] ?? ''))) return undefined;
  const cls = fn.parent()?.parent();
  if (!cls || cls.kind() !== 'class_declaration' || !classMarks(cls, family).some((m) => SERVICE_CLASS.test(m))) return undefined;
  return { cls: cls.field('name')?.text() ?? 'service', method, fn };
}

/** Where the construction runs once per request or item, if it does; 'skip' when it depends on the item or request (per-tenant clients). */
function perCallPlace(c: ClientConstruction, family: LanguageFamily, detector: PerRequest): Where {
  const used = argumentNames(c.args);
  // Only loops over data count: a client per attempt of a retry or reconnect loop (`while True`, `range(3)`) is deliberate.
  const loop = repeatingAncestor(c.node, family);
  if (loop && walkedCollection(loop, family)) {
    const bound = loopBoundNames(loop, family);
    if ([...bound].some((b) => used.has(b))) return 'skip';
    return { phrase: loopPhrase(loop, family), inLoop: true };
  }
  const handler = perRequestAncestor(c.node, family, detector);
  if (handler) {
    if (fromCallData(handler.fn, used, family)) return 'skip';
    return { phrase: `inside ${handler.reason}`, inLoop: false };
  }
  const service = serviceMethod(c.node, family);
  if (service) {
    if (fromCallData(service.fn, used, family)) return 'skip';
    // Probably per request: service methods run on every call, though some run from a job or once.
    return { phrase: `inside \`${service.cls}.${service.method}()\`, on every call of a service that is itself built once`, inLoop: false, confidence: 0.7, where: `on every call of ${service.cls}.${service.method}()` };
  }
  return undefined;
}

/** A named helper that may be called per request: not a constructor, factory for DI, or entry point. */
function helperName(fn: SgNode, family: LanguageFamily): string | undefined {
  const name = functionName(fn, family);
  if (!name || /^(constructor|__init__|init|main|New[A-Z]?\w*|setUp|configure\w*|create\w*Bean)$/.test(name)) return undefined;
  if (family === 'java' && (fn.kind() !== 'method_declaration' || /@Bean\b/.test(fn.text().split('(')[0] ?? ''))) return undefined;
  return name;
}

/** A call of `name` (plain, `this.`, `self.` or a Go receiver) outside `helper` that runs per request or per item. */
function perRequestCallOf(root: SgNode, family: LanguageFamily, name: string, helper: SgNode, detector: PerRequest): { phrase: string; inLoop: boolean } | undefined {
  const callKind = family === 'python' ? 'call' : family === 'java' ? 'method_invocation' : 'call_expression';
  for (const call of root.findAll({ rule: { kind: callKind } })) {
    const callee = family === 'java' ? call.field('name')?.text() : call.field('function')?.text();
    const object = family === 'java' ? call.field('object')?.text() : undefined;
    const matches =
      family === 'java'
        ? callee === name && (!object || object === 'this')
        : callee === name || callee === `this.${name}` || callee === `self.${name}` || (family === 'go' && new RegExp(`^\\w+\\.${name}$`).test(callee ?? ''));
    if (!matches) continue;
    const r = call.range();
    const h = helper.range();
    if (r.start.index >= h.start.index && r.end.index <= h.end.index) continue;
    const loop = repeatingAncestor(call, family);
    if (loop && walkedCollection(loop, family)) return { phrase: loopPhrase(loop, family), inLoop: true };
    const handler = perRequestAncestor(call, family, detector);
    if (handler) return { phrase: `from ${handler.reason} (line ${lineOf(call)})`, inLoop: false };
  }
  return undefined;
}

function describe(c: ClientConstruction, place: string, per: 'request' | 'iteration'): string {
  return `${c.label} builds a new client, with its own ${c.holds}, ${place}, so every ${per} pays for a new one instead of reusing a shared client.`;
}

/**
 * An SDK, HTTP or database client built inside a request handler, a message consumer, a loop, or a
 * helper that one of those calls. Clients built at module level, in constructors, DI factories or
 * cached (field, module variable, `sync.Once`, `@lru_cache`, `computeIfAbsent`) are fine.
 */
export const clientPerRequest: Rule = {
  id: 'client-per-request',
  category: 'performance',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Client constructed per request',
  why:
    'Each client owns its connection pool, keep-alive agent, TLS sessions and credential lookup. Building one per request or per item pays a TCP+TLS handshake (and for databases, new connections and auth) on every call, defeats keep-alive, and under load exhausts database connections, sockets or file descriptors; pools that are never closed leak until the process dies.',
  fix:
    'Create the client once at startup (module scope, the constructor of a long-lived service, a DI singleton or `@Bean`, `sync.Once`, FastAPI lifespan/`app.state`) and reuse it: Stripe, AWS SDK clients, `pg.Pool`, `PrismaClient`, `requests.Session`, `httpx.Client`, `*sql.DB`, `RestTemplate` and `HttpClient` are all safe to share across concurrent requests.',
  exemptions:
    'Silent for clients built at module level, in constructors, lifecycle hooks (`onModuleInit`, `@PostConstruct`), DI factories and `@Bean` methods, cached ones (a field, a module variable, `sync.Once`, `@lru_cache`, `computeIfAbsent`), per-tenant clients built from the request or loop item, and clients per attempt of a retry or reconnect loop.',
  // No firing on the real-world corpus yet (0 judged): an estimate. Matches in a singleton service's method (probably per request) carry 0.7.
  confidence: 0.8,
  check(ctx: RuleContext): RuleMatch[] {
    // Each match is its construction's line: those the change did not touch need no judging (nor the per-request detector).
    const constructions = clientConstructions(ctx).filter((c) => inChange(ctx, c.node));
    if (constructions.length === 0) return [];
    const family = languageFamily(ctx.language);
    const root = ctx.root.root();
    const detector = perRequestFunctions(root, family, ctx.path);
    const out: RuleMatch[] = [];
    for (const c of constructions) {
      if (isCached(c, family)) continue;
      const place = perCallPlace(c, family, detector);
      if (place === 'skip') continue;
      if (place) {
        const title = `${c.label.replace(/`/g, '')} constructed ${place.where ?? (place.inLoop ? 'in a loop' : 'per request')}`;
        out.push({ line: lineOf(c.node), title, detail: describe(c, place.phrase, place.inLoop ? 'iteration' : 'request'), ...(place.confidence ? { confidence: place.confidence } : {}) });
        continue;
      }
      // One level of same-file call tracing: `function stripeClient() { return new Stripe(key) }` called from a handler.
      const fn = enclosingFunction(c.node, family);
      const name = fn ? helperName(fn, family) : undefined;
      if (!fn || !name) continue;
      const caller = perRequestCallOf(root, family, name, fn, detector);
      if (!caller) continue;
      out.push({
        line: lineOf(c.node),
        title: `${c.label.replace(/`/g, '')} constructed on every call of ${name}()`,
        detail: describe(c, `inside \`${name}()\`, which is called ${caller.phrase}`, caller.inLoop ? 'iteration' : 'request'),
      });
    }
    return out.sort((a, b) => a.line - b.line);
  },
};
