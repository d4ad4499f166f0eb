import type { SgNode } from '@ast-grep/napi';
import { importedNames, importStatements, qualifyPython } from '../ast/import-bindings.js';
import type { RuleContext } from '../types.js';
import { languageFamily } from '../ast/function-scope.js';

/** `^(a|b)$` for ast-grep (Rust regex): matches exactly one of `words`. */
const oneOf = (words: Iterable<string>): string => `^(${[...words].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;

/** A place where an SDK, HTTP or database client (with its connection pool) is built. */
export interface ClientConstruction {
  node: SgNode;
  /** What is built, for the message: "`new Stripe(...)`", "`boto3.client(...)`". */
  label: string;
  /** What the client holds, for the message: "HTTP keep-alive agent", "database connection pool". */
  holds: string;
  /** The argument list, checked for per-request/per-item inputs (a per-tenant key is not this problem). */
  args: SgNode | null;
}

const POOL = 'database connection pool';
const CONN = 'database connection';
const HTTP = 'HTTP connection pool and keep-alive agent';
const SDK = 'HTTP agent, TLS sessions and credentials';
const BROKER = 'broker connections';

/** JS/TS modules whose exports build clients; `*` accepts any export name, `default` the module itself. */
const JS_CLASSES: Record<string, { names: RegExp; holds: string }> = {
  stripe: { names: /^(default|\*|Stripe)$/, holds: SDK },
  pg: { names: /^(Pool|Client)$/, holds: POOL },
  'pg-pool': { names: /^(default|\*|Pool)$/, holds: POOL },
  '@prisma/client': { names: /^PrismaClient$/, holds: POOL },
  kafkajs: { names: /^Kafka$/, holds: BROKER },
  ioredis: { names: /^(default|\*|Redis|Cluster)$/, holds: 'Redis connection' },
  '@slack/web-api': { names: /^WebClient$/, holds: SDK },
  twilio: { names: /^(default|\*|Twilio)$/, holds: SDK },
  openai: { names: /^(default|\*|OpenAI|AzureOpenAI)$/, holds: SDK },
  '@anthropic-ai/sdk': { names: /^(default|\*|Anthropic)$/, holds: SDK },
  '@octokit/rest': { names: /^Octokit$/, holds: SDK },
  octokit: { names: /^(Octokit|App)$/, holds: SDK },
  mongodb: { names: /^MongoClient$/, holds: POOL },
  sequelize: { names: /^(default|\*|Sequelize)$/, holds: POOL },
  undici: { names: /^(Pool|Agent|Client)$/, holds: HTTP },
  http: { names: /^Agent$/, holds: HTTP },
  https: { names: /^Agent$/, holds: HTTP },
  'node:http': { names: /^Agent$/, holds: HTTP },
  'node:https': { names: /^Agent$/, holds: HTTP },
  '@google-cloud/storage': { names: /^Storage$/, holds: SDK },
  '@google-cloud/pubsub': { names: /^PubSub$/, holds: SDK },
};
/** Constructors unambiguous enough to recognise without their import in view. */
const JS_KNOWN_CLASS = /^(Stripe|PrismaClient|Kafka|MongoClient|Octokit|(S3|DynamoDB|SQS|SNS|SES|SESv2|Lambda|Kinesis|SecretsManager|SSM|EventBridge|CloudWatch|CloudWatchLogs|STS|CognitoIdentityProvider|Firehose|KMS|Athena|StepFunctions|SFN)Client)$/;
/** {@link JS_KNOWN_CLASS} without its anchors: a constructor it matches is somewhere in the source. */
const JS_KNOWN_CLASS_IN_SOURCE = new RegExp(JS_KNOWN_CLASS.source.replace(/^\^/, '').replace(/\$$/, ''));
/** Factory calls: module → function names (`default` = calling the module itself, e.g. `twilio(sid, token)`). */
const JS_FACTORIES: Record<string, { names: RegExp; holds: string }> = {
  axios: { names: /^create$/, holds: HTTP },
  twilio: { names: /^default$/, holds: SDK },
  redis: { names: /^createClient$/, holds: 'Redis connection' },
  '@redis/client': { names: /^createClient$/, holds: 'Redis connection' },
  mysql: { names: /^(createPool|createConnection)$/, holds: POOL },
  mysql2: { names: /^(createPool|createConnection)$/, holds: POOL },
  'mysql2/promise': { names: /^(createPool|createConnection)$/, holds: POOL },
  knex: { names: /^default$/, holds: POOL },
  got: { names: /^extend$/, holds: HTTP },
};

/** Argument code (strings left out) that hands a client its credentials: `new Novu(process.env.NOVU_API_KEY)`, `new Resend({ apiKey })`. */
const CREDENTIAL_ARG = /api_?key|apikey|secret|token|credential|access_?key/i;
/** Classes that carry data rather than connections, whatever their arguments say. */
const DATA_CLASS = /(Exception|Error|Event|Dto|Command|Query|Request|Response|Entity|Model|Guard|Strategy)$/;
/** An npm package, not the project's own code (relative paths, `@/` and `~/` aliases) or a Node built-in. */
const isPackage = (module: string): boolean => !/^(\.|\/|~|@\/|node:)/.test(module) && !/^(http|https|events|stream|crypto|url|buffer|util|net|tls)$/.test(module);

/**
 * Any other package's class built with credentials (`new Novu(process.env.NOVU_API_KEY)`): a vendor SDK
 * client, whose HTTP agent and auth are set up on construction, even when no table above names it.
 */
function jsCredentialClients(ctx: RuleContext, names: ReturnType<typeof importedNames>, known: ReadonlySet<number>): ClientConstruction[] {
  const classes = [...names].filter(([local, b]) => /^[A-Z]/.test(local) && !DATA_CLASS.test(local) && isPackage(b.module)).map(([local]) => local);
  if (classes.length === 0 || !CREDENTIAL_ARG.test(ctx.source)) return [];
  const rule = { kind: 'new_expression', has: { field: 'constructor', kind: 'identifier', regex: oneOf(classes) } };
  const code = (args: SgNode | null): string => (args ? args.text().replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '""') : '');
  return ctx.root
    .root()
    .findAll({ rule })
    .filter((n) => !known.has(n.id()) && CREDENTIAL_ARG.test(code(n.field('arguments'))))
    .map((n) => ({ node: n, label: `\`new ${n.field('constructor')?.text() ?? ''}(...)\``, holds: SDK, args: n.field('arguments') }));
}

