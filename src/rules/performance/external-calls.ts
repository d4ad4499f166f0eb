import type { SgNode } from '@ast-grep/napi';
import { importedNames } from '../ast/import-bindings.js';
import { vendorOfModule } from '../coupling/vendor-sdks.js';
import type { RuleContext } from '../types.js';
import { qualifyPython } from './client-constructors.js';
import { descendantsInScope, functionName, isFunction, type LanguageFamily, languageFamily } from './function-scope.js';

/** Recognises calls that leave the process: HTTP requests, database queries, SDK calls. */
export interface ExternalCalls {
  /** The kind of call node of this language (`call_expression`, `call`, `method_invocation`). */
  callKind: string;
  /** A short label ("`fetch(...)`", "`db.QueryRow(...)`") when `call` goes over the network, else undefined. */
  label(call: SgNode): string | undefined;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'request', 'fetch', 'options']);
const SQL_METHODS = new Set(['query', 'execute', 'one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'none', 'result', 'raw', 'queryOne']);
const PRISMA_OPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy', 'create', 'update', 'upsert', 'delete']);
const MODEL_STATICS = new Set(['findById', 'findOne', 'findByPk', 'findAll', 'find', 'findOneAndUpdate', 'countDocuments', 'count', 'updateOne', 'create', 'exists', 'findAndCountAll']);
const JS_BUILTINS = new Set(['Promise', 'Object', 'Array', 'JSON', 'Math', 'Reflect', 'Date', 'Number', 'String', 'Symbol', 'Intl', 'Buffer', 'URL']);
const JS_SDK_ROOTS = /^(stripe|twilio|octokit|openai|anthropic|slack|sendgrid|sgMail|mailgun|s3|sqs|sns|ses|dynamo|dynamodb|ddb|docClient|lambda|hubspot|plaid|salesforce|sfConn)$/;
const REDIS_METHODS = new Set(['get', 'set', 'hget', 'hgetall', 'hset', 'del', 'incr', 'exists', 'expire', 'sadd', 'smembers', 'zadd', 'mget']);

const label = (callee: SgNode): string => `\`${callee.text().replace(/\s+/g, '')}(...)\``;

/** `this.db.query` → `db.query`; `client?.get` → `client.get`. */
const jsPath = (callee: SgNode): string => callee.text().replace(/\s+/g, '').replace(/\?\./g, '.').replace(/^this\./, '');

function jsDirect(call: SgNode, vendorLocals: Set<string>): string | undefined {
  const callee = call.field('function');
  if (!callee) return undefined;
  const path = jsPath(callee);
  if (/^(fetch|axios|got|ky|superagent|ofetch|\$fetch)$/.test(path)) return label(callee);
  if (path.includes('(')) {
    // query builders: knex('orders').where(...).first(), db.select().from(users)
    const root = path.split(/[.(]/)[0] ?? '';
    return /^(knex|db|trx|tx)$/.test(root) && /\.(first|select|where|insert|update|delete|pluck|then)$/.test(path) ? label(callee) : undefined;
  }
  const segs = path.split('.');
  const method = segs[segs.length - 1] ?? '';
  const receiver = segs[segs.length - 2] ?? '';
  const root = segs[0] ?? '';
  if (segs.length < 2) return undefined;
  if (/^(axios|got|ky|superagent|needle|undici)$/.test(root) && HTTP_METHODS.has(method)) return label(callee);
  if (/^(http|https|api|rest|httpClient|apiClient|restClient|\w+Api|\w+ApiClient|\w+HttpClient)$/i.test(receiver) && HTTP_METHODS.has(method)) return label(callee);
  if (/^(db|pool|pg|client|conn|connection|knex|sql|database|trx|tx|mysql|sequelize|pgPool|dbPool)$/.test(receiver) && SQL_METHODS.has(method)) return label(callee);
  if (segs.length >= 3 && /^(prisma|tx|db)$/.test(segs[segs.length - 3] ?? '') && PRISMA_OPS.has(method)) return label(callee);
  if (/^(prisma|tx)$/.test(receiver) && /^\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)$/.test(method)) return label(callee);
  if (/(Repository|Repo)$/i.test(receiver) && /^(find\w*|count\w*|exist\w*|get\w*|save|insert|update|upsert|delete|remove|query|createQueryBuilder)$/.test(method)) return label(callee);
  if (segs.length === 2 && /^[A-Z]/.test(receiver) && !JS_BUILTINS.has(receiver) && MODEL_STATICS.has(method)) return label(callee);
  if (/^(collection|coll|\w+Collection)$/.test(receiver) && /^(findOne|find|insertOne|updateOne|deleteOne|countDocuments|aggregate|replaceOne)$/.test(method)) return label(callee);
  if (/^redis\w*$/i.test(receiver) && REDIS_METHODS.has(method)) return label(callee);
  if (JS_SDK_ROOTS.test(root) || vendorLocals.has(root)) return label(callee);
  // AWS SDK v3: client.send(new GetObjectCommand(...))
  const firstArg = call.field('arguments')?.children().find((c) => c.isNamed());
  if (method === 'send' && firstArg?.kind() === 'new_expression' && /Command$/.test(firstArg.field('constructor')?.text() ?? '')) return label(callee);
  return undefined;
}

const PY_HTTP = /^(requests|httpx)\.(get|post|put|patch|delete|head|request|options)$|^urllib\.request\.urlopen$/;
const PY_CLIENT_RECEIVER = /^(session|client|http|http_client|api|api_client|\w+_client|\w+_session|\w+_api|conn|connection|db|cursor|cur|pool|redis|\w+_redis)$/i;
const PY_CLIENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'request', 'head', 'send', 'fetch', 'fetchrow', 'fetchval', 'execute', 'query', 'scalar', 'scalars', 'scalar_one', 'hget', 'hgetall', 'set']);
const PY_AWS_RECEIVER = /^(s3|sqs|sns|ses|dynamodb|table|\w+_table|lambda_client|\w+_client|kinesis|firehose)$/;
const PY_AWS_METHOD = /^(get|put|delete|send|invoke|query|scan|publish|head|list|describe|batch|update|upload|download)(_\w+)?$/;

