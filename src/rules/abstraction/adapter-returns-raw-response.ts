import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { calleeSegments } from '../ast/external-call.js';
import { findInScope, isTsLike, languageFamily, type LanguageFamily } from '../ast/function-scope.js';
import { importStatements } from '../ast/import-bindings.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import { isUrlish, keywordArgument, positionalArguments } from '../coupling/outbound-http.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';

/** A public function that hands a raw response out: where to report it and what to say. */
interface Leak {
  /** The line of the raw type in the signature, or of the `return` that hands the response out. */
  line: number;
  /** `detect_language()`, `Client.OpenSource()`. */
  label: string;
  /** `requests.Response`, `*http.Response`, the fetch `Response`. */
  type: string;
  /** Lower than the rule's when the leak is milder (a `ResponseEntity` whose body is already a typed object). */
  confidence?: number;
}

const NON_PRODUCTION = /(^|\/)(tests?|__tests__|__mocks__|spec|specs|fixtures?|testdata|mocks?|scripts|migrations|e2e|examples|_examples|testutils?|testing)(\/|$)|(\.|_)(test|spec)\.\w+$|_test\.go$|(^|\/)test_[^/]+\.py$|(^|\/)conftest\.py$|Tests?\.java$|(^|\/)middlewares?(\/|\.)/i;

/**
 * Parameters of a generic transport helper (`request(method, url)`, `Do(req *http.Request)`): it is told where
 * to send, and returning the response is its job.
 */
const GENERIC_PARAM = /^(url|uri|endpoint|method|verb|http_?method|req|request|httpRequest|\w+_url|\w+Url|\w+URL|\w+_uri|\w+Uri)$/;
const paramWords = (fn: SgNode): string[] => fieldOf(fn, 'parameters')?.text().match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
const isGenericHelper = (fn: SgNode): boolean => paramWords(fn).some((p) => GENERIC_PARAM.test(p));

/** Names of client objects whose verb calls return the transport response (`session.get(url)`, `self._client.post(url)`). */
const PY_CLIENT = /(session|client|http)$/i;
const PY_VERB = /^(get|post|put|patch|delete|head|options|request|send)$/;

/** Python: a call that returns a `requests`/`httpx` response (module function, session or client, `urlopen`, SendGrid's `send`). */
function pythonRawCall(call: SgNode, sendgridClients: ReadonlySet<string>): string | null {
  if (kindOf(call) !== 'call') return null;
  const segs = calleeSegments(call, 'python');
  const method = segs[segs.length - 1] ?? '';
  const receiver = segs.slice(0, -1).join('.');
  if ((receiver === 'requests' || receiver === 'httpx') && PY_VERB.test(method) && method !== 'send') return `${receiver}.Response`;
  if (method === 'urlopen') return 'urlopen response';
  if (method === 'send' && sendgridClients.has(receiver)) return "SendGrid's HTTP response";
  const url = isUrlish(positionalArguments(call)[0]) || isUrlish(positionalArguments(call)[1]) || isUrlish(keywordArgument(call, 'url'));
  const last = (segs[segs.length - 2] ?? '').replace(/_/g, '');
  if (PY_VERB.test(method) && url && PY_CLIENT.test(last) && !receiver.includes('?')) return 'HTTP response';
  return null;
}

const unwrapAwait = (n: SgNode | null | undefined): SgNode | null | undefined => {
  let cur = n;
  while (cur && (kindOf(cur) === 'await_expression' || kindOf(cur) === 'await' || kindOf(cur) === 'parenthesized_expression')) cur = cur.children().find((c) => c.isNamed());
  return cur;
};

/**
 * The raw response a function returns, if any: `return <raw call>`, or `return name` where `name` was bound to a
 * raw call in the same function and never rebound. Returns the `return` statement and the response type.
 */