function jsConstructions(ctx: RuleContext): ClientConstruction[] {
  const names = importedNames(ctx.root, ctx.language);
  const out: ClientConstruction[] = [];
  const root = ctx.root.root();
  // ast-grep keeps only constructors that can qualify (a known class named in the source, a name
  // imported from a client module, a member of one); the checks below decide. Most `new` and calls of a
  // file are neither, and a file with no candidate at all is not searched.
  const classLocals = [...names].filter(([, b]) => JS_CLASSES[b.module] !== undefined || b.module === 'aws-sdk' || b.module.startsWith('aws-sdk/') || b.module.startsWith('@aws-sdk/client-')).map(([local]) => local);
  const ctorRules = [
    ...(JS_KNOWN_CLASS_IN_SOURCE.test(ctx.source) ? [{ kind: 'identifier', regex: JS_KNOWN_CLASS.source }] : []),
    ...(classLocals.length > 0 ? [{ kind: 'identifier', regex: oneOf(classLocals) }, { kind: 'member_expression', has: { field: 'object', regex: oneOf(classLocals) } }] : []),
  ];
  const newRule = { kind: 'new_expression', has: { field: 'constructor', any: ctorRules } };
  for (const n of ctorRules.length > 0 ? root.findAll({ rule: newRule }) : []) {
    const ctor = n.field('constructor');
    if (!ctor) continue;
    const text = ctor.text();
    let holds: string | undefined;
    if (ctor.kind() === 'identifier') {
      const b = names.get(text);
      const entry = b ? JS_CLASSES[b.module] : undefined;
      if (b && entry && entry.names.test(b.imported)) holds = entry.holds;
      else if (b?.module.startsWith('@aws-sdk/client-') && /Client$/.test(b.imported)) holds = SDK;
      else if (!b && JS_KNOWN_CLASS.test(text)) holds = /Prisma|Mongo/.test(text) ? POOL : /Kafka/.test(text) ? BROKER : SDK;
    } else if (ctor.kind() === 'member_expression') {
      // new AWS.S3(), new pg.Pool(), new twilio.Twilio()
      const object = ctor.field('object')?.text() ?? '';
      const prop = ctor.field('property')?.text() ?? '';
      const b = names.get(object);
      if (b && (b.module === 'aws-sdk' || b.module.startsWith('aws-sdk/')) && /^[A-Z]/.test(prop)) holds = SDK;
      else if (b && JS_CLASSES[b.module]?.names.test(prop)) holds = JS_CLASSES[b.module]?.holds;
    }
    if (holds) out.push({ node: n, label: `\`new ${text}(...)\``, holds, args: n.field('arguments') });
  }
  const factoryLocals = [...names].filter(([, b]) => JS_FACTORIES[b.module] !== undefined).map(([local]) => local);
  const objects = !names.has('axios') && ctx.source.includes('axios') ? [...factoryLocals, 'axios'] : factoryLocals;
  const calleeRules = [
    ...(ctx.source.includes('require') ? [{ kind: 'call_expression', regex: '^require' }] : []),
    ...(objects.length > 0 ? [{ kind: 'member_expression', has: { field: 'object', kind: 'identifier', regex: oneOf(objects) } }] : []),
    ...(factoryLocals.length > 0 ? [{ kind: 'identifier', regex: oneOf(factoryLocals) }] : []),
  ];
  const callRule = { kind: 'call_expression', has: { field: 'function', any: calleeRules } };
  for (const n of calleeRules.length > 0 ? root.findAll({ rule: callRule }) : []) {
    const callee = n.field('function');
    if (!callee) continue;
    let module: string | undefined;
    let fn: string | undefined;
    const required = /^require\((['"])([^'"]+)\1\)$/.exec(callee.text().replace(/\s+/g, ''));
    if (required) {
      // CommonJS one-liner: require('stripe')(process.env.STRIPE_SECRET_KEY)
      module = required[2];
      fn = 'default';
      const entry = module ? JS_CLASSES[module] ?? JS_FACTORIES[module] : undefined;
      if (entry?.names.test('default')) out.push({ node: n, label: `\`${callee.text()}(...)\``, holds: entry.holds, args: n.field('arguments') });
      continue;
    }
    if (callee.kind() === 'identifier') {
      const b = names.get(callee.text());
      module = b?.module;
      fn = b ? (b.imported === '*' ? 'default' : b.imported) : undefined;
    } else if (callee.kind() === 'member_expression' && callee.field('object')?.kind() === 'identifier') {
      const object = callee.field('object')?.text() ?? '';
      const b = names.get(object);
      module = b ? b.module : object === 'axios' ? 'axios' : undefined;
      fn = callee.field('property')?.text();
    }
    const entry = module ? JS_FACTORIES[module] : undefined;
    if (entry && fn && entry.names.test(fn)) out.push({ node: n, label: `\`${callee.text()}(...)\``, holds: entry.holds, args: n.field('arguments') });
  }
  out.push(...jsCredentialClients(ctx, names, new Set(out.map((c) => c.node.id()))));
  return out;
}

/** Python: qualified callables that build clients. */
const PY_FACTORIES: Record<string, string> = {
  'stripe.StripeClient': SDK,
  'boto3.client': SDK,
  'boto3.resource': SDK,
  'boto3.session.Session.client': SDK,
  'requests.Session': HTTP,
  'requests.session': HTTP,
  'psycopg2.connect': CONN,
  'psycopg.connect': CONN,
  'psycopg2.pool.SimpleConnectionPool': POOL,
  'psycopg2.pool.ThreadedConnectionPool': POOL,
  'psycopg_pool.ConnectionPool': POOL,
  'pymysql.connect': CONN,
  'mysql.connector.connect': CONN,
  'sqlalchemy.create_engine': POOL,
  'sqlalchemy.ext.asyncio.create_async_engine': POOL,
  'httpx.Client': HTTP,
  'httpx.AsyncClient': HTTP,
  'redis.Redis': 'Redis connection pool',
  'redis.StrictRedis': 'Redis connection pool',
  'redis.from_url': 'Redis connection pool',
  'redis.Redis.from_url': 'Redis connection pool',
  'redis.asyncio.Redis': 'Redis connection pool',
  'redis.asyncio.from_url': 'Redis connection pool',
  'aiohttp.ClientSession': HTTP,
  'pymongo.MongoClient': POOL,
  'motor.motor_asyncio.AsyncIOMotorClient': POOL,
  'asyncpg.create_pool': POOL,
  'asyncpg.connect': CONN,
  'openai.OpenAI': SDK,
  'openai.AsyncOpenAI': SDK,
  'anthropic.Anthropic': SDK,
  'anthropic.AsyncAnthropic': SDK,
  'slack_sdk.WebClient': SDK,
  'slack_sdk.web.async_client.AsyncWebClient': SDK,
  'twilio.rest.Client': SDK,
  'kafka.KafkaProducer': BROKER,
  'kafka.KafkaConsumer': BROKER,
  'confluent_kafka.Producer': BROKER,
  'confluent_kafka.Consumer': BROKER,
  'google.cloud.storage.Client': SDK,
  'sendgrid.SendGridAPIClient': SDK,
};

/** Every callee text that {@link qualifyPython} turns into a key of {@link PY_FACTORIES}, given the file's imports. */
function pythonFactoryCallees(names: Map<string, { module: string; imported: string }>): string[] {
  const out = new Set<string>();
  for (const key of Object.keys(PY_FACTORIES)) {
    if (!names.has(key.split('.')[0] ?? key)) out.add(key);
  }
  for (const [local, b] of names) {
    const base = b.imported === '*' ? b.module : `${b.module}.${b.imported}`;
    for (const key of Object.keys(PY_FACTORIES)) {
      if (key === base || key.startsWith(`${base}.`)) out.add(local + key.slice(base.length));
    }
  }
  return [...out];
}

function pythonConstructions(ctx: RuleContext): ClientConstruction[] {
  const names = importedNames(ctx.root, ctx.language);
  const out: ClientConstruction[] = [];
  // The callee texts that qualify to a factory under this file's imports: when none is in the source,
  // no call can be one (and the tree is not searched); else ast-grep looks for those callees alone.
  const callees = pythonFactoryCallees(names).filter((c) => ctx.source.includes(c));
  if (callees.length === 0) return out;
  const rule = { kind: 'call', has: { field: 'function', any: [{ kind: 'identifier' }, { kind: 'attribute' }], regex: oneOf(callees) } };
  for (const n of ctx.root.root().findAll({ rule })) {
    const fn = n.field('function');
    if (!fn || (fn.kind() !== 'identifier' && fn.kind() !== 'attribute')) continue;
    const qualified = qualifyPython(fn.text(), names);
    const holds = PY_FACTORIES[qualified];
    if (holds) out.push({ node: n, label: `\`${fn.text()}(...)\``, holds, args: n.field('arguments') });
  }
  return out;
}

/** Go: import path (prefix) → package functions that build clients. */
const GO_FACTORIES: { path: RegExp; funcs: RegExp; holds: string }[] = [
  { path: /^database\/sql$/, funcs: /^Open$/, holds: POOL },
  { path: /^github\.com\/jmoiron\/sqlx$/, funcs: /^(Open|Connect|MustConnect|MustOpen)$/, holds: POOL },
  { path: /^github\.com\/jackc\/pgx\/v\d+\/pgxpool$/, funcs: /^(New|NewWithConfig|Connect|ConnectConfig)$/, holds: POOL },
  { path: /^github\.com\/jackc\/pgx\/v\d+$/, funcs: /^(Connect|ConnectConfig)$/, holds: CONN },
  { path: /redis/, funcs: /^(NewClient|NewClusterClient|NewFailoverClient|NewUniversalClient)$/, holds: 'Redis connection pool' },
  { path: /^go\.mongodb\.org\/mongo-driver/, funcs: /^(Connect|NewClient)$/, holds: POOL },
  { path: /^google\.golang\.org\/grpc$/, funcs: /^(Dial|DialContext|NewClient)$/, holds: 'gRPC connection' },
  { path: /^github\.com\/aws\/aws-sdk-go-v2\/config$/, funcs: /^LoadDefaultConfig$/, holds: 'credentials chain and HTTP client' },
  { path: /^github\.com\/aws\/aws-sdk-go-v2\/service\//, funcs: /^(NewFromConfig|New)$/, holds: SDK },
  { path: /^github\.com\/aws\/aws-sdk-go\/aws\/session$/, funcs: /^(NewSession|Must|NewSessionWithOptions)$/, holds: SDK },
  { path: /^github\.com\/stripe\/stripe-go\/v\d+(\/client)?$/, funcs: /^(New|NewClient)$/, holds: SDK },
  { path: /^github\.com\/slack-go\/slack$/, funcs: /^New$/, holds: SDK },
  { path: /^github\.com\/twilio\/twilio-go$/, funcs: /^(NewRestClient|NewRestClientWithParams)$/, holds: SDK },
  { path: /^gorm\.io\/gorm$/, funcs: /^Open$/, holds: POOL },
];

function goConstructions(ctx: RuleContext): ClientConstruction[] {
  const names = importedNames(ctx.root, ctx.language);
  const out: ClientConstruction[] = [];
  const root = ctx.root.root();
  // Only packages imported from a factory's path can qualify: ast-grep looks for calls on those names alone.
  const packages = [...names].filter(([, b]) => GO_FACTORIES.some((f) => f.path.test(b.module))).map(([local]) => local);
  const callRule = { kind: 'call_expression', has: { field: 'function', kind: 'selector_expression', has: { field: 'operand', kind: 'identifier', regex: oneOf(packages) } } };
  for (const n of packages.length > 0 ? root.findAll({ rule: callRule }) : []) {
    const callee = n.field('function');
    if (callee?.kind() !== 'selector_expression') continue;
    const pkg = callee.field('operand');
    if (pkg?.kind() !== 'identifier') continue;
    const path = names.get(pkg.text())?.module;
    const fn = callee.field('field')?.text() ?? '';
    const hit = path ? GO_FACTORIES.find((f) => f.path.test(path) && f.funcs.test(fn)) : undefined;
    if (hit) out.push({ node: n, label: `\`${callee.text()}(...)\``, holds: hit.holds, args: n.field('arguments') });
  }
  // A new http.Transport is a new connection pool. A bare `&http.Client{Timeout: …}` shares
  // http.DefaultTransport, so it costs an allocation, not connections: not flagged.
  const transports = names.get('http')?.module === 'net/http' ? root.findAll({ rule: { kind: 'composite_literal', has: { field: 'type', regex: '^http\\.Transport$' } } }) : [];
  for (const n of transports) {
    const type = n.field('type')?.text();
    if (type !== 'http.Transport' || names.get('http')?.module !== 'net/http') continue;
    out.push({ node: n, label: '`&http.Transport{...}`', holds: HTTP, args: n.field('body') });
  }
  return out;
}

const JAVA_NEW = /^(RestTemplate|OkHttpClient|OkHttpClient\.Builder|StripeClient|JedisPool|Jedis|HikariDataSource|KafkaProducer|KafkaConsumer|MongoClient|AmazonS3Client|BasicDataSource)$/;
/** The class names of {@link JAVA_NEW}, unanchored (generic arguments follow): ast-grep's pre-filter. */
const JAVA_NEW_WORDS = JAVA_NEW.source.replace(/^\^/, '').replace(/\$$/, '');
const JAVA_NEW_IN_SOURCE = new RegExp(JAVA_NEW_WORDS);
const JAVA_STATIC: { type: RegExp; method: RegExp }[] = [
  { type: /^HttpClient$/, method: /^(newHttpClient|newBuilder)$/ },
  { type: /^DriverManager$/, method: /^getConnection$/ },
  { type: /^HttpClients$/, method: /^(createDefault|createSystem|custom)$/ },
  { type: /^HttpClientBuilder$/, method: /^create$/ },
  { type: /^WebClient$/, method: /^(create|builder)$/ },
  { type: /^MongoClients$/, method: /^create$/ },
  { type: /^(S3|DynamoDb|Sqs|Sns|Ses|SesV2|Lambda|Kinesis|SecretsManager|Ssm|Sts|EventBridge|CloudWatch)(Async)?Client$/, method: /^(create|builder)$/ },
  { type: /^AmazonS3ClientBuilder|AmazonDynamoDBClientBuilder|AmazonSQSClientBuilder|AmazonSNSClientBuilder$/, method: /^(defaultClient|standard)$/ },
];

function javaConstructions(ctx: RuleContext): ClientConstruction[] {
  const out: ClientConstruction[] = [];
  const root = ctx.root.root();
  // A class name that appears nowhere in the source cannot be constructed: the tree is searched only
  // when one does, once for both shapes (`new RestTemplate()`, `HttpClient.newHttpClient()`).
  const shapes = [
    ...(JAVA_NEW_IN_SOURCE.test(ctx.source) ? [{ kind: 'object_creation_expression', has: { field: 'type', regex: JAVA_NEW_WORDS } }] : []),
    ...(JAVA_STATIC_IN_SOURCE.some((re) => re.test(ctx.source)) ? [{ kind: 'method_invocation', has: { field: 'object', regex: JAVA_STATIC.map((s) => `(?:${s.type.source})`).join('|') } }] : []),
  ];
  const news: SgNode[] = [];
  const statics: SgNode[] = [];
  for (const n of shapes.length > 0 ? root.findAll({ rule: { any: shapes } }) : []) (n.kind() === 'object_creation_expression' ? news : statics).push(n);
  for (const n of news) {
    const type = n.field('type')?.text().replace(/<.*>$/s, '') ?? '';
    if (!JAVA_NEW.test(type)) continue;
    const holds = /Template|OkHttp/.test(type) ? HTTP : /Jedis/.test(type) ? 'Redis connection pool' : /Kafka/.test(type) ? BROKER : /Stripe/.test(type) ? SDK : POOL;
    out.push({ node: n, label: `\`new ${type}(...)\``, holds, args: n.field('arguments') });
  }
  for (const n of statics) {
    const type = n.field('object')?.text() ?? '';
    const method = n.field('name')?.text() ?? '';
    if (!JAVA_STATIC.some((s) => s.type.test(type) && s.method.test(method))) continue;
    const holds = type === 'DriverManager' ? CONN : /Http|WebClient/.test(type) ? HTTP : /Mongo/.test(type) ? POOL : SDK;
    out.push({ node: n, label: `\`${type}.${method}(...)\``, holds, args: n.field('arguments') });
  }
  out.push(...javaVendorClients(ctx, new Set(news.map((n) => n.id()))));
  return out;
}

/**
 * `new DefaultAcsClient(profile)`, `new AmazonS3Client(...)`: a class named `…Client` imported from another
 * organisation's package (not the file's own, not the JDK) is a vendor SDK client, even when no table names it.
 */
function javaVendorClients(ctx: RuleContext, known: ReadonlySet<number>): ClientConstruction[] {
  const own = /^\s*package\s+(\w+\.\w+)/m.exec(ctx.source)?.[1];
  const vendor = importStatements(ctx.root, ctx.language)
    .map((i) => i.module)
    .filter((m) => /\.[A-Z]\w*Client$/.test(m) && !/^(java|javax|jakarta)\./.test(m) && (!own || !m.startsWith(`${own}.`)))
    .map((m) => m.split('.').pop() ?? m);
  if (vendor.length === 0) return [];
  const rule = { kind: 'object_creation_expression', has: { field: 'type', regex: oneOf(vendor) } };
  return ctx.root
    .root()
    .findAll({ rule })
    .filter((n) => !known.has(n.id()))
    .map((n) => ({ node: n, label: `\`new ${n.field('type')?.text() ?? ''}(...)\``, holds: SDK, args: n.field('arguments') }));
}

/** The type patterns of {@link JAVA_STATIC} without their anchors: a receiver they match is somewhere in the source. */
const JAVA_STATIC_IN_SOURCE = JAVA_STATIC.map((s) => new RegExp(s.type.source.replace(/^\^/, '').replace(/\$$/, '')));

/** Every client construction in the file, whatever its context. */
export function clientConstructions(ctx: RuleContext): ClientConstruction[] {
  const family = languageFamily(ctx.language);
  if (family === 'js') return jsConstructions(ctx);
  if (family === 'python') return pythonConstructions(ctx);
  if (family === 'go') return goConstructions(ctx);
  return javaConstructions(ctx);
}
