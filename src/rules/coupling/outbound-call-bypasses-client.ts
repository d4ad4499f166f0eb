import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeOf, calleeSegments } from '../ast/external-call.js';
import { isFunctionNode } from '../ast/function-scope.js';
import { importStatements } from '../ast/import-bindings.js';
import { fieldOf, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { argumentsOf, bareHttpCalls, HTTP_VERB, isUrlish, keywordArgument, positionalArguments, type BareCall } from './outbound-http.js';

/** One outbound call made through the module's own client, session or helper. */
interface WrapperUse {
  node: SgNode;
  /** How to name the wrapper in the finding: `self.session`, `proxy.DefaultHttpClient`, `httpsRequest`. */
  label: string;
  /** The class whose member it is (`self.session`, `this.http`, a Java field), or null when the whole module can use it. */
  classId: number | null;
  /** A helper function defined in this file (weaker evidence than a client object: it may serve one API only). */
  helper: boolean;
  /** Weaker evidence than a known HTTP client (a Java field of a project `…Client` type): the match's confidence. */
  confidence?: number;
}

const NON_PRODUCTION = /(^|\/)(tests?|__tests__|__mocks__|spec|specs|fixtures?|testdata|mocks?|scripts|migrations|e2e|examples|_examples)(\/|$)|(\.|_)(test|spec)\.\w+$|_test\.go$|(^|\/)test_[^/]+\.py$|(^|\/)conftest\.py$|Tests?\.java$/i;

/** Names of client objects: `session`, `httpClient`, `api`, `self._client`, `this.http`. */
const CLIENT_NAME = /(session|client|http|api|curl|axios|rest|fetcher|transport|requester)$/i;
/** Bare library modules: calling them directly is what the rule looks for, so they are never the wrapper. */
const LIBRARY_NAMES = /^(requests|httpx|urllib\d?|aiohttp|http|https|axios|got|ky|superagent|needle|fetch|undici|net\/http)$/;

const CLASS_KINDS = new Set(['class_definition', 'class_declaration', 'class', 'abstract_class_declaration', 'enum_declaration', 'record_declaration']);

/** The nearest class around a node, or null at module level (Go has no classes: the file is the scope). */
function enclosingClassId(node: SgNode): number | null {
  for (const a of node.ancestors()) if (CLASS_KINDS.has(kindOf(a))) return a.id();
  return null;
}

/** True when a node sits inside `fn` (or is it). */
const inside = (node: SgNode, fn: SgNode): boolean => node.id() === fn.id() || node.ancestors().some((a) => a.id() === fn.id());

/** The first or second positional argument (`request(method, url)`) or `url=` names a URL. */
function hasUrlArgument(call: SgNode): boolean {
  const pos = positionalArguments(call);
  return isUrlish(pos[0]) || isUrlish(pos[1]) || isUrlish(keywordArgument(call, 'url'));
}

/**
 * Python: names bound to a project session, `with get_adapter().get_requests_session() as sess`,
 * `self.session = requests.Session()`, module-level `session = build_session()`. A session built on the spot
 * in a `with requests.Session() as s` is local to one function, not the module's client.
 */
function pythonSessionNames(root: SgNode): { names: Map<string, string>; local: Set<string> } {
  const names = new Map<string, string>();
  const local = new Set<string>();
  const sessionFactory = (t: string): boolean => /session|client/i.test(t);
  const bareConstructor = (t: string): boolean => /^(requests|httpx|aiohttp)\.\w+\(\s*\)$/.test(t);
  for (const item of root.findAll({ rule: { kind: 'with_item' } })) {
    const pattern = item.find({ rule: { kind: 'as_pattern' } });
    const value = pattern?.children().find((c) => c.isNamed());
    const target = pattern?.find({ rule: { kind: 'as_pattern_target' } })?.text();
    if (!value || !target || !sessionFactory(value.text())) continue;
    if (bareConstructor(value.text())) local.add(target);
    else names.set(target, value.text());
  }
  for (const a of root.findAll({ rule: { kind: 'assignment' } })) {
    const left = fieldOf(a, 'left')?.text() ?? '';
    const right = fieldOf(a, 'right');
    if (!right || kindOf(right) !== 'call' || !sessionFactory(fieldOf(right, 'function')?.text() ?? '')) continue;
    const moduleLevel = a.ancestors().every((x) => !isFunctionNode(x, 'python'));
    if (left.startsWith('self.') || moduleLevel || !bareConstructor(right.text())) names.set(left, left.startsWith('self.') || moduleLevel ? left : right.text());
    else local.add(left);
  }
  for (const n of names.keys()) local.delete(n);
  return { names, local };
}

function pythonWrapperUses(root: SgNode): WrapperUse[] {
  const { names: sessions, local } = pythonSessionNames(root);
  const out: WrapperUse[] = [];
  for (const call of root.findAll({ rule: { kind: 'call', has: { field: 'function', kind: 'attribute' } } })) {
    const callee = calleeOf(call, 'python');
    const object = fieldOf(callee, 'object')?.text() ?? '';
    const method = (fieldOf(callee, 'attribute')?.text() ?? '').toLowerCase();
    if (!HTTP_VERB.test(method) || LIBRARY_NAMES.test(object) || !hasUrlArgument(call)) continue;
    const bound = sessions.get(object);
    const member = /^self\.\w+$/.test(object) && CLIENT_NAME.test(object.slice(5).replace(/_/g, ''));
    const moduleClient = /^\w+$/.test(object) && !local.has(object) && CLIENT_NAME.test(object.replace(/_/g, ''));
    if (!bound && !member && !moduleClient) continue;
    out.push({ node: call, label: bound ?? object, classId: object.startsWith('self.') ? enclosingClassId(call) : null, helper: false });
  }
  return out;
}

const RELATIVE_MODULE = /^(\.{1,2}\/|@\/|~\/|src\/)/;

/** JS/TS: names bound to configured clients (`axios.create(…)`, `got.extend(…)`) or imported from the project's own modules. */
function jsClientNames(ctx: RuleContext): Set<string> {
  const names = new Set<string>();
  for (const imp of importStatements(ctx.root, ctx.language)) {
    if (!RELATIVE_MODULE.test(imp.module)) continue;
    for (const n of imp.names) if (/request|http|fetch|api|client/i.test(n.local)) names.add(n.local);
  }
  for (const d of ctx.root.root().findAll({ rule: { kind: 'variable_declarator' } })) {
    const value = fieldOf(d, 'value')?.text() ?? '';
    if (/^(axios|got|ky)\.(create|extend)\(/.test(value)) names.add(fieldOf(d, 'name')?.text() ?? '');
  }
  names.delete('');
  return names;
}

function jsWrapperUses(ctx: RuleContext): WrapperUse[] {
  const clients = jsClientNames(ctx);
  const out: WrapperUse[] = [];
  for (const call of ctx.root.root().findAll({ rule: { kind: 'call_expression' } })) {
    const segs = calleeSegments(call, ctx.language);
    const method = segs[segs.length - 1] ?? '';
    const receivers = segs.slice(0, -1);
    const first = argumentsOf(call)[0];
    if (receivers.length === 0) {
      // `httpsRequest(options)`, `request(url)` imported from the project's own HTTP helper.
      if (clients.has(method)) out.push({ node: call, label: method, classId: null, helper: false });
      continue;
    }
    if (!/^(get|post|put|patch|delete|head|options|request|fetch|send)$/i.test(method) || receivers.includes('?')) continue;
    const root = receivers[0] ?? '';
    const isThis = root === 'this';
    const name = receivers[receivers.length - 1] ?? '';
    if (LIBRARY_NAMES.test(root)) continue;
    const imported = clients.has(root);
    const named = CLIENT_NAME.test(name) && (isThis ? receivers.length === 2 : receivers.length === 1) && (isUrlish(first) || (first !== undefined && kindOf(first) === 'object'));
    if (!imported && !named) continue;
    out.push({ node: call, label: receivers.join('.'), classId: isThis ? enclosingClassId(call) : null, helper: false });
  }
  return out;
}

/** Go: locals bound to a package-level client, `httpClient := proxy.DefaultHttpClient`. */
function goClientAliases(root: SgNode): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const d of root.findAll({ rule: { any: [{ kind: 'short_var_declaration' }, { kind: 'assignment_statement' }] } })) {
    const left = fieldOf(d, 'left')?.text() ?? '';
    const right = fieldOf(d, 'right')?.text() ?? '';
    if (/^\w+$/.test(left) && /^\w+(\.\w+)+$/.test(right) && /client/i.test(right) && right !== 'http.DefaultClient') aliases.set(left, right);
  }
  return aliases;
}

