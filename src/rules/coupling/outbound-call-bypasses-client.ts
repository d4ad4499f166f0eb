import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { calleeOf, calleeSegments } from '../ast/external-call.js';
import { isFunctionNode } from '../ast/function-scope.js';
import { importStatements } from '../ast/import-bindings.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { nameWords } from '../file-role.js';
import { argumentsOf, bareHttpCalls, HTTP_VERB, isUrlish, keywordArgument, positionalArguments, type BareCall } from './outbound-http.js';

/** One outbound call made through the module's own client, session or helper. */
interface WrapperUse {
  node: SgNode;
  /** How to name the wrapper in the finding: `self.session`, `proxy.DefaultHttpClient`, `httpsRequest`. */
  label: string;
  /** The class whose member it is (`self.session`, `this.http`, a Java field), or null when the whole module can use it. */
  classId: number | null;
  /** The function that built it, when it is a local client (`client := &http.Client{…}` in one function): only that function can use it. */
  fnId?: number;
  /** The class inherits its HTTP machinery from this base (`class EmailBackend(AnymailRequestsBackend)`): `node` is the base. */
  inherited?: boolean;
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
  // ast-grep keeps the calls whose method is an HTTP verb (HTTP_VERB, any case); the rest of the tests stay here.
  const verb = { field: 'attribute', regex: `(?i)${HTTP_VERB.source}` };
  for (const call of root.findAll({ rule: { kind: 'call', has: { field: 'function', kind: 'attribute', has: verb } } })) {
    const callee = calleeOf(call, 'python');
    const object = fieldOf(callee, 'object')?.text() ?? '';
    const method = (fieldOf(callee, 'attribute')?.text() ?? '').toLowerCase();
    if (!HTTP_VERB.test(method) || LIBRARY_NAMES.test(object) || !hasUrlArgument(call)) continue;
    const bound = sessions.get(object);
    const member = /^self\.\w+$/.test(object) && CLIENT_NAME.test(object.slice(5).replace(/_/g, ''));
    const moduleClient = /^\w+$/.test(object) && !local.has(object) && CLIENT_NAME.test(object.replace(/_/g, ''));
    if (!bound && !member && !moduleClient) continue;
    out.push({ node: call, label: bound ?? object, classId: object.startsWith('self.') ? enclosingClassId(call) : null });
  }
  return out;
}

/** A base class that is itself an HTTP client: `AnymailRequestsBackend`, `BaseHttpClient`, `RESTDataSource`, `ApiClient`. */
function isHttpClientBase(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1] ?? '';
  return words.some((w) => w === 'requests' || w === 'http' || w === 'rest') || (words.includes('api') && last === 'client');
}

/** The identifiers of a class's base list (grammar-neutral: JS has no `type_identifier` kind). */
function baseNames(heritage: SgNode | null | undefined): SgNode[] {
  if (!heritage) return [];
  const out: SgNode[] = [];
  const visit = (n: SgNode): void => {
    if (kindOf(n) === 'identifier' || kindOf(n) === 'type_identifier') out.push(n);
    for (const c of n.children()) if (c.isNamed()) visit(c);
  };
  visit(heritage);
  return out;
}

/**
 * Python and TS/JS classes that inherit an HTTP client (`class EmailBackend(AnymailRequestsBackend)`,
 * `class Billing extends BaseHttpClient`): the base class is the module's client for every method.
 */
