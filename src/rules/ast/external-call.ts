import type { SgNode, SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { vendorOfModule } from '../coupling/vendor-sdks.js';
import { findInScope, functionName, isFunctionNode, languageFamily, type LanguageFamily, type LanguageOrFamily } from './function-scope.js';
import { importedNames, qualifyPython } from './import-bindings.js';
import { memoised, memoisedForNode } from './file-memo.js';
import { fieldOf, kindOf, quote } from './node-text.js';

/** The node kind of a call, per language (Java: a method invocation; constructors are not calls here). */
export const CALL_KIND: Record<RuleLanguage, string> = {
  typescript: 'call_expression',
  tsx: 'call_expression',
  javascript: 'call_expression',
  python: 'call',
  go: 'call_expression',
  java: 'method_invocation',
};

/** The callee of a call node (Java: the invocation itself, whose `object` and `name` fields are the callee). */
export function calleeOf(call: SgNode, language: RuleLanguage): SgNode {
  if (language === 'java') return call;
  return fieldOf(call, 'function') ?? call;
}

/**
 * Name segments of an expression, outermost receiver first, looking through chained calls:
 * `this.stripe.charges.create` → `['this', 'stripe', 'charges', 'create']`,
 * `db.collection('users').insertOne` → `['db', 'collection', 'insertOne']`. Unknown parts become `?`.
 */
export function segmentsOf(node: SgNode, language: RuleLanguage): readonly string[] {
  // Many rules ask for the same calls' segments: each answer costs several native calls per segment.
  return memoisedForNode(SEGMENTS, node, () => Object.freeze(segmentsOfNode(node, language)));
}
const SEGMENTS = {};
const CALLEE_SEGMENTS = {};

function segmentsOfNode(node: SgNode, language: RuleLanguage): string[] {
  const k = kindOf(node);
  const field = (name: string): SgNode | null => fieldOf(node, name);
  const inner = (child: SgNode | null | undefined): string[] => (child ? segmentsOfNode(child, language) : ['?']);
  switch (k) {
    case 'identifier':
    case 'this':
    case 'super':
    case 'property_identifier':
    case 'private_property_identifier':
    case 'field_identifier':
    case 'package_identifier':
    case 'type_identifier':
      return [node.text()];
    case 'member_expression':
      return [...inner(field('object')), field('property')?.text() ?? '?'];
    case 'attribute':
      return [...inner(field('object')), field('attribute')?.text() ?? '?'];
    case 'selector_expression':
      return [...inner(field('operand')), field('field')?.text() ?? '?'];
    case 'field_access':
      return [...inner(field('object')), field('field')?.text() ?? '?'];
    case 'method_invocation': {
      const object = field('object');
      return [...(object ? segmentsOfNode(object, language) : []), field('name')?.text() ?? '?'];
    }
    case 'call_expression':
    case 'call':
      return inner(field('function'));
    case 'subscript_expression':
    case 'index_expression':
    case 'subscript':
      return inner(field('object') ?? field('operand') ?? field('value'));
    case 'await_expression':
    case 'await':
    case 'parenthesized_expression':
    case 'non_null_expression':
    case 'as_expression':
      return inner(node.children().find((c) => c.isNamed()));
    default:
      return ['?'];
  }
}

/** Callee segments of a call: `stripe.charges.create(...)` → `['stripe', 'charges', 'create']`. */
export function calleeSegments(call: SgNode, language: RuleLanguage): readonly string[] {
  return memoisedForNode(CALLEE_SEGMENTS, call, () => Object.freeze(segmentsOfNode(calleeOf(call, language), language)));
}

/** The callee of a call quoted for a finding: `stripe.charges.create(…)`. */
export function callLabel(call: SgNode, _language?: RuleLanguage): string {
  const args = fieldOf(call, 'arguments');
  const text = call.text();
  // The argument list always closes the call, so the callee is everything before it.
  const head = (args ? text.slice(0, text.length - args.text().length) : text).replace(/^await\s+/, '');
  return `${quote(head, 60)}(…)`;
}

/**
 * How sure the recogniser is that a call leaves the process: `known` when a library, an import or the
 * shape of an HTTP request or query says so (`fetch(url)`, `db.query(sql)`, `Order.objects.filter(...)`),
 * `probable` when only the receiver's name does (`paymentsClient.refund(...)`, `orderRepository.save(...)`).
 */
export type Certainty = 'known' | 'probable';

// --- Receiver-name heuristic (probable) -------------------------------------------------------------

/**
 * Receivers that are clients of something outside the process: HTTP clients, payment/messaging SDKs,
 * cloud SDKs, queues, caches, databases. Matched against each receiver segment, lower-cased, underscores removed.
 */
const EXTERNAL_RECEIVER =
  /^(axios|got|ky|superagent|needle|undici|requests|httpx|aiohttp|urllib\d?|http|https|httpclient|resttemplate|webclient|okhttp|feign|stripe|paypal|braintree|adyen|square|razorpay|mollie|twilio|sendgrid|sgmail|mailgun|postmark|resend|nodemailer|transporter|mailer|ses|sns|sqs|s3|dynamo(db)?|documentclient|docclient|kinesis|eventbridge|firehose|lambda|boto3|kafka|producer|publisher|pubsub|amqp|rabbit(mq)?|nats|redis|rdb|memcached?|prisma|knex|sequelize|mongoose|mongo(db)?|db|database|conn|connection|cursor|tx|supabase|firestore|octokit|github|slack|openai|anthropic|hubspot|salesforce|shopify|client|api|entitymanager|(rest|jdbc|namedparameterjdbc|kafka|rabbit|redis|stringredis|mongo|jms|amqp|webservice)template|\w+client|\w+api|\w+sdk|\w+gateway|\w+repository|\w+repo|\w+producer|\w+publisher|\w+db|\w+redis)$/;

/** Receivers that are external in one language but usually in-memory in another. */
const EXTRA_RECEIVER: Partial<Record<RuleLanguage, RegExp>> = {
  typescript: /^(pool|queue|\w+queue)$/,
  tsx: /^(pool|queue|\w+queue)$/,
  javascript: /^(pool|queue|\w+queue)$/,
  python: /^(session|pool|\w+session|\w+queue)$/,
};

/** Methods that release or inspect a client, or read a response or promise already received, rather than call out. */
const LOCAL_METHOD =
  /^(json|text|then|catch|finally|raiseforstatus|close|quit|disconnect|end|destroy|release|shutdown|stop|flush|sync|rollback|dispose|unsubscribe|on|once|off|emit|addlistener|removelistener|removealllisteners|tostring|tojson|getconfig|constructevent|isaxioserror|iscancel|builder|newbuilder|newhttpclient|hashcode|equals|getclass)$/;

/** Global functions that do HTTP by themselves. */
const HTTP_FUNCTIONS: Partial<Record<RuleLanguage, RegExp>> = {
  typescript: /^(fetch|axios|got|ky|superagent|needle|ofetch|\$fetch)$/,
  tsx: /^(fetch|axios|got|ky|superagent|needle|ofetch|\$fetch)$/,
  javascript: /^(fetch|axios|got|ky|superagent|needle|ofetch|\$fetch)$/,
  python: /^urlopen$/,
};

/** stripe-java resource classes whose static methods call the Stripe API (`PaymentIntent.create(params)`). */
const STRIPE_JAVA_CLASSES = /^(Charge|Customer|PaymentIntent|Refund|Transfer|Payout|SetupIntent|PaymentLink|Subscription|Invoice)$/;

const normalize = (segment: string): string => segment.toLowerCase().replace(/_/g, '');

/** True when one of the receiver segments names an external client. */
export function hasExternalReceiver(receivers: readonly string[], language: RuleLanguage): boolean {
  const extra = EXTRA_RECEIVER[language];
  return receivers.some((r) => {
    const n = normalize(r);
    return EXTERNAL_RECEIVER.test(n) || (extra?.test(n) ?? false);
  });
}

// --- Library and query shapes (known) ----------------------------------------------------------------

/** What the file's imports say, read once per parsed tree. */
interface FileBindings {
  names: ReturnType<typeof importedNames>;
  /** Local names bound to a vendor SDK module (`stripe`, `twilio`, `boto3`). */
  vendorLocals: Set<string>;
  /** {@link externalCallCertainty} per call node id: many rules ask about the same calls of a file. */
  certainty: Map<number, Certainty | undefined>;
}

const FILE_BINDINGS = {};

function fileBindings(call: SgNode, language: RuleLanguage): FileBindings {
  return memoised(FILE_BINDINGS, language, () => {
    // Java recognises calls by receiver and method alone: its imports are not read.
    const names = language === 'java' ? new Map<string, { module: string; imported: string }>() : importedNames(call.getRoot(), language);
    const vendorLocals = new Set([...names].filter(([, b]) => vendorOfModule(language, b.module)).map(([local]) => local));
    return { names, vendorLocals, certainty: new Map() };
  });
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'request', 'fetch', 'options']);
const SQL_METHODS = new Set(['query', 'execute', 'one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'none', 'result', 'raw', 'queryOne']);
const PRISMA_OPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy', 'create', 'update', 'upsert', 'delete']);
/** ORM model statics (`User.findById(id)`); not `create`, which is as often a DTO or command factory (`Command.create({...})`). */
const MODEL_STATICS = new Set(['findById', 'findOne', 'findByPk', 'findAll', 'find', 'findOneAndUpdate', 'countDocuments', 'count', 'updateOne', 'exists', 'findAndCountAll']);
const JS_BUILTINS = new Set(['Promise', 'Object', 'Array', 'JSON', 'Math', 'Reflect', 'Date', 'Number', 'String', 'Symbol', 'Intl', 'Buffer', 'URL']);
/** JS HTTP libraries: a call on one is a request only when its method is an HTTP verb (`axios.create`, `got.extend` build clients). */
const HTTP_LIBRARY = /^(axios|got|ky|superagent|needle|undici)$/;
const JS_SDK_ROOTS = /^(stripe|twilio|octokit|openai|anthropic|slack|sendgrid|sgMail|mailgun|s3|sqs|sns|ses|dynamo|dynamodb|ddb|docClient|lambda|hubspot|plaid|salesforce|sfConn)$/;
const REDIS_METHODS = new Set(['get', 'set', 'hget', 'hgetall', 'hset', 'del', 'incr', 'exists', 'expire', 'sadd', 'smembers', 'zadd', 'mget']);

function jsKnown(call: SgNode, segs: readonly string[], b: FileBindings): boolean {
  const callee = fieldOf(call, 'function');
  if (!callee) return false;
  const method = segs[segs.length - 1] ?? '';
  const path = segs.filter((s) => s !== 'this');
  const receiver = path[path.length - 2] ?? '';
  const root = path[0] ?? '';
  if (HTTP_LIBRARY.test(root)) return HTTP_METHODS.has(method);
  if (kindOf(callee) === 'member_expression' && kindOf(fieldOf(callee, 'object') ?? callee) === 'call_expression') {
    // query builders: knex('orders').where(...).first(), db.select().from(users)
    return /^(knex|db|trx|tx)$/.test(root) && /^(first|select|where|insert|update|delete|pluck|then)$/.test(method);
  }
  if (path.length < 2) return false;
  if (/^(http|https|api|rest|httpClient|apiClient|restClient|\w+Api|\w+ApiClient|\w+HttpClient)$/i.test(receiver) && HTTP_METHODS.has(method)) return true;
  if (/^(db|pool|pg|client|conn|connection|knex|sql|database|trx|tx|mysql|sequelize|pgPool|dbPool)$/.test(receiver) && SQL_METHODS.has(method)) return true;
  if (path.length >= 3 && /^(prisma|tx|db)$/.test(path[path.length - 3] ?? '') && PRISMA_OPS.has(method)) return true;
  if (/^(prisma|tx)$/.test(receiver) && /^\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)$/.test(method)) return true;
  if (/(Repository|Repo)$/i.test(receiver) && /^(find\w*|count\w*|exist\w*|get\w*|save|insert|update|upsert|delete|remove|query|createQueryBuilder)$/.test(method)) return true;
  if (path.length === 2 && /^[A-Z]/.test(receiver) && !JS_BUILTINS.has(receiver) && MODEL_STATICS.has(method)) return true;
  if (/^(collection|coll|\w+Collection)$/.test(receiver) && /^(findOne|find|insertOne|updateOne|deleteOne|countDocuments|aggregate|replaceOne)$/.test(method)) return true;
  if (/^redis\w*$/i.test(receiver) && REDIS_METHODS.has(method)) return true;
  if (JS_SDK_ROOTS.test(root) || b.vendorLocals.has(root)) return true;
  // AWS SDK v3: client.send(new GetObjectCommand(...))
  const firstArg = fieldOf(call, 'arguments')?.children().find((c) => c.isNamed());
  return method === 'send' && kindOf(firstArg ?? call) === 'new_expression' && /Command$/.test(fieldOf(firstArg ?? call, 'constructor')?.text() ?? '');
}

const PY_HTTP = /^(requests|httpx)\.(get|post|put|patch|delete|head|request|options)$|^urllib\.request\.urlopen$/;
const PY_CLIENT_RECEIVER = /^(session|client|http|http_client|api|api_client|\w+_client|\w+_session|\w+_api|conn|connection|db|cursor|cur|pool|redis|\w+_redis)$/i;
const PY_CLIENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'request', 'head', 'send', 'fetch', 'fetchrow', 'fetchval', 'execute', 'query', 'scalar', 'scalars', 'scalar_one', 'hget', 'hgetall', 'set']);
const PY_AWS_RECEIVER = /^(s3|sqs|sns|ses|dynamodb|table|\w+_table|lambda_client|\w+_client|kinesis|firehose)$/;
const PY_AWS_METHOD = /^(get|put|delete|send|invoke|query|scan|publish|head|list|describe|batch|update|upload|download)(_\w+)?$/;

