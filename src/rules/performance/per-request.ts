import type { SgNode } from '@ast-grep/napi';
import { functionName, isFunctionNode, parameterNames, type LanguageFamily } from '../ast/function-scope.js';

/**
 * Recognises functions that run once per incoming request or message: route handlers, controller
 * actions, Lambda handlers, queue consumers. Built once per file, because some handlers are only known
 * by the name they are registered under (`router.post('/refund', refundHandler)`).
 */
export interface PerRequest {
  /** A short description ("the `POST /charges` route handler") when `fn` runs per request or message, else undefined. */
  reason(fn: SgNode): string | undefined;
}

const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'head', 'options']);
const ROUTER_OBJECTS = /^(app|router|server|api|fastify|routes|route|r|hono|express)$/i;
const JS_HANDLER_TYPES = /^(express\.)?(NextApiRequest|NextRequest|FastifyRequest|APIGatewayProxyEvent(V2)?|APIGatewayProxyEventV2|ALBEvent|SQSEvent|SNSEvent|KinesisStreamEvent|S3Event|DynamoDBStreamEvent|EventBridgeEvent|EachMessagePayload|EachBatchPayload|Request<.*>)\b/;
const JS_CONSUMER_KEYS = new Set(['eachMessage', 'eachBatch', 'handleMessage', 'handleMessageBatch']);
const JS_CONSUMER_METHODS = new Set(['process', 'consume']);
const NEST_DECORATORS = /^@(Get|Post|Put|Patch|Delete|All|Head|Options|MessagePattern|EventPattern|Process|SqsMessageHandler|RabbitSubscribe|RabbitRPC|GrpcMethod)\b/;
const NEXT_ROUTE_EXPORTS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'loader', 'action']);

const stringText = (n: SgNode | undefined): string | undefined => {
  if (!n || (n.kind() !== 'string' && n.kind() !== 'template_string')) return undefined;
  return n.text().slice(1, -1);
};

/** `app.post('/charges', …)` → "POST /charges"; undefined when the call does not register a route. */
function jsRouteOf(call: SgNode): string | undefined {
  const callee = call.field('function');
  if (callee?.kind() !== 'member_expression') return undefined;
  const verb = callee.field('property')?.text() ?? '';
  const object = callee.field('object');
  const args = call.field('arguments')?.namedChildren() ?? [];
  const path = stringText(args[0]);
  if (HTTP_VERBS.has(verb.toLowerCase())) {
    if (path !== undefined && (path.startsWith('/') || path === '' || path === '*')) return `${verb.toUpperCase()} ${path || '/'}`;
    // router.route('/charges').post(handler)
    const routed = object?.kind() === 'call_expression' ? object.field('function')?.text().endsWith('.route') : false;
    if (routed) return `${verb.toUpperCase()} ${stringText(object?.field('arguments')?.children().find((c) => c.isNamed())) ?? ''}`.trim();
    return undefined;
  }
  if (verb === 'use' && object && ROUTER_OBJECTS.test(object.text())) return 'middleware';
  return undefined;
}

function jsDecorators(method: SgNode): string[] {
  const out: string[] = [];
  for (let p = method.prev(); p && p.kind() === 'decorator'; p = p.prev()) out.push(p.text());
  return out;
}