function pyDirect(call: SgNode, names: ReturnType<typeof importedNames>, vendorLocals: Set<string>): string | undefined {
  const fn = call.field('function');
  if (!fn || (fn.kind() !== 'attribute' && fn.kind() !== 'identifier')) return undefined;
  const text = fn.text().replace(/\s+/g, '');
  const qualified = qualifyPython(text, names);
  if (PY_HTTP.test(qualified)) return label(fn);
  const path = text.replace(/^self\./, '');
  const segs = path.split('.');
  const method = segs[segs.length - 1] ?? '';
  const receiver = segs[segs.length - 2] ?? '';
  if (segs.length < 2) return undefined;
  if (/\.objects\.\w+$/.test(path)) return label(fn);
  if (/^[A-Z]\w*\.query\.\w+$/.test(path)) return label(fn);
  if (/^(session|db\.session)\.query$/.test(path)) return label(fn);
  if (PY_CLIENT_RECEIVER.test(receiver) && PY_CLIENT_METHODS.has(method)) return label(fn);
  if (PY_AWS_RECEIVER.test(receiver) && PY_AWS_METHOD.test(method)) return label(fn);
  if (/^stripe\.[A-Z]\w*\.(retrieve|create|list|modify|delete|search)$/.test(qualified)) return label(fn);
  if (segs.length >= 3 && /^(\w+_)?client$/.test(segs[0] ?? '')) return label(fn);
  if (vendorLocals.has(segs[0] ?? '')) return label(fn);
  return undefined;
}