function pyKnown(call: SgNode, b: FileBindings): boolean {
  const fn = fieldOf(call, 'function');
  if (!fn || (kindOf(fn) !== 'attribute' && kindOf(fn) !== 'identifier')) return false;
  const text = fn.text().replace(/\s+/g, '');
  const qualified = qualifyPython(text, b.names);
  if (PY_HTTP.test(qualified)) return true;
  const segs = text.replace(/^self\./, '').split('.');
  const path = segs.join('.');
  const method = segs[segs.length - 1] ?? '';
  const receiver = segs[segs.length - 2] ?? '';
  if (segs.length < 2) return false;
  if (/\.objects\.\w+$/.test(path)) return true;
  if (/^[A-Z]\w*\.query\.\w+$/.test(path)) return true;
  if (/^(session|db\.session)\.query$/.test(path)) return true;
  if (PY_CLIENT_RECEIVER.test(receiver) && PY_CLIENT_METHODS.has(method)) return true;
  if (PY_AWS_RECEIVER.test(receiver) && PY_AWS_METHOD.test(method)) return true;
  if (/^stripe\.[A-Z]\w*\.(retrieve|create|list|modify|delete|search)$/.test(qualified)) return true;
  if (segs.length >= 3 && /^(\w+_)?client$/.test(segs[0] ?? '')) return true;
  return b.vendorLocals.has(segs[0] ?? '');
}