function returnedRaw(fn: SgNode, language: RuleLanguage, rawCall: (n: SgNode) => string | null): { ret: SgNode; type: string } | null {
  const body = fieldOf(fn, 'body');
  if (!body) return null;
  const returns = findInScope(body, { rule: { kind: 'return_statement' } }, language);
  const bindings = new Map<string, string | null>();
  const assignKinds = language === 'python' ? ['assignment'] : ['variable_declarator', 'assignment_expression'];
  for (const a of findInScope(body, { rule: { any: assignKinds.map((kind) => ({ kind })) } }, language)) {
    const left = (fieldOf(a, 'left') ?? fieldOf(a, 'name'))?.text() ?? '';
    const right = unwrapAwait(fieldOf(a, 'right') ?? fieldOf(a, 'value'));
    const type = right ? rawCall(right) : null;
    bindings.set(left, bindings.has(left) && bindings.get(left) !== type ? null : type);
  }
  for (const ret of returns) {
    const value = unwrapAwait(ret.children().find((c) => c.isNamed()));
    if (!value) continue;
    const direct = rawCall(value);
    if (direct) return { ret, type: direct };
    if (kindOf(value) === 'identifier') {
      const bound = bindings.get(value.text());
      if (bound) return { ret, type: bound };
    }
  }
  return null;
}

function pythonLeaks(ctx: RuleContext): Leak[] {
  const root = ctx.root.root();
  const sendgridClients = new Set<string>();
  for (const a of root.findAll({ rule: { kind: 'assignment' } })) {
    if (/^(sendgrid\.)?SendGridAPIClient\(/.test(fieldOf(a, 'right')?.text() ?? '')) sendgridClients.add(fieldOf(a, 'left')?.text() ?? '');
  }
  const out: Leak[] = [];
  const visit = (fn: SgNode, owner: string | null): void => {
    // Its match is its return annotation or one of its returns, inside the function.
    if (!inChange(ctx, fn)) return;
    const name = fieldOf(fn, 'name')?.text() ?? '';
    if (name.startsWith('_') || isGenericHelper(fn)) return;
    const label = `\`${owner ? `${owner}.` : ''}${name}()\``;
    const annotation = fieldOf(fn, 'return_type');
    const found = returnedRaw(fn, 'python', (n) => pythonRawCall(n, sendgridClients));
    if (annotation && /^(requests\.|httpx\.)?Response$/.test(annotation.text()) && found) {
      out.push({ line: lineOf(annotation), label, type: found.type });
    } else if (found) {
      out.push({ line: lineOf(found.ret), label, type: found.type });
    }
  };
  for (const top of root.children()) {
    const d = kindOf(top) === 'decorated_definition' ? fieldOf(top, 'definition') ?? top : top;
    if (kindOf(d) === 'function_definition') visit(d, null);
    if (kindOf(d) === 'class_definition' && !(fieldOf(d, 'name')?.text() ?? '_').startsWith('_')) {
      for (const m of fieldOf(d, 'body')?.children() ?? []) {
        const fn = kindOf(m) === 'decorated_definition' ? fieldOf(m, 'definition') : m;
        if (fn && kindOf(fn) === 'function_definition') visit(fn, fieldOf(d, 'name')?.text() ?? null);
      }
    }
  }
  return out;
}

/** Modules whose `Response` type is a server's response object (a handler's), not a client's. */
const SERVER_RESPONSE_MODULES = /^(express|koa|fastify|@nestjs\/|next\/|hono|@hapi\/|restify|h3|@sveltejs\/|@remix-run\/)/;

/** JS/TS: a call that returns the transport response: `fetch(…)`, `axios.get(…)`, a configured axios instance. */
function jsRawCall(n: SgNode, language: RuleLanguage, axiosInstances: ReadonlySet<string>): string | null {
  if (kindOf(n) !== 'call_expression') return null;
  const segs = calleeSegments(n, language);
  const method = segs[segs.length - 1] ?? '';
  if (segs.length === 1 && (method === 'fetch' || method === 'ky')) return 'fetch `Response`';
  if (segs.length === 1 && method === 'axios') return '`AxiosResponse`';
  const receiver = segs.slice(0, -1).join('.');
  if ((receiver === 'axios' || axiosInstances.has(receiver)) && /^(get|post|put|patch|delete|head|options|request)$/.test(method)) return '`AxiosResponse`';
  return null;
}

/** Handlers return a response to their own caller: Next.js route handlers, `(req, res)` handlers, middleware. */
function isJsHandler(fn: SgNode, name: string): boolean {
  if (/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|middleware|handler|handle|loader|action|fetch)$/.test(name)) return true;
  const params = paramWords(fn);
  return params.includes('res') || params.includes('reply') || params.includes('ctx') || params.includes('event');
}