/** Go: an argument that says the call is HTTP: a URL, an `http.Method…` constant, or the request of `Do(req)`. */
const goHttpArgument = (call: SgNode, method: string): boolean => {
  const args = argumentsOf(call);
  if (args.some((a) => isUrlish(a) || /^http\.Method\w+$/.test(a.text()))) return true;
  return method === 'Do' && args.length === 1 && /^(req|request|r|httpReq|\w*Request|http\.NewRequest.*)$/.test(args[0]?.text() ?? '');
};

function goWrapperUses(root: SgNode): WrapperUse[] {
  const aliases = goClientAliases(root);
  const out: WrapperUse[] = [];
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', kind: 'selector_expression' } } })) {
    const segs = calleeSegments(call, 'go');
    const method = segs[segs.length - 1] ?? '';
    const receiver = segs.slice(0, -1).join('.');
    if (receiver === 'http' || receiver === 'http.DefaultClient' || receiver.includes('?')) continue;
    if (!/^(Do|Get|Post|PostForm|Head|Send|Request|Call|Execute|Put|Patch|Delete)$/.test(method)) continue;
    const alias = aliases.get(receiver);
    if (!alias && !segs.slice(0, -1).some((s) => CLIENT_NAME.test(s))) continue;
    if (!goHttpArgument(call, method)) continue;
    out.push({ node: call, label: alias ?? receiver, classId: null, helper: false });
  }
  return out;
}