const GO_SQL_METHODS = /^(Query|QueryRow|QueryContext|QueryRowContext|Exec|ExecContext|Get|GetContext|Select|SelectContext|NamedExec|NamedExecContext|Queryx|QueryRowx|QueryxContext|QueryRowxContext)$/;
const GO_DB_RECEIVER = /^(db|tx|conn|pool|database|dbx|sqldb|sqlDB|store|queries|q|pgpool|pgxpool)$|(DB|Db|Pool|Conn|Tx)$/;
const GO_GORM_METHODS = /^(First|Find|Take|Last|Create|Save|Updates|Update|Delete|Count|Scan|Pluck)$/;
const GO_HTTP_CLIENT_METHODS = /^(Do|Get|Post|Head|PostForm)$/;
const GO_AWS_RECEIVER = /^(s3|s3Client|s3client|dynamo\w*|ddb|sqs\w*|sns\w*|lambda\w*|ses\w*|kinesis\w*)$/i;
const GO_AWS_METHOD = /^(Get|Put|Delete|Send|Invoke|Publish|Query|Scan|Head|Update|BatchGet|List|Describe)\w*$/;

function goKnown(call: SgNode, b: FileBindings): boolean {
  const callee = fieldOf(call, 'function');
  if (!callee || kindOf(callee) !== 'selector_expression') return false;
  const method = fieldOf(callee, 'field')?.text() ?? '';
  const operand = fieldOf(callee, 'operand');
  if (!operand) return false;
  if (kindOf(operand) === 'identifier') {
    const path = b.names.get(operand.text())?.module;
    if (path === 'net/http' || (!path && operand.text() === 'http')) return /^(Get|Post|Head|PostForm)$/.test(method);
    // stripe-go resource packages: customer.Get(id, nil), paymentintent.New(params)
    if (path && /^github\.com\/stripe\/stripe-go\/v\d+\/\w+$/.test(path)) return /^(Get|New|Update|List|Del|Cancel|Confirm|Capture)$/.test(method);
  }
  const receiverText = operand.text().replace(/\s+/g, '');
  if (kindOf(operand) === 'call_expression') {
    // gorm chains: s.db.Where("email = ?", e).First(&u)
    const segs = (receiverText.split('(')[0] ?? '').split('.');
    const firstMethod = segs.findIndex((s) => /^[A-Z]/.test(s));
    const rootReceiver = firstMethod > 0 ? segs[firstMethod - 1] : undefined;
    return GO_GORM_METHODS.test(method) && !!rootReceiver && GO_DB_RECEIVER.test(rootReceiver);
  }
  const receiver = receiverText.split('.').pop() ?? '';
  if (GO_SQL_METHODS.test(method) && GO_DB_RECEIVER.test(receiver)) return true;
  if (GO_GORM_METHODS.test(method) && /^(db|tx|gormDB|orm)$/.test(receiver)) return true;
  if (GO_HTTP_CLIENT_METHODS.test(method) && (/client$/i.test(receiver) || receiverText.endsWith('http.DefaultClient'))) return true;
  if (GO_AWS_METHOD.test(method) && GO_AWS_RECEIVER.test(receiver)) return true;
  return /^(rdb|redis\w*)$/i.test(receiver) && /^(Get|Set|HGet|HGetAll|HSet|Del|Incr|Exists|MGet)$/.test(method);
}