const GO_SQL_METHODS = /^(Query|QueryRow|QueryContext|QueryRowContext|Exec|ExecContext|Get|GetContext|Select|SelectContext|NamedExec|NamedExecContext|Queryx|QueryRowx|QueryxContext|QueryRowxContext)$/;
const GO_DB_RECEIVER = /^(db|tx|conn|pool|database|dbx|sqldb|sqlDB|store|queries|q|pgpool|pgxpool)$|(DB|Db|Pool|Conn|Tx)$/;
const GO_GORM_METHODS = /^(First|Find|Take|Last|Create|Save|Updates|Update|Delete|Count|Scan|Pluck)$/;
const GO_HTTP_CLIENT_METHODS = /^(Do|Get|Post|Head|PostForm)$/;
const GO_AWS_RECEIVER = /^(s3|s3Client|s3client|dynamo\w*|ddb|sqs\w*|sns\w*|lambda\w*|ses\w*|kinesis\w*)$/i;
const GO_AWS_METHOD = /^(Get|Put|Delete|Send|Invoke|Publish|Query|Scan|Head|Update|BatchGet|List|Describe)\w*$/;

function goDirect(call: SgNode, names: ReturnType<typeof importedNames>): string | undefined {
  const callee = call.field('function');
  if (callee?.kind() !== 'selector_expression') return undefined;
  const method = callee.field('field')?.text() ?? '';
  const operand = callee.field('operand');
  if (!operand) return undefined;
  if (operand.kind() === 'identifier') {
    const path = names.get(operand.text())?.module;
    if (path === 'net/http') return /^(Get|Post|Head|PostForm)$/.test(method) ? label(callee) : undefined;
    // stripe-go resource packages: customer.Get(id, nil), paymentintent.New(params)
    if (path && /^github\.com\/stripe\/stripe-go\/v\d+\/\w+$/.test(path) && /^(Get|New|Update|List|Del|Cancel|Confirm|Capture)$/.test(method)) return label(callee);
  }
  const receiverText = operand.text().replace(/\s+/g, '');
  if (operand.kind() === 'call_expression') {
    // gorm chains: s.db.Where("email = ?", e).First(&u)
    const segs = (receiverText.split('(')[0] ?? '').split('.');
    const firstMethod = segs.findIndex((s) => /^[A-Z]/.test(s));
    const rootReceiver = firstMethod > 0 ? segs[firstMethod - 1] : undefined;
    return GO_GORM_METHODS.test(method) && rootReceiver && GO_DB_RECEIVER.test(rootReceiver) ? label(callee) : undefined;
  }
  const receiver = receiverText.split('.').pop() ?? '';
  if (GO_SQL_METHODS.test(method) && GO_DB_RECEIVER.test(receiver)) return label(callee);
  if (GO_GORM_METHODS.test(method) && /^(db|tx|gormDB|orm)$/.test(receiver)) return label(callee);
  if (GO_HTTP_CLIENT_METHODS.test(method) && (/client$/i.test(receiver) || receiverText === 'http.DefaultClient')) return label(callee);
  if (GO_AWS_METHOD.test(method) && GO_AWS_RECEIVER.test(receiver)) return label(callee);
  if (/^(rdb|redis\w*)$/i.test(receiver) && /^(Get|Set|HGet|HGetAll|HSet|Del|Incr|Exists|MGet)$/.test(method)) return label(callee);
  return undefined;
}

/** Java: a label when `receiver.method(...)` goes to a database or remote service (also used for `receiver::method` references). */
export function javaExternalLabel(receiverText: string, method: string): string | undefined {
  const receiver = receiverText.replace(/\s+/g, '').replace(/^this\./, '');
  const text = `\`${receiver}.${method}(...)\``;
  if (/(Repository|Repo|Dao)$/i.test(receiver) && /^(find|get|exists|count|read|query|load|search|stream)\w*$/.test(method)) return text;
  if (/jdbc\w*$/i.test(receiver) && /^(query\w*|update)$/.test(method)) return text;
  if (/restTemplate$/i.test(receiver) && /^(getFor\w+|postFor\w+|exchange|put|delete|patchForObject)$/.test(method)) return text;
  if (/^(entityManager|em)$/.test(receiver) && /^(find|getReference)$/.test(method)) return text;
  if (/httpClient$/i.test(receiver) && method === 'send') return text;
  // webClient.get().uri(...).retrieve().bodyToMono(X.class).block()
  if (method === 'block' && /^webClient\b/i.test(receiver)) return `\`${receiver.split('.')[0]}...block()\``;
  if (/^[a-z]\w*Client$/.test(receiver) && !/^httpClient$/i.test(receiver) && !/^(close|shutdown|builder|build|toString|hashCode|equals|getClass)$/.test(method)) return text;
  return undefined;
}