/** Parameter names of a generic transport helper: it is told where to send, not what the business wants. */
const GENERIC_PARAM = /^(url|uri|endpoint|path|method|verb|http_?method|\w+_url|\w+Url|\w+_uri|\w+Uri)$/;

/** The words of a function's parameter list (names and types alike: `u *url.URL` takes a URL as much as `url string`). */
function parameterNames(fn: SgNode): string[] {
  return fieldOf(fn, 'parameters')?.text().match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
}

/**
 * Generic transport helpers defined in this file (`def _request(self, method, url)`, `func (c *Client) do(uri,
 * method string, …)`): functions that take a URL or method and make the outbound call. Calls to them elsewhere
 * in the file are wrapper uses. A business function that happens to make a call (`getOrganizations(headers)`)
 * is not a helper.
 */
function helperFunctions(root: SgNode, language: RuleLanguage, bare: readonly BareCall[], uses: readonly WrapperUse[]): Map<string, SgNode> {
  const helpers = new Map<string, SgNode>();
  const kinds = language === 'python' ? ['function_definition'] : language === 'go' ? ['function_declaration', 'method_declaration'] : ['function_declaration', 'method_definition'];
  for (const fn of root.findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })) {
    const name = fieldOf(fn, 'name')?.text();
    if (!name || name === '__init__' || name === 'constructor') continue;
    if (!parameterNames(fn).some((p) => GENERIC_PARAM.test(p))) continue;
    if (bare.some((b) => inside(b.node, fn)) || uses.some((u) => inside(u.node, fn))) helpers.set(name, fn);
  }
  return helpers;
}