function jsLeaks(ctx: RuleContext): Leak[] {
  const root = ctx.root.root();
  if (/(^|\/)(app\/.*\/route|pages\/api\/.*|middleware)\.[jt]sx?$/.test(ctx.path)) return [];
  const axiosInstances = new Set<string>();
  for (const d of root.findAll({ rule: { kind: 'variable_declarator' } })) {
    if (/^axios\.create\(/.test(fieldOf(d, 'value')?.text() ?? '')) axiosInstances.add(fieldOf(d, 'name')?.text() ?? '');
  }
  const serverResponse = importStatements(ctx.root, ctx.language).some((i) => SERVER_RESPONSE_MODULES.test(i.module) && i.names.some((n) => n.local === 'Response'));
  const out: Leak[] = [];
  const visit = (fn: SgNode, label: string, name: string): void => {
    // Its match is its return type or one of its returns, inside the function.
    if (!inChange(ctx, fn)) return;
    if (name.startsWith('_') || isGenericHelper(fn) || isJsHandler(fn, name)) return;
    const found = returnedRaw(fn, ctx.language, (n) => jsRawCall(n, ctx.language, axiosInstances));
    if (!found) return;
    const annotation = fieldOf(fn, 'return_type');
    const annotated = annotation && !serverResponse && /\b(Response|AxiosResponse)\b/.test(annotation.text());
    out.push({ line: lineOf(annotated ? annotation : found.ret), label, type: found.type });
  };
  for (const ex of root.findAll({ rule: { kind: 'export_statement' } })) {
    const decl = fieldOf(ex, 'declaration') ?? ex.children().find((c) => c.isNamed() && kindOf(c) !== 'decorator');
    if (!decl) continue;
    const kind = kindOf(decl);
    const name = fieldOf(decl, 'name')?.text() ?? 'default';
    if (kind === 'function_declaration') visit(decl, `\`${name}()\``, name);
    else if (kind === 'lexical_declaration') {
      for (const d of decl.findAll({ rule: { kind: 'variable_declarator' } })) {
        const value = fieldOf(d, 'value');
        const fname = fieldOf(d, 'name')?.text() ?? '';
        if (value && (kindOf(value) === 'arrow_function' || kindOf(value) === 'function_expression')) visit(value, `\`${fname}()\``, fname);
      }
    } else if (kind === 'class_declaration' || kind === 'abstract_class_declaration') {
      for (const m of fieldOf(decl, 'body')?.children() ?? []) {
        if (kindOf(m) !== 'method_definition') continue;
        const acc = m.children().find((c) => kindOf(c) === 'accessibility_modifier')?.text();
        const member = fieldOf(m, 'name');
        if (acc === 'private' || acc === 'protected' || !member || kindOf(member) === 'private_property_identifier') continue;
        visit(m, `\`${name}.${member.text()}()\``, member.text());
      }
    }
  }
  return out;
}

/** Go method names whose job is transport: a `Do`, a `RoundTrip`, a thin verb helper. */
const GO_TRANSPORT_METHOD = /^(Do|RoundTrip|Get|Post|Put|Patch|Delete|Head|PostForm|Send|Request|Call|Raw\w*)$/;

/** True when a statement runs on every path through `fn`: not under an `if`, a `switch`, a loop or a closure. */
function unconditional(stmt: SgNode, fn: SgNode): boolean {
  for (const a of stmt.ancestors()) {
    if (a.id() === fn.id()) return true;
    if (/^(if_statement|expression_switch_statement|type_switch_statement|select_statement|for_statement|func_literal)$/.test(kindOf(a))) return false;
  }
  return false;
}

function goLeaks(ctx: RuleContext): Leak[] {
  const out: Leak[] = [];
  for (const fn of ctx.root.root().findAll({ rule: { any: [{ kind: 'function_declaration' }, { kind: 'method_declaration' }] } })) {
    if (!inChange(ctx, fn)) continue; // its match is its result type
    const name = fieldOf(fn, 'name')?.text() ?? '';
    const result = fieldOf(fn, 'result');
    if (!/^[A-Z]/.test(name) || !result || !/\*\s*http\.Response\b/.test(result.text())) continue;
    const receiverType = kindOf(fn) === 'method_declaration' ? fieldOf(fn, 'receiver')?.find({ rule: { kind: 'type_identifier' } })?.text() : undefined;
    if (receiverType !== undefined && !/^[A-Z]/.test(receiverType)) continue;
    if (GO_TRANSPORT_METHOD.test(name) || isGenericHelper(fn) || /\*\s*http\.Request\b/.test(fieldOf(fn, 'parameters')?.text() ?? '')) continue;
    // A body closed before returning is not handed out (and returning it is a different bug).
    const closed = fn.findAll({ rule: { kind: 'defer_statement', regex: '\\.Body\\.Close\\(\\)' } }).some((d) => unconditional(d, fn));
    if (closed) continue;
    out.push({ line: lineOf(result), label: `\`${receiverType ? `${receiverType}.` : ''}${name}()\``, type: '`*http.Response`' });
  }
  return out;
}

const JAVA_HANDLER_CLASS = /@(RestController|Controller|Path|ControllerAdvice|RestControllerAdvice|Provider|WebFilter|Component\s*\(\s*"?\w*Filter)\b/;
const JAVA_HANDLER_METHOD = /@(GetMapping|PostMapping|PutMapping|DeleteMapping|PatchMapping|RequestMapping|GET|POST|PUT|DELETE|PATCH|HEAD|Path|ExceptionHandler)\b/;
const JAVA_HANDLER_NAME = /(Controller|Resource|Endpoint|Filter|Interceptor|Handler|Advice|Mapper|Servlet)$/;

/** Java raw response types and the imports that make them a client's response (not a resource's). */
function javaRawTypes(ctx: RuleContext): Map<string, string> {
  const imports = importStatements(ctx.root, ctx.language).map((i) => i.module);
  const has = (re: RegExp): boolean => imports.some((m) => re.test(m));
  const types = new Map<string, string>();
  if (has(/^(javax|jakarta)\.ws\.rs\.client\./)) types.set('Response', 'JAX-RS `Response`');
  if (has(/^okhttp3\.Response$/)) types.set('Response', 'OkHttp `Response`');
  if (has(/^org\.springframework\.web\.(client|reactive\.function\.client)\./)) types.set('ResponseEntity', '`ResponseEntity`');
  if (has(/^java\.net\.http\.HttpResponse$/)) types.set('HttpResponse', '`HttpResponse`');
  if (has(/^org\.apache\.(http|hc)\..*(HttpResponse|CloseableHttpResponse|ClassicHttpResponse)$/)) {
    for (const t of ['HttpResponse', 'CloseableHttpResponse', 'ClassicHttpResponse']) types.set(t, `Apache \`${t}\``);
  }
  return types;
}

const modifiersOf = (decl: SgNode | null | undefined): string => decl?.children().find((c) => kindOf(c) === 'modifiers')?.text() ?? '';

function javaLeaks(ctx: RuleContext): Leak[] {
  const types = javaRawTypes(ctx);
  if (types.size === 0) return [];
  const out: Leak[] = [];
  for (const cls of ctx.root.root().findAll({ rule: { kind: 'class_declaration' } })) {
    const clsName = fieldOf(cls, 'name')?.text() ?? '';
    if (!/\bpublic\b/.test(modifiersOf(cls)) || JAVA_HANDLER_CLASS.test(modifiersOf(cls)) || JAVA_HANDLER_NAME.test(clsName)) continue;
    for (const m of fieldOf(cls, 'body')?.children() ?? []) {
      if (kindOf(m) !== 'method_declaration' || !inChange(ctx, m) || !fieldOf(m, 'body')) continue; // its match is its return type
      const mods = modifiersOf(m);
      if (!/\bpublic\b/.test(mods) || JAVA_HANDLER_METHOD.test(mods) || isGenericHelper(m)) continue;
      const typeNode = fieldOf(m, 'type');
      const type = types.get((typeNode?.text() ?? '').replace(/<.*$/s, '').replace(/^.*\./, ''));
      if (!typeNode || !type) continue;
      // RestTemplate already raised on error statuses and bound the body to a type: callers get headers, not a wire format.
      const typedBody = /^ResponseEntity\s*<\s*(?!(String|Object|JsonNode|Map|byte\s*\[\s*\]|\?)\b)/.test(typeNode.text());
      out.push({ line: lineOf(typeNode), label: `\`${clsName}.${fieldOf(m, 'name')?.text() ?? ''}()\``, type, ...(typedBody ? { confidence: 0.6 } : {}) });
    }
  }
  return out;
}

/**
 * Words a file must contain for any of its functions to hand out a raw response (a superset of what each
 * language's recogniser asks for): the rule reads no tree without one.
 */
const MAY_RETURN_RAW: Record<LanguageFamily, RegExp> = {
  python: /requests|httpx|urlopen|session|client|http/i,
  js: /fetch|ky|axios/,
  go: /http\.Response/,
  java: /./,
};

/**
 * A public function or method of an integration module returns the raw HTTP response (`requests.Response`,
 * `*http.Response`, fetch's `Response`, `AxiosResponse`, JAX-RS `Response`, `ResponseEntity` of a client call,
 * `HttpResponse<…>`), so every caller checks the status and parses the provider's body itself.
 */
export const adapterReturnsRawResponse: Rule = {
  id: 'adapter-returns-raw-response',
  category: 'abstraction',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Adapter hands the raw HTTP response to its callers',
  why:
    "The adapter's job is to turn the provider's HTTP contract into the application's terms. Handing out the raw response moves that job to every caller: each one checks the status code, knows the provider's body shape and headers, and decides what an error is — differently, and all of them break when the provider changes. Callers can also forget to close or drain the body.",
  fix: 'Check the status and parse the body inside the adapter, and return a typed result (a domain object, or a small value such as a message id or a language code) or raise a domain error the callers can handle; if callers need streaming, return the body reader (`io.ReadCloser`, a stream) rather than the response.',
  exemptions:
    'Silent for HTTP handlers and controllers returning a response to their own caller (Spring `@RestController`/`@Controller`, JAX-RS `@Path` resources, request-mapping methods, Next.js route handlers, `(req, res)` handlers, middleware), for thin generic transport helpers whose job is to return responses (functions taking a URL, a method or a request: `request(method, url)`, `Do(req)`, `RoundTrip`), for private/unexported functions, for Go functions that close the body before returning, and in tests, scripts and examples. Java `Response`/`ResponseEntity` count only in a class that imports an HTTP client API.',
  // An estimate (< 5 real firings): no firing on the 657 commits of the real-world corpus; whole-tree scan of 12
  // repositories 3 firings, all DEBATABLE (one generic SDK class); labelled corpus 5/5 on planted lines.
  confidence: 0.75,
  check(ctx: RuleContext): RuleMatch[] {
    if (NON_PRODUCTION.test(ctx.path)) return [];
    // Python tests receiver names with underscores removed (`http_session`): so does the word test.
    const family = languageFamily(ctx.language);
    if (!MAY_RETURN_RAW[family].test(family === 'python' ? ctx.source.replace(/_/g, '') : ctx.source)) return [];
    const leaks = ctx.language === 'python' ? pythonLeaks(ctx) : ctx.language === 'go' ? goLeaks(ctx) : ctx.language === 'java' ? javaLeaks(ctx) : isTsLike(ctx.language) ? jsLeaks(ctx) : [];
    return leaks.map((l) => ({
      line: l.line,
      title: `${l.label} returns the raw HTTP response`,
      detail: `${l.label} is public API of \`${quote(ctx.path, 80)}\` and returns the ${l.type} itself: its callers must check the status and parse the provider's body.`,
      ...(l.confidence !== undefined ? { confidence: l.confidence } : {}),
    }));
  },
};