/** Java: true when `receiver.method(...)` goes to a database or remote service by its known shape (also for `receiver::method` references). */
export function isKnownJavaCall(receiverText: string, method: string): boolean {
  const receiver = receiverText.replace(/\s+/g, '').replace(/^this\./, '');
  if (STRIPE_JAVA_CLASSES.test(receiver)) return /^(create|capture|confirm|retrieve|update|cancel|list)$/.test(method);
  if (/(Repository|Repo|Dao)$/i.test(receiver) && /^(find|get|exists|count|read|query|load|search|stream)\w*$/.test(method)) return true;
  if (/jdbc\w*$/i.test(receiver) && /^(query\w*|update)$/.test(method)) return true;
  if (/restTemplate$/i.test(receiver) && /^(getFor\w+|postFor\w+|exchange|put|delete|patchForObject)$/.test(method)) return true;
  if (/^(entityManager|em)$/.test(receiver) && /^(find|getReference)$/.test(method)) return true;
  if (/httpClient$/i.test(receiver) && /^send(Async)?$/.test(method)) return true;
  // webClient.get().uri(...).retrieve().bodyToMono(X.class).block()
  if (method === 'block' && /^webClient\b/i.test(receiver)) return true;
  return /^[a-z]\w*Client$/.test(receiver) && !/^httpClient$/i.test(receiver) && !LOCAL_METHOD.test(method.toLowerCase());
}