function jsPerRequest(root: SgNode): PerRequest {
  // Names registered as handlers: `router.post('/refunds', requireAuth, refundHandler)`.
  const registered = new Map<string, string>();
  for (const call of root.findAll({ rule: { kind: 'call_expression' } })) {
    const route = jsRouteOf(call);
    if (!route) continue;
    for (const a of call.field('arguments')?.children() ?? []) if (a.kind() === 'identifier') registered.set(a.text(), route);
  }
  return {
    reason(fn) {
      const family: LanguageFamily = 'js';
      const parent = fn.parent();
      const call = parent?.kind() === 'arguments' ? parent.parent() : null;
      if (call?.kind() === 'call_expression') {
        const route = jsRouteOf(call);
        if (route) return route === 'middleware' ? 'an HTTP middleware (it runs on every request)' : `the \`${route}\` route handler`;
        const callee = call.field('function');
        const method = callee?.kind() === 'member_expression' ? callee.field('property')?.text() : undefined;
        if (method && JS_CONSUMER_METHODS.has(method)) return `the \`.${method}()\` message consumer`;
        if (method === 'on' && /^['"`](message|request|data)['"`]$/.test(call.field('arguments')?.children().find((c) => c.isNamed())?.text() ?? '')) {
          return 'a per-message event handler';
        }
      }
      if (call?.kind() === 'new_expression' && call.field('constructor')?.text() === 'Worker') return 'the queue worker processor';
      if (parent?.kind() === 'pair' && JS_CONSUMER_KEYS.has(parent.field('key')?.text() ?? '')) return `the \`${parent.field('key')?.text()}\` consumer callback`;
      const name = functionName(fn, family);
      if (name && registered.has(name)) return `\`${name}\`, the \`${registered.get(name)}\` route handler`;
      if (fn.kind() === 'method_definition') {
        const deco = jsDecorators(fn).find((d) => NEST_DECORATORS.test(d));
        if (deco) return `the \`${deco.replace(/\(.*$/s, '')}\` controller action \`${name ?? ''}\``;
      }
      const params = parameterNames(fn, family);
      if (/^(req|request)$/.test(params[0] ?? '') && /^(res|response|reply|h)$/.test(params[1] ?? '')) return `the request handler \`${name ?? '(req, res) => …'}\``;
      const types = (fn.field('parameters')?.children() ?? []).map((p) => p.field('type')?.text().replace(/^:\s*/, '') ?? '');
      if (types.some((t) => JS_HANDLER_TYPES.test(t))) return `the request handler \`${name ?? 'anonymous'}\``;
      const exported = fn.parent()?.kind() === 'export_statement' || fn.parent()?.parent()?.parent()?.kind() === 'export_statement';
      if (exported && name && NEXT_ROUTE_EXPORTS.has(name)) return `the \`${name}\` route handler`;
      if ((name === 'handler' || name === 'lambdaHandler') && /^(event|evt|req|request)$/.test(params[0] ?? '')) return `the \`${name}\` function handler (it runs on every invocation)`;
      return undefined;
    },
  };
}

const PY_ROUTE_DECORATOR = /\.(route|get|post|put|patch|delete|head|options|api_route|websocket)$/;
const PY_VIEW_DECORATOR = /^(api_view|action|require_http_methods|require_GET|require_POST|require_safe|login_required|csrf_exempt|permission_required)$/;
const PY_TASK_DECORATOR = /(^|\.)(task|shared_task|actor|job|subscriber|consumer|handler)$/;
const PY_VIEW_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'list', 'retrieve', 'create', 'update', 'partial_update', 'destroy']);

function pyDecoratorInfo(d: SgNode): { name: string; firstArg?: SgNode } {
  const expr = d.children().find((c) => c.isNamed());
  if (!expr) return { name: '' };
  if (expr.kind() === 'call') {
    const first = expr.field('arguments')?.children().find((c) => c.isNamed());
    return { name: expr.field('function')?.text() ?? '', ...(first ? { firstArg: first } : {}) };
  }
  return { name: expr.text() };
}

function pyPerRequest(path: string): PerRequest {
  const isViewsModule = /(^|\/)(views|api|routes|endpoints|handlers)\.py$/.test(path);
  return {
    reason(fn) {
      if (fn.kind() !== 'function_definition') return undefined;
      const name = fn.field('name')?.text() ?? '';
      const decorated = fn.parent()?.kind() === 'decorated_definition' ? fn.parent() : null;
      for (const d of decorated?.children().filter((c) => c.kind() === 'decorator') ?? []) {
        const info = pyDecoratorInfo(d);
        if (PY_ROUTE_DECORATOR.test(info.name) && (info.firstArg?.kind() === 'string' || /\.(route|api_route)$/.test(info.name))) {
          const verb = /\.(\w+)$/.exec(info.name)?.[1] ?? 'route';
          const route = info.firstArg?.kind() === 'string' ? ` ${info.firstArg.text().replace(/^[rbuf]*["']|["']$/gi, '')}` : '';
          return `the \`${verb === 'route' || verb === 'api_route' ? 'route' : verb.toUpperCase()}${route}\` route handler \`${name}\``;
        }
        if (PY_VIEW_DECORATOR.test(info.name)) return `the view \`${name}\``;
        if (PY_TASK_DECORATOR.test(info.name)) return `the \`@${info.name}\` task \`${name}\` (it runs once per message)`;
      }
      const params = parameterNames(fn, 'python');
      if (params[0] === 'event' && params[1] === 'context') return `the Lambda handler \`${name}\``;
      const cls = fn.parent()?.kind() === 'block' ? fn.parent()?.parent() : decorated?.parent()?.kind() === 'block' ? decorated.parent()?.parent() : null;
      if (cls?.kind() === 'class_definition' && PY_VIEW_METHODS.has(name) && /View|ViewSet|Resource|Handler|Endpoint/.test(cls.field('superclasses')?.text() ?? '')) {
        return `the \`${cls.field('name')?.text() ?? ''}.${name}\` view method`;
      }
      if (isViewsModule && params[0] === 'request' && !cls) return `the view \`${name}\``;
      return undefined;
    },
  };
}