function helperUses(root: SgNode, language: RuleLanguage, helpers: Map<string, SgNode>): WrapperUse[] {
  if (helpers.size === 0) return [];
  const out: WrapperUse[] = [];
  for (const call of root.findAll({ rule: { kind: CALL_KIND[language] } })) {
    const segs = calleeSegments(call, language);
    const name = segs[segs.length - 1] ?? '';
    const fn = helpers.get(name);
    if (!fn || segs.length > 2 || inside(call, fn)) continue;
    if (segs.length === 2 && !/^(self|this|c|s|h|cl|client)$/.test(segs[0] ?? '') && language !== 'go') continue;
    out.push({ node: call, label: `${name}()`, classId: null, helper: true });
  }
  return out;
}

const JAVA_CLIENT_TYPE = /^(RestTemplate|WebClient|RestClient|HttpClient|OkHttpClient|CloseableHttpClient|Client|WebTarget|\w+(Client|Api|Gateway|Connector))$/;
const JAVA_NOT_HTTP = /^(S3|Dynamo|Sqs|Sns|Ses|Redis|Jedis|Lettuce|Kafka|Mongo|Elasticsearch|ElasticSearch|Jdbc|Kinesis|Lambda|Storage|Firestore|Sql|Ldap|Mqtt|Amqp|Rabbit|Zookeeper|Curator|Hazelcast|Ignite|Cassandra|Consul|Eureka|Discovery|Docker|Kube\w*|Grpc)/;
const KNOWN_JAVA_HTTP = /^(RestTemplate|WebClient|RestClient|HttpClient|OkHttpClient|CloseableHttpClient|Client|WebTarget)$/;

/** Java: calls through a client field of the class (`client.getRates(…)`, `restTemplate.exchange(…)`), per class. */
function javaWrapperUses(root: SgNode): WrapperUse[] {
  const out: WrapperUse[] = [];
  for (const cls of root.findAll({ rule: { kind: 'class_declaration' } })) {
    const fields = new Map<string, string>();
    for (const f of fieldOf(cls, 'body')?.children() ?? []) {
      if (kindOf(f) !== 'field_declaration') continue;
      const type = (fieldOf(f, 'type')?.text() ?? '').replace(/<.*$/, '');
      if (!JAVA_CLIENT_TYPE.test(type) || JAVA_NOT_HTTP.test(type)) continue;
      for (const d of f.findAll({ rule: { kind: 'variable_declarator' } })) fields.set(fieldOf(d, 'name')?.text() ?? '', type);
    }
    if (fields.size === 0) continue;
    for (const call of cls.findAll({ rule: { kind: 'method_invocation' } })) {
      const object = (fieldOf(call, 'object')?.text() ?? '').replace(/^this\./, '');
      const type = fields.get(object);
      if (!type || enclosingClassId(call) !== cls.id()) continue;
      out.push({ node: call, label: object, classId: cls.id(), helper: false, ...(KNOWN_JAVA_HTTP.test(type) ? {} : { confidence: 0.75 }) });
    }
  }
  return out;
}

/** Java: a client built inside a bean factory, a constructor or a field initializer is the wiring, not a bypass. */
function javaBuiltInMethod(node: SgNode): boolean {
  const method = node.ancestors().find((a) => kindOf(a) === 'method_declaration' || kindOf(a) === 'constructor_declaration');
  if (!method || kindOf(method) !== 'method_declaration') return false;
  const annotated = (decl: SgNode | undefined, re: RegExp): boolean => !!decl?.children().some((c) => kindOf(c) === 'modifiers' && re.test(c.text()));
  if (annotated(method, /@Bean\b/)) return false;
  const cls = node.ancestors().find((a) => kindOf(a) === 'class_declaration');
  return !annotated(cls, /@(Configuration|TestConfiguration)\b/);
}