function inheritedClients(root: SgNode, language: RuleLanguage): WrapperUse[] {
  const out: WrapperUse[] = [];
  const kinds = language === 'python' ? ['class_definition'] : ['class_declaration'];
  for (const cls of root.findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })) {
    const heritage = language === 'python' ? fieldOf(cls, 'superclasses') : cls.children().find((c) => kindOf(c) === 'class_heritage');
    const bases = baseNames(heritage).filter((b) => isHttpClientBase(b.text()));
    const base = bases[0];
    if (base) out.push({ node: base, label: base.text(), classId: cls.id(), inherited: true });
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
  // Module-level only: an instance built inside a factory function serves that function's callers, not this module.
  for (const d of ctx.root.root().findAll({ rule: { kind: 'variable_declarator' } })) {
    const value = fieldOf(d, 'value')?.text() ?? '';
    if (/^(axios|got|ky)\.(create|extend)\(/.test(value) && d.ancestors().every((a) => !isFunctionNode(a, ctx.language))) names.add(fieldOf(d, 'name')?.text() ?? '');
  }
  names.delete('');
  return names;
}

/** Imported functions that make requests themselves: `httpsRequest(options)`, `request(url)`, `fetchJson(url)` (not `useApiKeys()`). */
const HTTP_FUNCTION_NAME = /request|http|fetch/i;

function jsWrapperUses(ctx: RuleContext): WrapperUse[] {
  const clients = jsClientNames(ctx);
  const out: WrapperUse[] = [];
  // The method of every use below names a verb or HTTP_FUNCTION_NAME: ast-grep keeps the calls whose callee text does.
  const verbish = { field: 'function', regex: '(?i)request|http|fetch|get|post|put|patch|delete|head|options|send' };
  for (const call of ctx.root.root().findAll({ rule: { kind: 'call_expression', has: verbish } })) {
    const segs = calleeSegments(call, ctx.language);
    const method = segs[segs.length - 1] ?? '';
    const receivers = segs.slice(0, -1);
    const first = argumentsOf(call)[0];
    if (receivers.length === 0) {
      // `httpsRequest(options)`, `request(url)` imported from the project's own HTTP helper.
      if (clients.has(method) && HTTP_FUNCTION_NAME.test(method)) out.push({ node: call, label: method, classId: null });
      continue;
    }
    if (!/^(get|post|put|patch|delete|head|options|request|fetch|send)$/i.test(method) || receivers.includes('?')) continue;
    const root = receivers[0] ?? '';
    const isThis = root === 'this';
    const name = receivers[receivers.length - 1] ?? '';
    if (LIBRARY_NAMES.test(root)) continue;
    const imported = clients.has(root);
    const named = CLIENT_NAME.test(name) && (isThis ? receivers.length === 2 : receivers.length === 1) && (isUrlish(first) || (first !== undefined && kindOf(first) === 'object' && /^(get|post|put|patch|delete|request)$/i.test(method)));
    if (!imported && !named) continue;
    const local = isThis ? null : localDeclaration(call, root, ctx.language);
    out.push({ node: call, label: receivers.join('.'), classId: isThis ? enclosingClassId(call) : null, ...(local ? { fnId: local.id() } : {}) });
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

/**
 * The function that declares `name` as a local (`client := &http.Client{…}`, `const httpClient = axios.create()`):
 * a client built on the spot there serves that function only. Null for fields, parameters and module-level names.
 */
function localDeclaration(call: SgNode, name: string, language: RuleLanguage): SgNode | null {
  if (!/^\w+$/.test(name)) return null;
  const kinds = language === 'go' ? [{ kind: 'short_var_declaration' }, { kind: 'var_spec' }] : [{ kind: 'variable_declarator' }];
  for (const fn of call.ancestors().filter((a) => isFunctionNode(a, language))) {
    const declared = fn.findAll({ rule: { any: kinds } }).some((d) => {
      const left = fieldOf(d, 'left') ?? fieldOf(d, 'name');
      return (left?.text().split(/\s*,\s*/) ?? []).includes(name);
    });
    if (declared) return fn;
  }
  return null;
}

/** Methods of a Go client that send a request. */
const GO_WRAPPER_METHODS = /^(Do|Get|Post|PostForm|Head|Send|Request|Call|Execute|Put|Patch|Delete)$/;

function goWrapperUses(root: SgNode): WrapperUse[] {
  const aliases = goClientAliases(root);
  const out: WrapperUse[] = [];
  const method = { field: 'field', regex: GO_WRAPPER_METHODS.source };
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', kind: 'selector_expression', has: method } } })) {
    const segs = calleeSegments(call, 'go');
    const method = segs[segs.length - 1] ?? '';
    const receiver = segs.slice(0, -1).join('.');
    if (receiver === 'http' || receiver === 'http.DefaultClient' || receiver.includes('?')) continue;
    if (!GO_WRAPPER_METHODS.test(method)) continue;
    const alias = aliases.get(receiver);
    if (!alias && !segs.slice(0, -1).some((s) => CLIENT_NAME.test(s))) continue;
    if (!goHttpArgument(call, method)) continue;
    const local = alias ? undefined : localDeclaration(call, receiver, 'go');
    out.push({ node: call, label: alias ?? receiver, classId: null, ...(local ? { fnId: local.id() } : {}) });
  }
  return out;
}

/** Parameters of a generic transport function: it is told where to send, not what the business wants. */
const GENERIC_PARAM = /^(url|uri|endpoint|path|method|verb|http_?method|rawurl|rawURL)$/;

/**
 * True when a bare call sits in a generic transport function (`def _request(self, method, url)`, `func (c *Client)
 * do(rawurl, method string, …)`, an object's `get(url)`): that function is a wrapper, the bare call its implementation.
 */
function inGenericTransport(node: SgNode, language: RuleLanguage): boolean {
  return node.ancestors().some((a) => isFunctionNode(a, language) && (fieldOf(a, 'parameters')?.text().match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).some((p) => GENERIC_PARAM.test(p)));
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
    // The receiver of a use names one of the fields: ast-grep keeps those invocations.
    const named = { field: 'object', regex: [...fields.keys()].map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') };
    for (const call of cls.findAll({ rule: fields.has('') ? { kind: 'method_invocation' } : { kind: 'method_invocation', has: named } })) {
      const object = (fieldOf(call, 'object')?.text() ?? '').replace(/^this\./, '');
      const type = fields.get(object);
      if (!type || enclosingClassId(call) !== cls.id()) continue;
      out.push({ node: call, label: object, classId: cls.id(), ...(KNOWN_JAVA_HTTP.test(type) ? {} : { confidence: 0.75 }) });
    }
  }
  return out;
}

/** Java: the package each bare client type comes from (Elasticsearch also has a `RestClient`, Jersey a `Client`). */
const JAVA_CLIENT_PACKAGE: [RegExp, RegExp][] = [
  [/^new RestTemplate/, /org\.springframework\.web\.client\.(RestTemplate|\*)/],
  [/^RestClient\./, /org\.springframework\.web\.client\.(RestClient|\*)/],
  [/^WebClient\./, /org\.springframework\.web\.reactive\.function\.client\.(WebClient|\*)/],
  [/^HttpClient\./, /java\.net\.http\.(HttpClient|\*)/],
  [/^new OkHttpClient/, /okhttp3\.(OkHttpClient|\*)/],
  [/^(HttpClients\.|new DefaultHttpClient)/, /org\.apache\.(http|hc)\.[\w.]*\.(HttpClients|DefaultHttpClient|\*)/],
  [/^ClientBuilder\./, /(javax|jakarta)\.ws\.rs\.client\.(ClientBuilder|\*)/],
];

const importsPackage = (source: string, pkg: RegExp): boolean => new RegExp(`^\\s*import\\s+(static\\s+)?${pkg.source}`, 'm').test(source);

const modifiersText = (decl: SgNode | undefined): string => decl?.children().find((c) => kindOf(c) === 'modifiers')?.text() ?? '';

/** Names of the fields a Java class declares. */
function javaFieldNames(cls: SgNode): Set<string> {
  const names = new Set<string>();
  for (const f of fieldOf(cls, 'body')?.children() ?? []) {
    if (kindOf(f) !== 'field_declaration') continue;
    for (const d of f.findAll({ rule: { kind: 'variable_declarator' } })) names.add(fieldOf(d, 'name')?.text() ?? '');
  }
  return names;
}

/**
 * Java: a bare client built in an ordinary method is a bypass; one built as wiring is not: in a constructor, a
 * field initializer, a static factory, a `@Bean`/`@PostConstruct` method, a `@Configuration` class, or assigned
 * to a field (`this.client = HttpClient.newBuilder()…build()`).
 */
function javaBypass(bare: BareCall, source: string): boolean {
  const pkg = JAVA_CLIENT_PACKAGE.find(([label]) => label.test(bare.label))?.[1];
  if (!pkg || !importsPackage(source, pkg)) return false;
  const method = bare.node.ancestors().find((a) => kindOf(a) === 'method_declaration' || kindOf(a) === 'constructor_declaration');
  if (!method || kindOf(method) !== 'method_declaration') return false;
  if (/@(Bean|PostConstruct)\b|\bstatic\b/.test(modifiersText(method))) return false;
  const cls = bare.node.ancestors().find((a) => kindOf(a) === 'class_declaration');
  const target = fieldOf(bare.node.ancestors().find((a) => kindOf(a) === 'assignment_expression') ?? bare.node, 'left')?.text().replace(/^this\./, '');
  if (target && cls && javaFieldNames(cls).has(target)) return false;
  return !/@(Configuration|TestConfiguration)\b/.test(modifiersText(cls));
}

/** The wrapper a bare call bypasses: a client of its own class, of the module, or built in its own function. */
function wrapperFor(bare: BareCall, uses: readonly WrapperUse[]): WrapperUse | undefined {
  const classId = enclosingClassId(bare.node);
  return uses.find(
    (u) =>
      (u.classId === null || u.classId === classId) &&
      (u.fnId === undefined || bare.node.ancestors().some((a) => a.id() === u.fnId)) &&
      lineOf(u.node) !== lineOf(bare.node),
  );
}

function checkFile(ctx: RuleContext): RuleMatch[] {
  const root = ctx.root.root();
  // Each match is its bare call's line; the wrapper uses below stay whole-file (they are the evidence, not candidates).
  const bare = bareHttpCalls(root, ctx.language).filter((b) => inChange(ctx, b.node));
  if (bare.length === 0) return [];
  const language = ctx.language;
  let uses: WrapperUse[];
  let skip: (b: BareCall) => boolean;
  if (language === 'java') {
    uses = javaWrapperUses(root);
    skip = (b) => !javaBypass(b, ctx.source);
  } else {
    uses = language === 'python' ? pythonWrapperUses(root) : language === 'go' ? goWrapperUses(root) : jsWrapperUses(ctx);
    if (language !== 'go') uses.push(...inheritedClients(root, language));
    // Global axios configured by interceptors or defaults is the module's client, not a bypass of it.
    const axiosConfigured = /\baxios\.(interceptors|defaults)\b/.test(ctx.source);
    skip = (b) => inGenericTransport(b.node, language) || (axiosConfigured && b.label.startsWith('axios'));
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
      title: w.inherited ? `\`${callee}\` bypasses the HTTP client this class inherits from \`${w.label}\`` : `\`${callee}\` bypasses \`${w.label}\`, the client this module already uses`,
      detail: w.inherited
        ? `\`${callee}\` calls the HTTP library directly, while this class inherits its HTTP client from \`${w.label}\` (line ${lineOf(w.node)}): this call loses whatever that base sets up (session, timeout, auth, headers, error mapping).`
        : `\`${callee}\` calls the HTTP library directly, while the other outbound calls of this ${w.classId === null ? 'module' : 'class'} go through \`${w.label}\` (line ${lineOf(w.node)}): this call loses whatever that client sets (timeout, auth, proxy, retries, host allow-list, error mapping).`,
      ...(w.confidence !== undefined ? { confidence: w.confidence } : {}),
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
  // An estimate (< 5 real firings): no firing on the 657 commits of the real-world corpus; whole-tree scan of 12
  // repositories 2/2 TP; labelled corpus 6/6 on planted lines. A Java field of a project `…Client` type matches at 0.75.
  confidence: 0.8,
  check(ctx: RuleContext): RuleMatch[] {
    if (NON_PRODUCTION.test(ctx.path)) return [];
    return checkFile(ctx);
  },
};