/**
 * Whether a call goes out of the process (HTTP, a payment/messaging/cloud SDK, a queue, a cache or a
 * database), and how sure that is; undefined for a local call. Name-based, tuned for precision:
 * `client.close()` or `stripe.webhooks.constructEvent(...)` are not calls out, constructors neither.
 */
export function externalCallCertainty(call: SgNode, language: RuleLanguage): Certainty | undefined {
  if (kindOf(call) !== CALL_KIND[language]) return undefined;
  const b = fileBindings(call, language);
  const id = call.id();
  if (b.certainty.has(id)) return b.certainty.get(id);
  const found = certaintyOf(call, language, b);
  b.certainty.set(id, found);
  return found;
}

function certaintyOf(call: SgNode, language: RuleLanguage, b: FileBindings): Certainty | undefined {
  const segs = calleeSegments(call, language);
  const method = segs[segs.length - 1] ?? '?';
  const receivers = segs.slice(0, -1).filter((s) => s !== 'this' && s !== 'self' && s !== '?');
  const family = languageFamily(language);
  if (segs.length === 1) {
    if (HTTP_FUNCTIONS[language]?.test(method)) return 'known';
    return family === 'python' && pyKnown(call, b) ? 'known' : undefined; // `get(url)` after `from requests import get`
  }
  if (family === 'go' && goKnown(call, b) && /^New/.test(method)) return 'known'; // stripe-go `paymentintent.New(params)`
  if (LOCAL_METHOD.test(normalize(method))) return undefined;
  if (family === 'js' && HTTP_LIBRARY.test(receivers[0] ?? '')) return jsKnown(call, segs, b) ? 'known' : undefined;
  if (family === 'python' && /^[A-Z]/.test(method)) return undefined; // requests.Session(), boto3 class construction
  if (family === 'go' && /^New/.test(method)) return undefined;
  if (family === 'java' && /^new[A-Z]/.test(method)) return undefined;
  const known =
    family === 'js' ? jsKnown(call, segs, b) : family === 'python' ? pyKnown(call, b) : family === 'go' ? goKnown(call, b) : isKnownJavaCall(fieldOf(call, 'object')?.text() ?? '', method);
  if (known) return 'known';
  return hasExternalReceiver(receivers, language) ? 'probable' : undefined;
}

