import type { SgNode, SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { languageFamily } from '../rules/ast/function-scope.js';
import { importStatements } from '../rules/ast/import-bindings.js';
import { fieldOf, kindOf } from '../rules/ast/node-text.js';
import { vendorOfModule } from '../rules/coupling/vendor-sdks.js';
import type { IntegrationKind } from './types.js';

/** What a file's imports and module-level constants say about the services it can reach. */
export interface FileServices {
  /** Local name → vendor (`stripe` → Stripe), for names an import binds. */
  vendorLocals: Map<string, string>;
  /** Lower-cased vendor keys (`stripe`, `s3`, `twilio`) → vendor, for every vendor SDK the file imports. */
  vendorKeys: Map<string, string>;
  /** The database the file's drivers talk to (`PostgreSQL`), when one driver is imported. */
  database?: string;
  /** The broker the file's messaging library talks to (`Kafka`), when one is imported. */
  broker?: string;
  /** Module-level string constants (`CRM_URL = 'https://crm.example.com/v2'`), by name. */
  constants: Map<string, string>;
}

const DATABASE_MODULES: Array<[RegExp, string]> = [
  [/^(pg|postgres|pg-promise|@neondatabase\/serverless|psycopg2?|psycopg2\..*|psycopg|asyncpg|github\.com\/(lib\/pq|jackc\/pgx.*)|org\.postgresql.*)$/, 'PostgreSQL'],
  [/^(mysql2?|mysql2\/.*|pymysql|MySQLdb|aiomysql|github\.com\/go-sql-driver\/mysql|com\.mysql.*)$/, 'MySQL'],
  [/^(mongodb|mongoose|pymongo|motor.*|go\.mongodb\.org\/mongo-driver.*|com\.mongodb.*|org\.springframework\.data\.mongodb.*)$/, 'MongoDB'],
  [/^(@prisma\/client)$/, 'database (Prisma)'],
  [/^(sqlalchemy.*|django\.db.*)$/, 'database (ORM)'],
  [/^(gorm\.io\/gorm|github\.com\/jmoiron\/sqlx|database\/sql)$/, 'database (SQL)'],
  [/^(javax\.persistence.*|jakarta\.persistence.*|org\.springframework\.jdbc.*|org\.springframework\.data\.jpa.*|java\.sql.*)$/, 'database (SQL)'],
];

const BROKER_MODULES: Array<[RegExp, string]> = [
  [/^(kafkajs|node-rdkafka|kafka-python|kafka|aiokafka|confluent_kafka|github\.com\/(segmentio\/kafka-go|IBM\/sarama|Shopify\/sarama|confluentinc\/confluent-kafka-go.*)|org\.apache\.kafka.*|org\.springframework\.kafka.*)$/, 'Kafka'],
  [/^(amqplib|amqp-connection-manager|pika|aio_pika|kombu|github\.com\/(streadway\/amqp|rabbitmq\/amqp091-go)|com\.rabbitmq.*|org\.springframework\.amqp.*)$/, 'RabbitMQ'],
  [/^(@aws-sdk\/client-sqs|github\.com\/aws\/aws-sdk-go-v2\/service\/sqs|software\.amazon\.awssdk\.services\.sqs.*)$/, 'SQS'],
  [/^(@aws-sdk\/client-sns)$/, 'SNS'],
  [/^(nats|nats\.ws|github\.com\/nats-io\/nats\.go)$/, 'NATS'],
  [/^(bullmq|bull|bee-queue)$/, 'BullMQ'],
  [/^(celery)$/, 'Celery'],
  [/^(@google-cloud\/pubsub|google\.cloud\.pubsub.*|cloud\.google\.com\/go\/pubsub)$/, 'Pub/Sub'],
];

/** Reads the imports and module-level string constants of a parsed file once. */
export function fileServices(root: SgRoot, language: RuleLanguage, source: string): FileServices {
  const vendorLocals = new Map<string, string>();
  const vendorKeys = new Map<string, string>();
  const databases = new Set<string>();
  const brokers = new Set<string>();
  for (const s of importStatements(root, language)) {
    const vendor = vendorOfModule(language, s.module);
    if (vendor) {
      for (const n of s.names) vendorLocals.set(n.local, vendor.name);
      for (const k of vendor.keys) vendorKeys.set(k, vendor.name);
      // The package's own name is a key too (`twilio`, `sendgrid`).
      vendorKeys.set(vendor.name.toLowerCase().split(/[^a-z0-9]/)[0] ?? '', vendor.name);
    }
    for (const [re, name] of DATABASE_MODULES) if (re.test(s.module)) databases.add(name);
    for (const [re, name] of BROKER_MODULES) if (re.test(s.module)) brokers.add(name);
  }
  vendorKeys.delete('');
  return {
    vendorLocals,
    vendorKeys,
    ...(databases.size === 1 ? { database: [...databases][0]! } : {}),
    ...(brokers.size === 1 ? { broker: [...brokers][0]! } : {}),
    constants: moduleConstants(source),
  };
}

/** `CRM_URL = "https://…"`, `const BASE = 'https://…'`, `private static final String API = "https://…"`, Go `const baseURL = "https://…"`. */
function moduleConstants(source: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^\s*(?:export\s+)?(?:(?:const|let|var|private|public|protected|static|final|readonly|String)\s+)*([A-Za-z_]\w*)\s*(?::\s*\w+\s*)?(?::?=)\s*(['"`])(https?:\/\/[^'"`\s]+)\2/gm;
  for (const m of source.matchAll(re)) out.set(m[1]!, m[3]!);
  return out;
}

/** The host of a URL, lower-cased and without `www.`; undefined when it is not an absolute http(s) URL. */
export function hostOf(url: string): string | undefined {
  const m = /^https?:\/\/(?:[^/@\s]*@)?([^/:?#'"`\s$]+)/i.exec(url);
  return m ? m[1]!.toLowerCase().replace(/^www\./, '') : undefined;
}

/** The host a URL expression names: a literal, a template or concatenation starting with a literal or a module constant. */
export function hostOfUrlExpression(expression: string | undefined, services: FileServices): string | undefined {
  if (expression === undefined) return undefined;
  const text = expression.trim();
  const literal = /^[fFrRbB]?['"`](https?:\/\/[^'"`\s]+)/.exec(text);
  if (literal) return hostOf(literal[1]!);
  // `${CRM_URL}/customers`, CRM_URL + '/x', f"{CRM_URL}/x", c.baseURL+"/x", fmt.Sprintf("%s/x", baseURL)
  const names = text.match(/[A-Za-z_]\w*/g) ?? [];
  for (const name of names) {
    const value = services.constants.get(name);
    if (value) return hostOf(value);
  }
  // Not written in the file: the variable that holds it names it (`CRM_BASE_URL`, `process.env.SLACK_WEBHOOK_URL`, `callbackUrl`).
  return names.find((n) => URL_NAME.test(n) && !GENERIC_URL_NAME.test(n));
}

const URL_NAME = /(url|uri|host|endpoint)$/i;
const GENERIC_URL_NAME = /^(_*)(base_?)?(url|uri|host|endpoint)$/i;

const HTTP_ROOTS = /^(fetch|axios|got|ky|superagent|needle|undici|ofetch|\$fetch|requests|httpx|aiohttp|urllib|urlopen|http|https|resttemplate|webclient|okhttp)$/i;
const HTTP_RECEIVER = /^(http|https|httpclient|http_client|client|session|api|rest|restclient|apiclient|resttemplate|webclient|\w+httpclient|\w+http)$/i;
const HTTP_METHOD = /^(get|post|put|patch|delete|head|options|request|fetch|send|sendAsync|do|exchange|getForObject|getForEntity|postForObject|postForEntity|retrieve|urlopen|postform)$/i;
const DB_RECEIVER = /^(db|pool|pg|conn|connection|knex|sql|database|trx|tx|cursor|cur|prisma|sequelize|mongoose|entitymanager|em|gorm|orm|store|queries|q|sqldb|dbx|pgpool|pgxpool|collection|coll|jdbctemplate|namedparameterjdbctemplate|\w+repository|\w+repo|\w+dao|\w+collection|\w+db|\w+pool)$/i;
const CACHE_RECEIVER = /^(redis|rdb|cache|memcache|memcached|\w+redis|\w+cache)$/i;
const MESSAGING_RECEIVER = /^(producer|publisher|kafka|kafkatemplate|rabbittemplate|jmstemplate|amqptemplate|channel|ch|sqs|sns|nats|nc|js|pubsub|topic|queue|\w+producer|\w+publisher|\w+queue|\w+topic)$/i;
const MESSAGING_METHOD = /^(send|sendMessage|sendMessageBatch|publish|publishMessage|basic_publish|basicPublish|produce|add|addBulk|convertAndSend|enqueue|delay|apply_async|send_task|Publish|WriteMessages|SendMessage)$/;
const CLIENT_SUFFIX = /(client|api|gateway|sdk|service|connector|adapter|proxy)$/i;

/**
 * The service an external call reaches and its kind, from the callee's segments, the file's imports and
 * constants, and the URL argument of an HTTP call.
 */
export function serviceOfCall(call: SgNode, language: RuleLanguage, segs: readonly string[], services: FileServices): { service: string; kind: IntegrationKind } {
  const path = segs.filter((s) => s !== 'this' && s !== 'self' && s !== '?');
  const method = path[path.length - 1] ?? '';
  const receivers = path.slice(0, -1);
  const receiver = receivers[receivers.length - 1] ?? '';
  const root = path[0] ?? '';
  // A name an import binds to a vendor SDK, or a receiver named after an imported vendor (`this.stripe`, `s3Client`).
  const vendor = services.vendorLocals.get(root) ?? vendorByKey(receivers, services);
  if (vendor) return { service: vendor, kind: 'sdk' };
  const lower = receivers.map((r) => r.toLowerCase().replace(/_/g, ''));
  if (lower.some((r) => CACHE_RECEIVER.test(r))) return { service: 'Redis', kind: 'cache' };
  if ((lower.some((r) => MESSAGING_RECEIVER.test(r)) || services.broker) && MESSAGING_METHOD.test(method) && (services.broker || lower.some((r) => MESSAGING_RECEIVER.test(r)))) {
    return { service: services.broker ?? brokerFromName(lower) ?? 'message broker', kind: 'messaging' };
  }
  const isHttp = (path.length === 1 && HTTP_ROOTS.test(root)) || HTTP_ROOTS.test(root) || (HTTP_RECEIVER.test(receiver) && HTTP_METHOD.test(method));
  if (isHttp) {
    const host = hostOfUrlExpression(urlExpression(call, language), services);
    if (host) return { service: host, kind: 'http' };
    const named = clientName(receivers);
    return { service: named ? `${named} API` : 'an HTTP endpoint (host not resolved)', kind: 'http' };
  }
  if (lower.some((r) => DB_RECEIVER.test(r)) || /\.objects\.\w+$|^session\.query$/.test(path.join('.'))) {
    return { service: services.database ?? 'database', kind: 'database' };
  }
  const named = clientName(receivers);
  return { service: named ? `${named} API` : `${receivers.join('.') || method} (external)`, kind: 'sdk' };
}

function vendorByKey(receivers: readonly string[], services: FileServices): string | undefined {
  for (const r of receivers) {
    const lower = r.toLowerCase();
    for (const [key, vendor] of services.vendorKeys) if (lower === key || lower.startsWith(key)) return vendor;
  }
  return undefined;
}

function brokerFromName(receivers: readonly string[]): string | undefined {
  if (receivers.some((r) => r.includes('kafka'))) return 'Kafka';
  if (receivers.some((r) => r.includes('rabbit') || r.includes('amqp'))) return 'RabbitMQ';
  if (receivers.some((r) => r.startsWith('sqs'))) return 'SQS';
  if (receivers.some((r) => r.startsWith('sns'))) return 'SNS';
  if (receivers.some((r) => r.startsWith('nats'))) return 'NATS';
  return undefined;
}

/** `paymentsClient` → `payments`, `crm_api` → `crm`, `LedgerGateway` → `Ledger`; undefined for generic names (`client`, `http`). */
function clientName(receivers: readonly string[]): string | undefined {
  for (let i = receivers.length - 1; i >= 0; i--) {
    const r = receivers[i]!;
    if (!CLIENT_SUFFIX.test(r)) continue;
    const base = r.replace(CLIENT_SUFFIX, '').replace(/[_-]+$/, '');
    if (base.length >= 2 && !/^(http|https|rest|api|web|the|my|default|base|s)$/i.test(base)) return base;
  }
  return undefined;
}

/**
 * The source of an HTTP call's URL: the first argument or the `url=` keyword; for Go's `client.Do(req)` and
 * Java's `http.send(request, …)`, the URL argument where that request was built in the same function.
 */
function urlExpression(call: SgNode, language: RuleLanguage): string | undefined {
  const args = fieldOf(call, 'arguments')?.namedChildren() ?? [];
  if (languageFamily(language) === 'python') {
    const kw = args.find((a) => kindOf(a) === 'keyword_argument' && fieldOf(a, 'name')?.text() === 'url');
    if (kw) return fieldOf(kw, 'value')?.text();
  }
  const first = args.find((a) => kindOf(a) !== 'keyword_argument');
  if (first && kindOf(first) === 'identifier' && (language === 'go' || language === 'java')) {
    const fn = call.ancestors().find((a) => /^(function_declaration|method_declaration|func_literal|lambda_expression)$/.test(kindOf(a)));
    const name = first.text();
    // `req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.baseURL+"/x", nil)`, `HttpRequest.newBuilder(URI.create(base + "/x"))`
    const built = fn?.text().match(new RegExp(`\\b${name}\\b[^\\n]*?(?:NewRequest(?:WithContext)?\\((?:ctx,\\s*)?(?:http\\.Method\\w+|"[A-Z]+"),\\s*|URI\\.create\\(|newBuilder\\()([^\\n]*)`));
    if (built) return built[1];
  }
  return first?.text();
}