/** The wrapper a bare call bypasses: a client of its own class or of the module, a helper only when nothing better is used. */
function wrapperFor(bare: BareCall, uses: readonly WrapperUse[]): WrapperUse | undefined {
  const classId = enclosingClassId(bare.node);
  const candidates = uses.filter((u) => (u.classId === null || u.classId === classId) && lineOf(u.node) !== lineOf(bare.node));
  return candidates.find((u) => !u.helper) ?? candidates[0];
}

function checkFile(ctx: RuleContext): RuleMatch[] {
  const root = ctx.root.root();
  const bare = bareHttpCalls(root, ctx.language);
  if (bare.length === 0) return [];
  const language = ctx.language;
  let uses: WrapperUse[];
  let skip: (b: BareCall) => boolean = () => false;
  if (language === 'java') {
    uses = javaWrapperUses(root);
    skip = (b) => !javaBuiltInMethod(b.node);
  } else {
    uses = language === 'python' ? pythonWrapperUses(root) : language === 'go' ? goWrapperUses(root) : jsWrapperUses(ctx);
    const helpers = helperFunctions(root, language, bare, uses);
    uses = [...uses, ...helperUses(root, language, helpers)];
    // A bare call inside a helper the module calls is the wrapper's own implementation.
    const used = new Set(uses.filter((u) => u.helper).map((u) => u.label.replace(/\(\)$/, '')));
    skip = (b) => [...helpers].some(([name, fn]) => used.has(name) && inside(b.node, fn));
  }
  if (uses.length === 0) return [];
  const out: RuleMatch[] = [];
  for (const b of bare) {
    if (skip(b)) continue;
    const w = wrapperFor(b, uses);
    if (!w) continue;
    const callee = quote(language === 'java' ? b.label : `${calleeOf(b.node, language).text()}(…)`, 50);
    out.push({
      line: lineOf(b.node),
      title: `\`${callee}\` bypasses \`${w.label}\`, the client this module already uses`,
      detail: `\`${callee}\` calls the HTTP library directly, while the other outbound calls of this ${w.classId === null ? 'module' : 'class'} go through \`${w.label}\` (line ${lineOf(w.node)}): this call loses whatever that client sets (timeout, auth, proxy, retries, host allow-list, error mapping).`,
      ...(w.helper ? { confidence: 0.65 } : w.confidence !== undefined ? { confidence: w.confidence } : {}),
    });
  }
  return out;
}

/**
 * A changed line calls the HTTP library directly (`requests.post`, `http.PostForm`, `http.DefaultClient.Do`,
 * global `fetch`, `axios.get`, `new RestTemplate()`) in a file whose other outbound calls go through the
 * module's own client, session or helper. Within one file (the repository-wide view is a later step).
 */
export const outboundCallBypassesClient: Rule = {
  id: 'outbound-call-bypasses-client',
  category: 'coupling',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'New outbound call bypasses the client this module already uses',
  why:
    "The module's own client or session carries what every call to the service needs: timeouts, auth headers or request signing, proxy settings, retries, connection reuse, a host allow-list, error mapping. A call made with the bare library silently loses all of it, and the next change to the client (a new header, a stricter timeout) misses this call.",
  fix: 'Make the call through the same client or helper as the rest of the module (named above); if it lacks something this call needs, add it there rather than going around it.',
  exemptions:
    'Silent when the file makes no other outbound call through a client, session or helper (then there is nothing to bypass), for the bare call inside the helper that wraps it, for clients built in constructors, field initializers, `@Bean` methods and `@Configuration` classes (wiring), for a session created on the spot in one function (`with requests.Session() as s`), and in tests, scripts, examples and migrations.',
  // Estimate until measured on the real-world corpus; helper-function wrappers (weaker evidence) match at 0.65.
  confidence: 0.8,
  check(ctx: RuleContext): RuleMatch[] {
    if (NON_PRODUCTION.test(ctx.path)) return [];
    return checkFile(ctx);
  },
};
