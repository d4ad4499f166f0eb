import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { FUNCTION_KINDS, isFunctionNode, isTsLike } from '../ast/function-scope.js';
import { memoised } from '../ast/file-memo.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { argumentsOf, findKinds, parametersOf, stringValue } from './syntax.js';

/** An HTTP handler that receives webhooks, found by its route, its name or the headers it reads. */
export interface WebhookHandler {
  fn: SgNode;
  /** Where a finding about the whole handler is anchored: the route registration or the signature line. */
  anchor: SgNode;
  /** The route path, when registered with one. */
  route?: string;
  /** The function's name, when found by name. */
  name?: string;
  /** Middleware registered on the same route (`app.post('/webhooks/x', verifySig, handler)`). */
  middleware: SgNode[];
}

/**
 * True when a route path RECEIVES webhooks (`/webhooks/stripe`, `/api/webhook`, `/stripe-webhook`) rather than
 * managing webhook subscriptions in the app's own API (`/webhooks`, `/webhooks/:id`, `/webhook-endpoints`),
 * which user authentication protects instead of a provider signature.
 */
export function isWebhookReceiverPath(path: string): boolean {
  const segments = path.split(/[/?#]/).filter(Boolean);
  const isParam = (s: string | undefined): boolean => !s || /^[:{<*]|^\$\{/.test(s);
  return segments.some((seg, i) => {
    const lower = seg.toLowerCase();
    if (!lower.includes('webhook')) return false;
    if (/webhooks?[-_]?(subscriptions?|endpoints?|configs?|configurations?|settings|deliveries|logs|registrations?)/.test(lower)) return false;
    if (lower === 'webhooks') return !isParam(segments[i + 1]);
    return true;
  });
}

/** Function names that manage or send webhooks instead of receiving them: `createWebhook`, `listWebhooks`, `sendWebhook`. */
const NOT_A_RECEIVER_NAME = /^_?(create|list|get|update|delete|register|subscribe|unsubscribe|add|remove|test|send|trigger|retry|fetch|find|save|upsert|enable|disable|rotate|dispatch|emit|post|deliver|schedule|enqueue|build|make|new|New|Create|List|Get|Update|Delete|Register|Send|Trigger|Dispatch|Deliver)(?![a-z])/;

const ROUTE_METHODS = /^(post|put|all|patch|POST|PUT|Post|Put|Any|HandleFunc|Handle|Handler)$/;
const WEBHOOK = /webhook/i;
const REQUEST_PARAM_JS = /^(req|request|ctx|c|event)$/;

/** Functions defined in the file by name: `function handle()`, `const handle = async () => …`, Go funcs and methods, Python defs. */
export function namedFunctions(root: SgNode, language: RuleLanguage): Map<string, SgNode> {
  const out = new Map<string, SgNode>();
  for (const f of findKinds(root, FUNCTION_KINDS[language], language)) {
    const name = fieldOf(f, 'name');
    if (name) out.set(name.text(), f);
  }
  if (isTsLike(language)) {
    for (const d of root.findAll({ rule: { kind: 'variable_declarator' } })) {
      const value = fieldOf(d, 'value');
      const name = fieldOf(d, 'name');
      if (value && name && isFunctionNode(value, language)) out.set(name.text(), value);
    }
  }
  return out;
}

/** The handler a route registration points at: an inline function or a function of this file named by the last argument. */
function resolveHandler(arg: SgNode | undefined, named: Map<string, SgNode>, language: RuleLanguage): SgNode | null {
  if (!arg) return null;
  if (isFunctionNode(arg, language)) return arg;
  const k = kindOf(arg);
  const name = k === 'identifier' ? arg.text() : k === 'member_expression' || k === 'selector_expression' ? (fieldOf(arg, 'property') ?? fieldOf(arg, 'field'))?.text() : undefined;
  return name ? (named.get(name) ?? null) : null;
}

/** True when a function looks like an HTTP handler by its parameters. */
function takesRequest(fn: SgNode, language: RuleLanguage): boolean {
  const params = parametersOf(fn, language);
  if (isTsLike(language)) return REQUEST_PARAM_JS.test(params[0]?.name ?? '');
  if (language === 'python') return params.some((p) => p.name === 'request' || /Request/.test(p.type));
  if (language === 'go') return params.some((p) => /\*http\.Request|gin\.Context|echo\.Context|fiber\.Ctx/.test(p.type));
  return params.some((p) => /@Request(Body|Header)|HttpServletRequest/.test(p.node.text()));
}

/** The route of a Spring handler: the class-level mapping path followed by the method's (`/webhooks` + `/stripe`). */
function javaRoute(method: SgNode): string {
  const annotationsOf = (n: SgNode): SgNode[] => n.children().filter((c) => kindOf(c) === 'modifiers').flatMap((m) => m.children()).filter((a) => kindOf(a) === 'annotation');
  const pathOf = (n: SgNode | undefined): string => {
    const mapping = n ? annotationsOf(n).find((a) => /Mapping$/.test(fieldOf(a, 'name')?.text() ?? '')) : undefined;
    const literal = mapping?.find({ rule: { kind: 'string_literal' } });
    return literal ? literal.text().slice(1, -1) : '';
  };
  const cls = method.ancestors().find((a) => kindOf(a) === 'class_declaration');
  return `${pathOf(cls)}${pathOf(method)}`;
}

const PY_ROUTE = /^@\s*\w+(\.\w+)*\.(route|post|put|api_route)\s*\(\s*["'][^"']*webhook/i;

/**
 * Webhook handlers in a file: functions registered on a route whose path contains "webhook" (Express,
 * Fastify, Koa routers, Go `HandleFunc`/gin/echo/chi, Flask/FastAPI decorators, Spring mappings), Next.js
 * `POST` route handlers under a webhook path, and request handlers whose own name contains "webhook".
 */
export function webhookHandlers(root: SgNode, language: RuleLanguage, path: string): WebhookHandler[] {
  // The webhook rule and the integration model ask for the same file's handlers.
  return memoised(WEBHOOK_HANDLERS, `${language}\u0000${path}`, () =>
    // Every way a handler is recognised needs the word: in a route, a handler's name, or the file's path.
    WEBHOOK.test(path) || WEBHOOK.test(root.text()) ? findWebhookHandlers(root, language, path) : [],
  );
}

const WEBHOOK_HANDLERS = {};

function findWebhookHandlers(root: SgNode, language: RuleLanguage, path: string): WebhookHandler[] {
  const out: WebhookHandler[] = [];
  const seen = new Set<number>();
  const add = (h: WebhookHandler): void => {
    if (seen.has(h.fn.id())) return;
    seen.add(h.fn.id());
    out.push(h);
  };
  const named = namedFunctions(root, language);

  if (isTsLike(language) || language === 'go') {
    for (const call of root.findAll({ rule: { kind: CALL_KIND[language] } })) {
      if (!WEBHOOK.test(argumentsOf(call)[0]?.text() ?? '')) continue;
      const segs = calleeSegments(call, language);
      if (segs.length < 2 || !ROUTE_METHODS.test(segs[segs.length - 1] ?? '')) continue;
      const args = argumentsOf(call);
      const route = args[0] ? stringValue(args[0], language) : null;
      if (!route || !isWebhookReceiverPath(route.value)) continue;
      const fn = resolveHandler(args[args.length - 1], named, language);
      if (fn) add({ fn, anchor: call, route: route.value, middleware: args.slice(1, -1) });
    }
  }
  if (language === 'python') {
    for (const d of root.findAll({ rule: { kind: 'decorated_definition' } })) {
      const fn = fieldOf(d, 'definition');
      const route = d.children().find((c) => kindOf(c) === 'decorator' && PY_ROUTE.test(c.text()) && isWebhookReceiverPath(/["']([^"']*)["']/.exec(c.text())?.[1] ?? ''));
      if (fn && kindOf(fn) === 'function_definition' && route) add({ fn, anchor: fieldOf(fn, 'name') ?? fn, route: route.text(), middleware: d.children().filter((c) => kindOf(c) === 'decorator') });
    }
  }
  if (language === 'java') {
    for (const m of root.findAll({ rule: { kind: 'method_declaration' } })) {
      const route = javaRoute(m);
      if (isWebhookReceiverPath(route)) add({ fn: m, anchor: fieldOf(m, 'name') ?? m, route, middleware: [] });
    }
  }
  // Next.js app router: `export async function POST(req)` in app/api/webhooks/…/route.ts.
  if (isTsLike(language) && WEBHOOK.test(path)) {
    for (const f of root.findAll({ rule: { kind: 'function_declaration' } })) {
      const name = fieldOf(f, 'name')?.text();
      if (name === 'POST' && f.parent() && kindOf(f.parent() as SgNode) === 'export_statement') add({ fn: f, anchor: fieldOf(f, 'name') ?? f, middleware: [] });
    }
  }
  for (const [name, fn] of named) {
    if (!WEBHOOK.test(name) || NOT_A_RECEIVER_NAME.test(name) || !takesRequest(fn, language)) continue;
    const decorators = language === 'python' && fn.parent() && kindOf(fn.parent() as SgNode) === 'decorated_definition' ? (fn.parent() as SgNode).children().filter((c) => kindOf(c) === 'decorator') : [];
    const nameNode = fieldOf(fn, 'name') ?? fn.parent() ?? fn;
    add({ fn, anchor: nameNode, name, middleware: decorators });
  }
  return out;
}