/** True when a call goes out of the process (see {@link externalCallCertainty}). */
export function isExternalCall(call: SgNode, language: RuleLanguage): boolean {
  return externalCallCertainty(call, language) !== undefined;
}

/** External calls made by `scope` itself (not by functions nested in it). */
export function externalCallsIn(scope: SgNode, language: RuleLanguage): SgNode[] {
  return findInScope(scope, { rule: { kind: CALL_KIND[language] } }, language).filter((c) => isExternalCall(c, language));
}

/** Whether a call's own result is awaited (JS/Python), looking up to the enclosing statement. A call passed as an argument is not. */
export function isAwaited(call: SgNode, language: LanguageOrFamily): boolean {
  if (fieldOf(call, 'function')?.kind() === 'await_expression') return true; // `await helper<T>(…)` in tree-sitter-typescript
  for (let p = call.parent(); p; p = p.parent()) {
    const k = p.kind() as string;
    if (k === 'await_expression' || k === 'await') return true;
    if (isFunctionNode(p, language) || /statement$|declaration$|^block$|^statement_block$/.test(k)) return false;
    // Handed to another call (`Promise.all([...])`, `asyncio.gather(...)`, `run(Command.create(...))`): that call's result is what is awaited.
    if (k === 'arguments' || k === 'argument_list') return false;
  }
  return false;
}

/** One call recognised as external by {@link externalCalls}, with the label a finding quotes. */
export interface ExternalCallMatch {
  /** `` `stripe.charges.create(…)` ``, or `` `loadCustomer(…)` (which calls `stripe.customers.retrieve(…)`) `` for a same-file helper. */
  label: string;
  certainty: Certainty;
  /** The same-file helper the call goes through, when it is not external itself. */
  via?: SgNode;
}