function javaDirect(call: SgNode): string | undefined {
  const object = call.field('object');
  const method = call.field('name')?.text() ?? '';
  return object ? javaExternalLabel(object.text(), method) : undefined;
}

/** Whether a call's result is awaited (JS/Python), looking up to the enclosing statement. Calls handed to `Promise.all` run concurrently: not counted. */
export function isAwaited(call: SgNode, family: LanguageFamily): boolean {
  for (let p = call.parent(); p; p = p.parent()) {
    const k = p.kind() as string;
    if (k === 'await_expression' || k === 'await') return true;
    if (isFunction(p, family) || /statement$|declaration$|^block$|^statement_block$/.test(k)) return false;
    if ((k === 'arguments' || k === 'argument_list') && /^(Promise\.(all|allSettled|race|any)|asyncio\.gather|gather)$/.test(p.parent()?.field('function')?.text() ?? '')) return false;
  }
  return false;
}

/**
 * The external-call recogniser of a file. Beyond the known libraries it follows one level of same-file
 * helpers: `await this.loadCustomer(id)` counts when `loadCustomer` itself calls Stripe.
 */
export function externalCalls(ctx: RuleContext): ExternalCalls {
  const family = languageFamily(ctx.language);
  // Java labels calls by receiver and method alone: its imports are not read.
  const names = family === 'java' ? new Map<string, { module: string; imported: string }>() : importedNames(ctx.root, ctx.language);
  const vendorLocals = new Set([...names].filter(([, b]) => vendorOfModule(ctx.language, b.module)).map(([local]) => local));
  const callKind = family === 'python' ? 'call' : family === 'java' ? 'method_invocation' : 'call_expression';
  const direct = (call: SgNode): string | undefined =>
    family === 'js' ? jsDirect(call, vendorLocals) : family === 'python' ? pyDirect(call, names, vendorLocals) : family === 'go' ? goDirect(call, names) : javaDirect(call);

  // Same-file helpers, by name → the first external call they make (JS and Python: the common N+1 shape `await getUser(id)`).
  // Each helper is walked only when a call names it: most files have many functions and few calls to check.
  const candidates = new Map<string, SgNode[]>();
  if (family === 'js' || family === 'python') {
    const root = ctx.root.root();
    const kinds = family === 'js' ? ['function_declaration', 'method_definition', 'arrow_function'] : ['function_definition'];
    for (const fn of root.findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })) {
      const name = functionName(fn, family);
      if (!name) continue;
      const fns = candidates.get(name);
      if (fns) fns.push(fn);
      else candidates.set(name, [fn]);
    }
  }
  const helpers = new Map<string, string | undefined>();
  const helper = (name: string): string | undefined => {
    if (helpers.has(name)) return helpers.get(name);
    let inner: string | undefined;
    for (const fn of candidates.get(name) ?? []) {
      inner = descendantsInScope(fn, family, (n) => n.kind() === callKind).map(direct).find((l) => l !== undefined);
      if (inner) break;
    }
    helpers.set(name, inner);
    return inner;
  };
  return {
    callKind,
    label(call) {
      const own = direct(call);
      if (own) return own;
      if (candidates.size === 0) return undefined;
      const callee = call.field('function')?.text().replace(/^(this|self)\./, '');
      const via = callee && candidates.has(callee) ? helper(callee) : undefined;
      return via ? `\`${callee}(...)\` (which calls ${via})` : undefined;
    },
  };
}