const GO_HANDLER_PARAM = /^(\*http\.Request|\*gin\.Context|echo\.Context|\*fiber\.Ctx|fiber\.Ctx|events\.(APIGatewayProxyRequest|APIGatewayV2HTTPRequest|SQSEvent|SNSEvent|KinesisEvent|ALBTargetGroupRequest)|\*sarama\.ConsumerMessage|kafka\.Message|\*nats\.Msg|amqp\.Delivery|\*pubsub\.Message)$/;

function goPerRequest(): PerRequest {
  return {
    reason(fn) {
      const params = fn.field('parameters');
      const types = (params?.children() ?? []).filter((c) => c.kind() === 'parameter_declaration').map((p) => p.field('type')?.text() ?? '');
      const hit = types.find((t) => GO_HANDLER_PARAM.test(t));
      if (!hit) return undefined;
      const name = fn.field('name')?.text();
      const what = /Request|Context|Ctx/.test(hit) ? 'HTTP handler' : 'message handler';
      return name ? `the ${what} \`${name}\`` : `this ${what} (it takes \`${hit}\`)`;
    },
  };
}

const JAVA_MAPPING = /^@(GetMapping|PostMapping|PutMapping|DeleteMapping|PatchMapping|RequestMapping|GET|POST|PUT|DELETE|PATCH|KafkaListener|RabbitListener|SqsListener|JmsListener|StreamListener|MessageMapping|ServiceActivator)\b/;
const JAVA_CONTROLLER = /^@(RestController|Controller)\b/;
const JAVA_NOT_PER_REQUEST = /^@(Bean|PostConstruct|Autowired|Inject)\b/;

function javaAnnotations(decl: SgNode): string[] {
  const mods = decl.children().find((c) => c.kind() === 'modifiers');
  return mods?.children().filter((c) => c.kind() === 'annotation' || c.kind() === 'marker_annotation').map((a) => a.text()) ?? [];
}

function javaPerRequest(): PerRequest {
  return {
    reason(fn) {
      if (fn.kind() !== 'method_declaration') return undefined;
      const name = fn.field('name')?.text() ?? '';
      const annotations = javaAnnotations(fn);
      const mapping = annotations.find((a) => JAVA_MAPPING.test(a));
      if (mapping) return `the \`${mapping.replace(/\(.*$/s, '')}\` handler \`${name}()\``;
      if (annotations.some((a) => JAVA_NOT_PER_REQUEST.test(a))) return undefined;
      const isStatic = fn.children().some((c) => c.kind() === 'modifiers' && /\bstatic\b/.test(c.text()));
      const cls = fn.parent()?.parent();
      if (!isStatic && cls?.kind() === 'class_declaration' && javaAnnotations(cls).some((a) => JAVA_CONTROLLER.test(a))) {
        return `\`${name}()\` of the controller \`${cls.field('name')?.text() ?? ''}\``;
      }
      if (/^do(Get|Post|Put|Delete)$/.test(name) || (name === 'handleRequest' && (fn.field('parameters')?.namedChildren().length ?? 0) >= 2)) {
        return `the request handler \`${name}()\``;
      }
      return undefined;
    },
  };
}

/** Per-request recognisers for a file. */
export function perRequestFunctions(root: SgNode, family: LanguageFamily, path: string): PerRequest {
  if (family === 'js') return jsPerRequest(root);
  if (family === 'python') return pyPerRequest(path);
  if (family === 'go') return goPerRequest();
  return javaPerRequest();
}

/** The nearest function around `n` (or `n` itself) that runs per request, with its reason. */
export function perRequestAncestor(n: SgNode, family: LanguageFamily, detector: PerRequest): { fn: SgNode; reason: string } | null {
  for (let p: SgNode | null = n; p; p = p.parent()) {
    if (!isFunctionNode(p, family)) continue;
    const reason = detector.reason(p);
    if (reason) return { fn: p, reason };
  }
  return null;
}