/** Named function kinds a same-file helper can be, per family. */
const HELPER_KINDS: Record<LanguageFamily, string[]> = {
  js: ['function_declaration', 'method_definition', 'arrow_function'],
  python: ['function_definition'],
  go: ['function_declaration', 'method_declaration'],
  java: ['method_declaration'],
};

/**
 * The helper name a call may name: `loadCustomer(id)`, `this.loadCustomer(id)`, `self._send(...)`, Go `doSend(...)`
 * or `c.doSend(...)` (a method on the receiver), Java `send(...)` or `this.send(...)`; undefined for other callees.
 */
function helperCallee(call: SgNode, family: LanguageFamily): string | undefined {
  if (family === 'java') {
    const object = fieldOf(call, 'object')?.text();
    return !object || object === 'this' ? fieldOf(call, 'name')?.text() : undefined;
  }
  // tree-sitter-typescript parses `await helper<T>(…)` as a call whose callee is `await helper`.
  const text = fieldOf(call, 'function')?.text().replace(/^await\s+/, '') ?? '';
  if (family === 'go') return /^(\w+\.)?\w+$/.test(text) ? text.split('.').pop() : undefined;
  return text.replace(/^(this|self)\./, '');
}

/**
 * The external-call recogniser of a file: {@link externalCallCertainty}, plus one level of same-file
 * helpers: `await this.loadCustomer(id)` counts when `loadCustomer` itself calls Stripe.
 */
export function externalCalls(root: SgRoot, language: RuleLanguage): (call: SgNode) => ExternalCallMatch | undefined {
  return memoised(RECOGNISERS, language, () => {
    const recognise = buildExternalCalls(root, language);
    const seen = new Map<number, ExternalCallMatch | undefined>();
    return (call: SgNode) => {
      const id = call.id();
      if (seen.has(id)) return seen.get(id);
      const m = recognise(call);
      seen.set(id, m);
      return m;
    };
  });
}

/** One recogniser per file and language: several rules ask about the calls of the same file. */
const RECOGNISERS = {};

function buildExternalCalls(root: SgRoot, language: RuleLanguage): (call: SgNode) => ExternalCallMatch | undefined {
  const family = languageFamily(language);
  const callKind = CALL_KIND[language];
  const direct = (call: SgNode): ExternalCallMatch | undefined => {
    const certainty = externalCallCertainty(call, language);
    return certainty ? { label: `\`${callLabel(call)}\``, certainty } : undefined;
  };
  // Same-file helpers, by name. Each helper is walked only when a call names it: most files have many functions and few calls to check.
  const candidates = new Map<string, SgNode[]>();
  {
    const kinds = HELPER_KINDS[family];
    for (const fn of root.root().findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })) {
      const name = functionName(fn, family);
      if (!name) continue;
      const fns = candidates.get(name);
      if (fns) fns.push(fn);
      else candidates.set(name, [fn]);
    }
  }
  const helpers = new Map<string, ExternalCallMatch | undefined>();
  const helper = (name: string): ExternalCallMatch | undefined => {
    if (helpers.has(name)) return helpers.get(name);
    let inner: ExternalCallMatch | undefined;
    for (const fn of candidates.get(name) ?? []) {
      const found = findInScope(fn, { rule: { kind: callKind } }, language)
        .map(direct)
        .find((m) => m !== undefined);
      if (found) {
        inner = { ...found, via: fn };
        break;
      }
    }
    helpers.set(name, inner);
    return inner;
  };
  return (call) => {
    const own = direct(call);
    if (own || candidates.size === 0) return own;
    // tree-sitter-typescript parses `await helper<T>(…)` as a call whose callee is `await helper`.
    const callee = helperCallee(call, family);
    const via = callee && candidates.has(callee) ? helper(callee) : undefined;
    return via ? { ...via, label: `\`${callLabel(call)}\` (which calls ${via.label})` } : undefined;
  };
}
