import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { CALL_KIND, callLabel, calleeSegments } from '../rules/ast/external-call.js';
import { memoised } from '../rules/ast/file-memo.js';
import { enclosingFunction, functionName, isFunctionNode, knownKindsRule, languageFamily, type LanguageFamily } from '../rules/ast/function-scope.js';
import { importStatements } from '../rules/ast/import-bindings.js';
import { fieldOf, kindOf, lineOf } from '../rules/ast/node-text.js';
import { parseSource } from '../rules/parse-source.js';
import { argumentsOf, keywordArgument, lastName, stringValue, STRING_KINDS, unwrap } from '../rules/security/syntax.js';
import { namedFunctions } from '../rules/security/webhook-handlers.js';
import type { IntegrationPoint, ResilienceFacts } from './types.js';

/** The brokers a consumer registration can name. */
export type ConsumerBroker = 'Kafka' | 'RabbitMQ' | 'SQS' | 'NATS' | 'Redis' | 'BullMQ' | 'Celery' | 'JMS';

/** What a broker calls the thing a consumer reads from, for the label: `` `orders.created` (Kafka topic)``. */
const CHANNEL_NOUN: Record<ConsumerBroker, string> = { Kafka: 'topic', RabbitMQ: 'queue', SQS: 'queue', NATS: 'subject', Redis: 'stream', BullMQ: 'queue', Celery: 'task', JMS: 'destination' };

/** One place where the file registers a message consumer. */
export interface ConsumerRegistration {
  broker: ConsumerBroker;
  /** The registration: the `run`/`consume`/`subscribe`/receive call, the `new Worker(…)`, the decorator or annotation. */
  anchor: SgNode;
  /** The topics, queues, subjects, streams or task names, when written as literals or module constants. */
  channels: string[];
  /** The function that handles one message, when the file shows it. */
  handler?: SgNode;
  /** Text that configures the consumer's retries (a Celery decorator, a listener annotation), when it is not the file's. */
  config?: string;
  /** The consumer's own broker calls (the registration itself, acks, the client that was built for it): never outbound points. */
  plumbing: SgNode[];
}

/**
 * Cheap test on a file's text before any walk: a consumer is only recognised where the file names its library,
 * its annotation or its receive call, so files without one of these words cost one regular expression.
 */
const MENTIONS: Record<LanguageFamily, RegExp> = {
  js: /kafkajs|kafka-javascript|\bbullmq\b|@nestjs\/bull|['"]bull['"]|bee-queue|amqplib|amqp-connection-manager|client-sqs|sqs-consumer|aws-sdk|['"]nats['"]|@nats-io\/|xreadgroup|xReadGroup/,
  python: /\bcelery\b|\bpika\b|\baio_pika\b|\bkafka\b|\baiokafka\b|\bconfluent_kafka\b|receive_message|\bnats\b|xreadgroup/,
  go: /sarama|kafka-go|confluent-kafka-go|nats\.go|streadway\/amqp|amqp091-go|service\/sqs|XReadGroup/,
  java: /@(KafkaListener|RabbitListener|JmsListener|SqsListener)\b|org\.apache\.kafka\.clients\.consumer|com\.rabbitmq\.client|services\.sqs|io\.nats\.client/,
};

/** True when the file may register a consumer (see {@link MENTIONS}); false costs nothing more. */
export function mayRegisterConsumers(language: RuleLanguage, source: string): boolean {
  return MENTIONS[languageFamily(language)].test(source);
}

/** Libraries a file imports, by the consumer API they offer. */
type Library =
  | 'kafkajs'
  | 'rdkafka'
  | 'bullmq'
  | 'bull'
  | 'nest-bull'
  | 'amqp'
  | 'sqs'
  | 'sqs-consumer'
  | 'aws-sdk'
  | 'nats'
  | 'redis'
  | 'celery'
  | 'pika'
  | 'aio-pika'
  | 'kafka'
  | 'boto'
  | 'sarama'
  | 'kafka-go'
  | 'confluent-go'
  | 'nats-jetstream'
  | 'kafka-client'
  | 'rabbit-client'
  | 'nats-java';

const LIBRARIES: Record<LanguageFamily, Array<[RegExp, Library]>> = {
  js: [
    [/^(kafkajs|@confluentinc\/kafka-javascript)$/, 'kafkajs'],
    [/^node-rdkafka$/, 'rdkafka'],
    [/^bullmq$/, 'bullmq'],
    [/^(bull|bee-queue)$/, 'bull'],
    [/^@nestjs\/(bull|bullmq)$/, 'nest-bull'],
    [/^(amqplib|amqplib\/callback_api|amqp-connection-manager)$/, 'amqp'],
    [/^@aws-sdk\/client-sqs$/, 'sqs'],
    [/^sqs-consumer$/, 'sqs-consumer'],
    [/^aws-sdk(\/clients\/sqs)?$/, 'aws-sdk'],
    [/^(nats|nats\.ws|@nats-io\/[\w.-]+)$/, 'nats'],
    [/^(ioredis|redis|@redis\/client)$/, 'redis'],
  ],
  python: [
    [/^celery(\.|$)/, 'celery'],
    [/^pika(\.|$)/, 'pika'],
    [/^aio_pika(\.|$)/, 'aio-pika'],
    [/^(kafka|aiokafka|confluent_kafka)(\.|$)/, 'kafka'],
    [/^(boto3|aioboto3)$/, 'boto'],
    [/^nats(\.|$)/, 'nats'],
    [/^(redis|redis\.asyncio|aioredis)$/, 'redis'],
  ],
  go: [
    [/(IBM|Shopify)\/sarama$/, 'sarama'],
    [/segmentio\/kafka-go$/, 'kafka-go'],
    [/confluent-kafka-go(\/v\d+)?\/kafka$/, 'confluent-go'],
    [/nats-io\/nats\.go$/, 'nats'],
    [/nats-io\/nats\.go\/jetstream$/, 'nats-jetstream'],
    [/(streadway\/amqp|rabbitmq\/amqp091-go)$/, 'amqp'],
    [/aws-sdk-go(-v2)?\/service\/sqs$/, 'sqs'],
    [/(go-redis\/redis|redis\/go-redis)(\/v\d+)?$/, 'redis'],
  ],
  java: [
    [/^org\.apache\.kafka\.clients\.consumer(\.|$)/, 'kafka-client'],
    [/^com\.rabbitmq\.client(\.|$)/, 'rabbit-client'],
    [/^(software\.amazon\.awssdk\.services\.sqs|com\.amazonaws\.services\.sqs)(\.|$)/, 'sqs'],
    [/^io\.nats\.client(\.|$)/, 'nats-java'],
  ],
};

/** The file's consumer libraries, with the local names each import binds. */
function librariesOf(root: SgNode, language: RuleLanguage, source: string): Map<Library, Map<string, string>> {
  const family = languageFamily(language);
  const out = new Map<Library, Map<string, string>>();
  for (const s of importStatements(root.getRoot(), language)) {
    for (const [re, lib] of LIBRARIES[family]) {
      if (!re.test(s.module)) continue;
      const names = out.get(lib) ?? new Map<string, string>();
      for (const n of s.names) names.set(n.local, n.imported);
      out.set(lib, names);
    }
  }
  // `from proj.celery import app`, `from .celery_app import celery_app`: the project's own Celery app (relative imports are not listed).
  if (family === 'python' && !out.has('celery') && /^\s*from\s+\.*[\w.]*celery[\w.]*\s+import\s/m.test(source)) out.set('celery', new Map());
  return out;
}

/**
 * The message consumers a file registers: Kafka (kafkajs `consumer.run`, kafka-python/aiokafka/confluent
 * consumers, sarama consumer groups, kafka-go readers, Spring `@KafkaListener`, the Java client's `subscribe`),
 * RabbitMQ (amqplib `channel.consume`, pika `basic_consume`, aio-pika `queue.consume`, amqp091 `ch.Consume`,
 * `@RabbitListener`, `basicConsume`), SQS (receive polling loops, sqs-consumer, `@SqsListener`), NATS
 * (`subscribe` and JetStream), Redis streams (`XREADGROUP`), BullMQ workers (also NestJS `@Processor`), Celery tasks and `@JmsListener`.
 * Only where the file shows the broker: an import of its library, the Spring annotation, or a receiver named
 * for it; an RxJS `.subscribe(fn)` or an `emitter.on('message')` is none. One registration per consumer: a
 * kafkajs consumer's `subscribe` calls give the topics of its `run`, which is the point.
 */
export function consumerRegistrations(root: SgNode, language: RuleLanguage, source: string): ConsumerRegistration[] {
  if (!mayRegisterConsumers(language, source)) return [];
  return memoised(REGISTRATIONS, language, () => {
    const family = languageFamily(language);
    const libs = librariesOf(root, language, source);
    if (libs.size === 0 && family !== 'java') return [];
    const found = family === 'js' ? jsConsumers(root, language, source, libs) : family === 'python' ? pyConsumers(root, language, source, libs) : family === 'go' ? goConsumers(root, language, source, libs) : javaConsumers(root, language, source, libs);
    const seen = new Set<number>();
    const distinct = found.filter((r) => !seen.has(r.anchor.id()) && !!seen.add(r.anchor.id())).sort((a, b) => lineOf(a.anchor) - lineOf(b.anchor));
    return mergeSameConsumer(distinct, language);
  });
}

/**
 * One consumer subscribed in two branches (`if (fromBeginning) consumer.subscribe(topics, listener) else
 * consumer.subscribe(topics)`) is one point: registrations by calls on the same receiver, in the same function,
 * with no handler of their own or the same one, are merged into the first (their channels and plumbing joined).
 */
function mergeSameConsumer(registrations: ConsumerRegistration[], language: RuleLanguage): ConsumerRegistration[] {
  const out: ConsumerRegistration[] = [];
  const byKey = new Map<string, ConsumerRegistration>();
  for (const r of registrations) {
    const receiver = kindOf(r.anchor) === CALL_KIND[language] ? receiverText(r.anchor, language) : undefined;
    const fn = enclosingFunction(r.anchor, language);
    const key = receiver && fn ? `${r.broker}\u0000${receiver}\u0000${fn.id()}\u0000${r.handler?.id() ?? ''}` : undefined;
    const first = key ? byKey.get(key) : undefined;
    if (first) {
      first.channels = unique([...first.channels, ...r.channels]);
      first.plumbing.push(...r.plumbing);
      continue;
    }
    if (key) byKey.set(key, r);
    out.push(r);
  }
  return out;
}

const REGISTRATIONS = {};

/**
 * The inbound messaging points of a file: one per {@link consumerRegistrations}, the broker as service, the
 * topics or queues in the label, the handler's name, and what the handler does about duplicates and failures.
 */
export function consumerPoints(registrations: readonly ConsumerRegistration[], file: { path: string; language: RuleLanguage; source: string; module: string }): IntegrationPoint[] {
  return registrations.map((r) => {
    const around = enclosingFunction(r.anchor, file.language) ?? undefined;
    const scope = r.handler ?? around;
    // The handler's own name, else the function that registers it (an inline `async (job) => …` has none).
    const name = (r.handler && handlerName(r.handler, file.language)) ?? (around ? functionName(around, file.language) : undefined);
    return {
      service: r.broker,
      kind: 'messaging' as const,
      direction: 'inbound' as const,
      path: file.path,
      language: file.language,
      line: lineOf(r.anchor),
      ...(name ? { function: name } : {}),
      module: file.module,
      label: consumerLabel(r, file.language),
      ...(r.channels.length > 0 ? { channels: r.channels } : {}),
      certainty: 'known' as const,
      facts: consumerFacts(r, scope, file.language, file.source),
    };
  });
}

/** `` `orders.created` (Kafka topic)``, `` `a`, `b` (Kafka topics)``, or the registration itself when no name is written. */
function consumerLabel(r: ConsumerRegistration, language: RuleLanguage): string {
  const noun = CHANNEL_NOUN[r.broker];
  if (r.channels.length > 0) {
    const shown = r.channels.slice(0, 3).map((c) => `\`${c.replace(/`/g, "'").slice(0, 80)}\``);
    return `${shown.join(', ')}${r.channels.length > 3 ? ', …' : ''} (${r.broker} ${noun}${r.channels.length > 1 ? 's' : ''})`;
  }
  const k = kindOf(r.anchor);
  const what = k === CALL_KIND[language] ? callLabel(r.anchor) : k === 'new_expression' ? `new ${fieldOf(r.anchor, 'constructor')?.text() ?? ''}(…)` : r.anchor.text().split('(')[0]!.trim();
  return `\`${what.replace(/`/g, "'").slice(0, 80)}\` (${r.broker} consumer)`;
}

function handlerName(fn: SgNode, language: RuleLanguage): string | undefined {
  if (kindOf(fn) === 'decorated_definition') return fieldOf(fn, 'definition')?.field('name')?.text();
  const parent = fn.parent();
  if (parent && /^(public_)?field_definition$/.test(kindOf(parent))) return (fieldOf(parent, 'name') ?? fieldOf(parent, 'property'))?.text();
  return functionName(fn, language);
}

// --- Resilience facts of a consumer ---------------------------------------------------------------------

/** The handler deduplicates: an idempotency key, a dedup store, a processed-ids check, an insert that ignores conflicts. */
const DEDUP = /idempoten|idempotency|dedup|de_dup|isDuplicate|is_duplicate|already[_ ]?(processed|handled|seen)|alreadyProcessed|processed_?(ids|messages|events)|processed(Ids|Messages|Events)|seen_?(ids|messages)|seen(Ids|Messages)|setIfAbsent|ON CONFLICT[^;'"`]*DO NOTHING/i;
/** A negative acknowledgement, a reject, a retry or a dead letter: the message goes back or aside, not lost. */
const NACK = /\.(nack|nak|Nack|Nak|NakWithDelay|reject|Reject|basic_nack|basic_reject|basicNack|basicReject|retry|Term|moveToFailed|changeMessageVisibility|ChangeMessageVisibility|change_message_visibility)\s*\(|requeue|dead[-_ ]?letter|DeadLetter|\bdlq\b|\bDLQ\b/;
/** An explicit acknowledgement: the message is done (Kafka commits, SQS deletes, Redis XACK, AMQP ack). */
const ACK = /\.(ack|Ack|basic_ack|basicAck|delete_message|deleteMessage|DeleteMessage|xack|XAck|commit|commitSync|commitAsync|commitOffsets|CommitMessages|MarkMessage)\s*\(|DeleteMessageCommand/;
const RETHROW: Record<LanguageFamily, RegExp> = { js: /\bthrow\b/, python: /\braise\b/, go: /$^/, java: /\bthrow\b/ };
const CATCH_KIND: Record<LanguageFamily, string> = { js: 'catch_clause', python: 'except_clause', go: '', java: 'catch_clause' };
/** Dead-letter configuration anywhere in the file: a DLQ/DLT, a redrive policy, `x-dead-letter-exchange`, a recoverer. */
const DEAD_LETTER = /dead[-_ ]?letter|DeadLetter|\bDLQ\b|\bdlq\b|\bDLT\b|RedrivePolicy|redrive_policy/;

function consumerFacts(r: ConsumerRegistration, scope: SgNode | undefined, language: RuleLanguage, source: string): ResilienceFacts {
  const text = scope?.text() ?? '';
  const facts: ResilienceFacts = { breaker: false, idempotencyKey: DEDUP.test(text), rateLimited: false, errorTranslation: false };
  const onError = onErrorOf(scope, language);
  if (onError) facts.onError = onError;
  const retry = consumerRetry(r, text, language, source);
  if (retry) facts.retry = retry;
  if (DEAD_LETTER.test(source)) facts.deadLetter = true;
  return facts;
}

/**
 * What the handler does when processing fails: `nacks` (a catch rejects, nacks, retries or dead-letters the
 * message), `propagates` (no catch, or the catch rethrows: the library's retry, redelivery or DLQ decides),
 * `swallows` (a catch that neither rethrows nor nacks, so the message is acknowledged and lost), `unacked`
 * (such a catch where the handler acknowledges explicitly only on success: the message waits for redelivery).
 * Undefined when the handler is not visible, and for Go unless it nacks (errors are values there).
 */
function onErrorOf(scope: SgNode | undefined, language: RuleLanguage): ResilienceFacts['onError'] {
  if (!scope) return undefined;
  const family = languageFamily(language);
  const text = scope.text();
  if (family === 'go') return NACK.test(text) ? 'nacks' : undefined;
  const clauses = scope.findAll({ rule: { kind: CATCH_KIND[family] } });
  if (clauses.length === 0) return 'propagates';
  const verdicts = clauses.map((c) => {
    const t = c.text();
    if (NACK.test(t)) return 'nacks';
    if (RETHROW[family].test(t)) return 'propagates';
    return !ACK.test(t) && ACK.test(text) ? 'unacked' : 'swallows';
  });
  for (const v of ['nacks', 'swallows', 'unacked'] as const) if (verdicts.includes(v)) return v;
  return 'propagates';
}

/** Retries the consumer configures: Celery `autoretry_for`/`self.retry`, Spring `@RetryableTopic`/`DefaultErrorHandler` back-offs, kafkajs `retry:`. */
function consumerRetry(r: ConsumerRegistration, handlerText: string, language: RuleLanguage, source: string): 'backoff' | 'fixed' | undefined {
  const family = languageFamily(language);
  if (r.broker === 'Celery') {
    const config = `${r.config ?? ''}\n${handlerText}`;
    if (!/autoretry_for|max_retries|retry_kwargs|self\.retry\(/.test(config)) return undefined;
    return /retry_backoff\s*=\s*(True|\d)|countdown\s*=[^,)\n]*\*\*/.test(config) ? 'backoff' : 'fixed';
  }
  if (family === 'java') {
    const config = `${r.config ?? ''}\n${source}`;
    if (/ExponentialBackOff|@Backoff\([^)]*multiplier/.test(config)) return 'backoff';
    if (/@RetryableTopic|FixedBackOff|DefaultErrorHandler|SeekToCurrentErrorHandler|RetryInterceptorBuilder/.test(config)) return 'fixed';
    return undefined;
  }
  // kafkajs retries a failing eachMessage with its exponential retrier when a `retry` block configures it.
  if (r.broker === 'Kafka' && family === 'js' && /\bretry\s*:\s*\{/.test(source)) return 'backoff';
  return undefined;
}

// --- Channel names -------------------------------------------------------------------------------------

/** Module-level string constants by name (`const QUEUE = 'x'`, `QUEUE = "x"`, `static final String QUEUE = "x";`, Go `const topic = "x"`). */
function constantOf(name: string, source: string): string | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  const re = new RegExp(`(?:^|[\\s,;(])${name.replace(/\$/g, '\\$')}\\s*(?::\\s*[\\w<>\\[\\]]+\\s*)?(?::=|=)\\s*(['"\`])([^'"\`\\n$]+)\\1`, 'm');
  return re.exec(source)?.[2];
}

const ARRAY_KINDS = new Set(['array', 'list', 'tuple', 'set', 'composite_literal', 'literal_value', 'literal_element', 'element_value_array_initializer', 'array_initializer', 'expression_list']);

/** The names an expression of topics or queues holds: literals, module constants, arrays of them, Java `List.of(…)`. */
export function channelsOf(node: SgNode | null | undefined, language: RuleLanguage, source: string, depth = 0): string[] {
  if (!node || depth > 4) return [];
  const n = unwrap(node);
  const k = kindOf(n);
  if (STRING_KINDS[language].includes(k)) {
    const s = stringValue(n, language);
    return s && !s.interpolated && s.value ? [s.value] : [];
  }
  if (k === 'regex') return [n.text()];
  // `options.queueName ?? 'events-queue'`: the name written is the default.
  if (k === 'binary_expression' && /^(\?\?|\|\|)$/.test(fieldOf(n, 'operator')?.text() ?? '')) return channelsOf(fieldOf(n, 'right'), language, source, depth + 1);
  if (k === 'identifier' || k === 'member_expression' || k === 'attribute' || k === 'field_access' || k === 'selector_expression') {
    const name = k === 'identifier' ? n.text() : lastName(n, language);
    const value = name ? constantOf(name, source) : undefined;
    return value ? [value] : [];
  }
  if (ARRAY_KINDS.has(k)) return n.children().filter((c) => c.isNamed() && kindOf(c) !== 'slice_type' && kindOf(c) !== 'array_type').flatMap((c) => channelsOf(c, language, source, depth + 1));
  if (k === 'method_invocation' && /^(of|asList|singletonList|singleton)$/.test(fieldOf(n, 'name')?.text() ?? '')) return argumentsOf(n).flatMap((a) => channelsOf(a, language, source, depth + 1));
  return [];
}

/** A value of an object literal (`{ topic: 'x' }`), keyed element (`kafka.ReaderConfig{Topic: "x"}`) or keyword argument. */
function propertyOf(node: SgNode | null | undefined, key: RegExp): SgNode | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  const k = kindOf(n);
  if (k === 'object') {
    for (const p of n.children()) {
      if (kindOf(p) === 'pair' && key.test((fieldOf(p, 'key')?.text() ?? '').replace(/^['"]|['"]$/g, ''))) return fieldOf(p, 'value') ?? undefined;
      if (kindOf(p) === 'shorthand_property_identifier' && key.test(p.text())) return p;
    }
    return undefined;
  }
  if (k === 'composite_literal' || k === 'unary_expression') {
    for (const el of n.findAll({ rule: { kind: 'keyed_element' } })) {
      const parts = el.namedChildren();
      if (parts.length >= 2 && key.test(parts[0]!.text())) return parts[1]!.children().find((c) => c.isNamed()) ?? parts[1]!;
    }
  }
  return undefined;
}

/** The function a handler argument names: inline, a function of the file by name, `this.handle.bind(this)`. */
function handlerFunction(arg: SgNode | null | undefined, language: RuleLanguage, named: () => Map<string, SgNode>): SgNode | undefined {
  if (!arg) return undefined;
  const n = unwrap(arg);
  if (isFunctionNode(n, language)) return n;
  const k = kindOf(n);
  if (k === 'call_expression' && /\.bind$/.test(fieldOf(n, 'function')?.text() ?? '')) return handlerFunction(fieldOf(fieldOf(n, 'function')!, 'object'), language, named);
  const name = k === 'identifier' ? n.text() : lastName(n, language);
  return name ? named().get(name) : undefined;
}

/** The call that built a receiver (`const consumer = kafka.consumer(…)`, `channel = connection.channel()`), and the one that built its receiver. */
function builders(receiver: string, root: SgNode, language: RuleLanguage, depth = 0): SgNode[] {
  const name = receiver.replace(/^(this|self)\./, '');
  if (!/^\w+$/.test(name) || depth > 1) return [];
  const out: SgNode[] = [];
  const family = languageFamily(language);
  const kinds = family === 'js' ? ['variable_declarator', 'assignment_expression'] : family === 'python' ? ['assignment'] : family === 'go' ? ['short_var_declaration', 'assignment_statement'] : ['variable_declarator', 'assignment_expression'];
  for (const d of root.findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })) {
    const left = fieldOf(d, 'name') ?? fieldOf(d, 'left');
    const leftText = left?.text().replace(/^(this|self)\./, '').split(',')[0]?.trim();
    if (leftText !== name) continue;
    const value = fieldOf(d, 'value') ?? fieldOf(d, 'right');
    const call = value ? unwrap(kindOf(value) === 'expression_list' ? (value.children().find((c) => c.isNamed()) ?? value) : value) : undefined;
    if (!call || kindOf(call) !== CALL_KIND[language]) continue;
    out.push(call);
    const segs = calleeSegments(call, language);
    if (segs.length >= 2) out.push(...builders(segs.slice(0, -1).join('.'), root, language, depth + 1));
  }
  return out;
}

/** Calls on the consumer's receiver that are not producing (acks, commits, deletes, connects), with the calls that built it. */
function plumbingOf(anchor: SgNode, calls: readonly SgNode[], root: SgNode, language: RuleLanguage): SgNode[] {
  const receiver = receiverText(anchor, language);
  if (!receiver) return [anchor];
  const same = calls.filter((c) => c.id() !== anchor.id() && receiverText(c, language) === receiver && !PRODUCE.test(calleeSegments(c, language).at(-1) ?? ''));
  return [anchor, ...same, ...builders(receiver, root, language)];
}

/** Methods that publish: a consumer's channel that also publishes keeps those calls as outbound points. */
const PRODUCE = /^(send|sendMessage|send_message|sendMessageBatch|send_message_batch|SendMessage|SendMessageBatch|publish|Publish|basic_publish|basicPublish|sendToQueue|produce|add|addBulk|convertAndSend|enqueue|delay|apply_async|send_task|WriteMessages|xadd|XAdd)$/;

function receiverText(call: SgNode, language: RuleLanguage): string | undefined {
  const callee = language === 'java' ? call : fieldOf(call, 'function');
  const object = callee ? (fieldOf(callee, 'object') ?? fieldOf(callee, 'operand')) : null;
  return object?.text().replace(/\s+/g, '');
}

/** What every language's consumer search starts from: an empty result, the file's named functions (read once, when first needed), its calls. */
function scanOf(root: SgNode, language: RuleLanguage, namedFunctionsOf: () => Map<string, SgNode>) {
  const out: ConsumerRegistration[] = [];
  let namedCache: Map<string, SgNode> | undefined;
  const named = (): Map<string, SgNode> => (namedCache ??= namedFunctionsOf());
  const calls = callsOf(root, language);
  return { out, named, calls, all: calls.map((c) => c.call) };
}

/** Calls of a file with their method name and receiver, walked once. */
function callsOf(root: SgNode, language: RuleLanguage): Array<{ call: SgNode; method: string; args: readonly SgNode[] }> {
  return root.findAll({ rule: { kind: CALL_KIND[language] } }).map((call) => ({ call, method: calleeSegments(call, language).at(-1) ?? '', args: argumentsOf(call) }));
}

// --- TypeScript / JavaScript ----------------------------------------------------------------------------

function jsConsumers(root: SgNode, language: RuleLanguage, source: string, libs: Map<Library, Map<string, string>>): ConsumerRegistration[] {
  const { out, named, calls, all } = scanOf(root, language, () => withClassFields(namedFunctions(root, language), root, language));

  if (libs.has('kafkajs') || libs.has('rdkafka')) {
    // kafkajs: `consumer.subscribe({ topic })` gives the topics, `consumer.run({ eachMessage })` is the consumer.
    const subscribed = new Map<string, { call: SgNode; channels: string[] }[]>();
    const runs: Array<{ call: SgNode; handler?: SgNode }> = [];
    for (const { call, method, args } of calls) {
      const receiver = receiverText(call, language) ?? '';
      if (method === 'subscribe' && args.length >= 1) {
        const a = unwrap(args[0]!);
        const topics = kindOf(a) === 'object' ? propertyOf(a, /^topics?$/) : kindOf(a) === 'array' ? a : undefined;
        if (!topics) continue;
        subscribed.set(receiver, [...(subscribed.get(receiver) ?? []), { call, channels: channelsOf(topics, language, source) }]);
      } else if (method === 'run' && args.length >= 1 && kindOf(unwrap(args[0]!)) === 'object') {
        const each = propertyOf(args[0], /^(eachMessage|eachBatch)$/);
        if (each) runs.push({ call, handler: handlerFunction(each, language, named) ?? (isFunctionNode(each, language) ? each : undefined) });
      }
    }
    for (const run of runs) {
      const receiver = receiverText(run.call, language) ?? '';
      // The subscriptions of the same consumer; one run and one subscribed consumer under another name (`this.consumer` / `consumer`) are one too.
      const key = subscribed.has(receiver) ? receiver : runs.length === 1 && subscribed.size === 1 ? [...subscribed.keys()][0]! : receiver;
      const subs = subscribed.get(key) ?? [];
      subscribed.delete(key);
      out.push({ broker: 'Kafka', anchor: run.call, channels: unique(subs.flatMap((s) => s.channels)), ...(run.handler ? { handler: run.handler } : {}), plumbing: plumbingOf(run.call, all, root, language) });
    }
    // A subscription whose `run` is elsewhere (node-rdkafka's `consumer.subscribe([...])` and `consumer.consume()`).
    for (const subs of subscribed.values()) for (const s of subs) out.push({ broker: 'Kafka', anchor: s.call, channels: s.channels, plumbing: plumbingOf(s.call, all, root, language) });
  }

  const bullmq = libs.get('bullmq');
  if (bullmq) {
    const workers = new Set([...bullmq].filter(([, imported]) => imported === 'Worker').map(([local]) => local));
    for (const n of workers.size > 0 ? root.findAll({ rule: { kind: 'new_expression' } }) : []) {
      if (!workers.has(fieldOf(n, 'constructor')?.text() ?? '')) continue;
      const args = argumentsOf(n);
      const handler = handlerFunction(args[1], language, named);
      out.push({ broker: 'BullMQ', anchor: n, channels: channelsOf(args[0], language, source), ...(handler ? { handler } : {}), plumbing: [] });
    }
  }

  const bull = libs.get('bull');
  if (bull) {
    // Bull and bee-queue: `queue.process(handler)` on a queue built in the file from the library (`new Queue('emails')`).
    const ctors = new Set(bull.keys());
    const queues = new Map<string, string[]>();
    for (const n of root.findAll({ rule: { any: [{ kind: 'new_expression' }, { kind: 'call_expression' }] } })) {
      const ctor = kindOf(n) === 'new_expression' ? fieldOf(n, 'constructor')?.text() : fieldOf(n, 'function')?.text();
      if (!ctor || !ctors.has(ctor)) continue;
      const decl = n.parent();
      const name = decl && kindOf(decl) === 'variable_declarator' ? fieldOf(decl, 'name')?.text() : undefined;
      if (name) queues.set(name, channelsOf(argumentsOf(n)[0], language, source));
    }
    for (const { call, method, args } of calls) {
      const receiver = (receiverText(call, language) ?? '').replace(/^this\./, '');
      if (method !== 'process' || !queues.has(receiver)) continue;
      const handler = handlerFunction(args[args.length - 1], language, named);
      out.push({ broker: 'BullMQ', anchor: call, channels: queues.get(receiver)!, ...(handler ? { handler } : {}), plumbing: [] });
    }
  }

  const nest = libs.get('nest-bull');
  if (nest) {
    // NestJS: `@Processor('emails') export class EmailProcessor extends WorkerHost { async process(job) { … } }`, or `@Process()` methods (Bull).
    const processors = new Set([...nest].filter(([, imported]) => imported === 'Processor').map(([local]) => local));
    for (const d of processors.size > 0 ? root.findAll({ rule: { kind: 'decorator' } }) : []) {
      const expr = d.children().find((c) => c.isNamed());
      if (!expr || kindOf(expr) !== 'call_expression' || !processors.has(fieldOf(expr, 'function')?.text() ?? '')) continue;
      const cls = kindOf(d.parent() ?? d) === 'class_declaration' ? d.parent() : d.parent()?.find({ rule: { kind: 'class_declaration' } });
      if (!cls) continue;
      const methods = cls.findAll({ rule: { kind: 'method_definition' } });
      const handler = methods.find((m) => m.prev()?.kind() === 'decorator' && /^@Process\b/.test(m.prev()!.text())) ?? methods.find((m) => fieldOf(m, 'name')?.text() === 'process');
      const arg = argumentsOf(expr)[0];
      const name = arg && kindOf(unwrap(arg)) === 'object' ? propertyOf(arg, /^name$/) : arg;
      out.push({ broker: 'BullMQ', anchor: d, channels: channelsOf(name, language, source), ...(handler ? { handler } : {}), plumbing: [] });
    }
  }

  if (libs.has('amqp')) {
    for (const { call, method, args } of calls) {
      if (method !== 'consume' || args.length < 2) continue;
      const handler = handlerFunction(args[1], language, named);
      if (!handler && kindOf(unwrap(args[1]!)) !== 'identifier' && kindOf(unwrap(args[1]!)) !== 'member_expression') continue;
      out.push({ broker: 'RabbitMQ', anchor: call, channels: queueChannels(args[0], root, language, source), ...(handler ? { handler } : {}), plumbing: plumbingOf(call, all, root, language) });
    }
  }

  if (libs.has('sqs') || libs.has('aws-sdk')) {
    for (const { call, method, args } of calls) {
      const a = args[0] ? unwrap(args[0]) : undefined;
      const v3 = method === 'send' && a && kindOf(a) === 'new_expression' && fieldOf(a, 'constructor')?.text() === 'ReceiveMessageCommand';
      // aws-sdk v2: `sqs.receiveMessage(params).promise()`, on a receiver named for it.
      const v2 = method === 'receiveMessage' && /sqs/i.test(receiverText(call, language) ?? '');
      if (!v3 && !v2) continue;
      const params = v3 ? argumentsOf(a)[0] : a;
      // The receive, and the deletes and visibility changes (the acks) on the same client; its `SendMessageCommand`s stay outbound.
      const receiver = receiverText(call, language);
      const acks = all.filter((c) => c.id() !== call.id() && receiverText(c, language) === receiver && isSendOf(c, language, /^(DeleteMessage|DeleteMessageBatch|ChangeMessageVisibility|ChangeMessageVisibilityBatch)Command$/));
      const plumbing = [...plumbingOf(call, all, root, language), ...acks];
      out.push({ broker: 'SQS', anchor: call, channels: queueUrlChannels(propertyOf(params, /^QueueUrl$/), language, source), plumbing });
    }
  }
  if (libs.has('sqs-consumer')) {
    for (const { call, method, args } of calls) {
      if (method !== 'create' || !/^Consumer$/.test(receiverText(call, language) ?? '')) continue;
      const handler = handlerFunction(propertyOf(args[0], /^(handleMessage|handleMessageBatch)$/), language, named);
      out.push({ broker: 'SQS', anchor: call, channels: queueUrlChannels(propertyOf(args[0], /^queueUrl$/), language, source), ...(handler ? { handler } : {}), plumbing: [call] });
    }
  }

  if (libs.has('nats')) {
    for (const { call, method, args } of calls) {
      if (!/^(subscribe|pullSubscribe)$/.test(method) || args.length < 1) continue;
      const subject = unwrap(args[0]!);
      // RxJS and emitters subscribe with a function or an observer: a NATS subscription names a subject.
      if (!STRING_KINDS[language].includes(kindOf(subject)) && !/^(identifier|member_expression)$/.test(kindOf(subject))) continue;
      const handler = handlerFunction(propertyOf(args[1], /^callback$/), language, named);
      out.push({ broker: 'NATS', anchor: call, channels: channelsOf(subject, language, source), ...(handler ? { handler } : {}), plumbing: [call] });
    }
  }

  if (libs.has('redis')) {
    for (const { call, method, args } of calls) {
      if (!/^(xreadgroup|xReadGroup)$/.test(method)) continue;
      out.push({ broker: 'Redis', anchor: call, channels: redisStreams(method, args, language, source), plumbing: redisPlumbing(call, all, language) });
    }
  }
  return out;
}

/** Class fields that hold a function (`worker_ = async (job) => { … }`): handlers are often written so. */
function withClassFields(named: Map<string, SgNode>, root: SgNode, language: RuleLanguage): Map<string, SgNode> {
  for (const f of root.findAll(knownKindsRule(language, ['public_field_definition', 'field_definition']))) {
    const name = fieldOf(f, 'name') ?? fieldOf(f, 'property');
    const value = fieldOf(f, 'value');
    if (name && value && isFunctionNode(value, language) && !named.has(name.text())) named.set(name.text(), value);
  }
  return named;
}

function isSendOf(call: SgNode, language: RuleLanguage, command: RegExp): boolean {
  const a = argumentsOf(call)[0];
  const n = a ? unwrap(a) : undefined;
  return !!n && kindOf(n) === 'new_expression' && command.test(fieldOf(n, 'constructor')?.text() ?? '') && (calleeSegments(call, language).at(-1) ?? '') === 'send';
}

/** An amqplib queue: a literal, a constant, or `q.queue` of `const q = await ch.assertQueue('name')`. */
function queueChannels(arg: SgNode | undefined, root: SgNode, language: RuleLanguage, source: string): string[] {
  const direct = channelsOf(arg, language, source);
  if (direct.length > 0 || !arg) return direct;
  const n = unwrap(arg);
  const object = kindOf(n) === 'member_expression' ? fieldOf(n, 'object')?.text() : undefined;
  if (!object) return [];
  for (const d of root.findAll({ rule: { kind: 'variable_declarator' } })) {
    if (fieldOf(d, 'name')?.text() !== object) continue;
    const value = fieldOf(d, 'value');
    const call = value ? unwrap(value) : undefined;
    if (call && kindOf(call) === 'call_expression' && /assertQueue$/.test(fieldOf(call, 'function')?.text() ?? '')) return channelsOf(argumentsOf(call)[0], language, source);
  }
  return [];
}

/** The queue name of an SQS queue URL (`https://sqs.eu-west-1.amazonaws.com/123/orders` → `orders`), when written. */
function queueUrlChannels(node: SgNode | null | undefined, language: RuleLanguage, source: string): string[] {
  return channelsOf(node, language, source).map((url) => (/^https?:\/\//.test(url) ? (url.split('/').filter(Boolean).pop() ?? url) : url));
}

/** Streams of an XREADGROUP: ioredis `'STREAMS', 'orders', '>'`, node-redis `{ key: 'orders', id: '>' }`, redis-py `{'orders': '>'}`, go-redis `Streams: []string{"orders", ">"}`. */
function redisStreams(method: string, args: readonly SgNode[], language: RuleLanguage, source: string): string[] {
  const family = languageFamily(language);
  if (family === 'js' && method === 'xreadgroup') {
    const values = args.map((a) => channelsOf(a, language, source)[0]);
    const at = values.findIndex((v) => v?.toUpperCase() === 'STREAMS');
    if (at < 0) return [];
    const rest = values.slice(at + 1);
    return rest.slice(0, Math.floor(rest.length / 2)).filter((v): v is string => !!v);
  }
  if (family === 'js') return args.flatMap((a) => [unwrap(a), ...unwrap(a).findAll({ rule: { kind: 'object' } })]).flatMap((o) => channelsOf(propertyOf(o, /^key$/), language, source));
  if (family === 'python') {
    const streams = keywordArgument(args[0]?.parent()?.parent() ?? args[0]!, 'streams') ?? args.filter((a) => kindOf(a) === 'dictionary')[0];
    return (streams && kindOf(streams) === 'dictionary' ? streams.findAll({ rule: { kind: 'pair' } }) : []).flatMap((p) => channelsOf(fieldOf(p, 'key'), language, source));
  }
  if (family === 'go') {
    const streams = args.map((a) => propertyOf(a, /^Streams$/)).find((s) => s !== undefined);
    const values = channelsOf(streams, language, source);
    return values.slice(0, Math.floor(values.length / 2));
  }
  return [];
}

/** An XREADGROUP and the XACKs on the same client: the stream consumer's own Redis calls. */
function redisPlumbing(call: SgNode, all: readonly SgNode[], language: RuleLanguage): SgNode[] {
  const receiver = receiverText(call, language);
  return [call, ...all.filter((c) => receiverText(c, language) === receiver && /^(xack|xAck|XAck|xclaim|xClaim|XClaim|xautoclaim|xAutoClaim|XAutoClaim|xpending|xPending|XPending)$/.test(calleeSegments(c, language).at(-1) ?? ''))];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

// --- Python ---------------------------------------------------------------------------------------------

function pyConsumers(root: SgNode, language: RuleLanguage, source: string, libs: Map<Library, Map<string, string>>): ConsumerRegistration[] {
  const { out, named, calls, all } = scanOf(root, language, () => namedFunctions(root, language));

  if (libs.has('celery')) {
    // `@app.task`, `@celery.task(...)`, `@shared_task`: a task is a consumer of its queue.
    for (const d of root.findAll({ rule: { kind: 'decorated_definition' } })) {
      const fn = fieldOf(d, 'definition');
      if (!fn || kindOf(fn) !== 'function_definition') continue;
      for (const dec of d.children().filter((c) => kindOf(c) === 'decorator')) {
        const expr = dec.children().find((c) => c.isNamed());
        const callee = expr && kindOf(expr) === 'call' ? fieldOf(expr, 'function') : expr;
        const text = callee?.text() ?? '';
        if (!/^(\w+\.)?(task|shared_task)$/.test(text) || (text === 'task' && !libs.get('celery')?.has('task'))) continue;
        const name = expr && kindOf(expr) === 'call' ? channelsOf(keywordArgument(expr, 'name'), language, source) : [];
        out.push({ broker: 'Celery', anchor: dec, channels: name.length > 0 ? name : [fieldOf(fn, 'name')?.text() ?? ''].filter(Boolean), handler: fn, config: dec.text(), plumbing: [] });
        break;
      }
    }
  }

  if (libs.has('pika')) {
    for (const { call, method, args } of calls) {
      if (method !== 'basic_consume') continue;
      const positional = args.filter((a) => kindOf(a) !== 'keyword_argument');
      const callback = keywordArgument(call, 'on_message_callback') ?? keywordArgument(call, 'consumer_callback') ?? positional.find((a) => kindOf(a) === 'identifier' && named().has(a.text()));
      const queue = keywordArgument(call, 'queue') ?? positional.find((a) => a !== callback);
      const handler = handlerFunction(callback, language, named);
      out.push({ broker: 'RabbitMQ', anchor: call, channels: channelsOf(queue, language, source), ...(handler ? { handler } : {}), plumbing: plumbingOf(call, all, root, language) });
    }
  }

  if (libs.has('aio-pika')) {
    // `queue = await channel.declare_queue("orders")` … `await queue.consume(on_message)`.
    const queues = new Map<string, string[]>();
    for (const { call, method, args } of calls) {
      if (method !== 'declare_queue') continue;
      const assign = call.ancestors().find((a) => kindOf(a) === 'assignment');
      const left = assign ? fieldOf(assign, 'left')?.text() : undefined;
      if (left) queues.set(left, channelsOf(keywordArgument(call, 'name') ?? args[0], language, source));
    }
    for (const { call, method, args } of calls) {
      const receiver = receiverText(call, language) ?? '';
      if (method !== 'consume' || !queues.has(receiver) || args.length < 1) continue;
      const handler = handlerFunction(args[0], language, named);
      out.push({ broker: 'RabbitMQ', anchor: call, channels: queues.get(receiver)!, ...(handler ? { handler } : {}), plumbing: plumbingOf(call, all, root, language) });
    }
  }

  const kafka = libs.get('kafka');
  if (kafka) {
    const ctors = new Set([...kafka].filter(([, imported]) => /^(KafkaConsumer|AIOKafkaConsumer|Consumer|DeserializingConsumer)$/.test(imported)).map(([local]) => local));
    for (const { call, method, args } of calls) {
      const callee = fieldOf(call, 'function')?.text() ?? '';
      const positional = args.filter((a) => kindOf(a) !== 'keyword_argument');
      if (ctors.has(callee) || /^(kafka|aiokafka)\.(KafkaConsumer|AIOKafkaConsumer)$/.test(callee)) {
        // kafka-python/aiokafka: topics as positional arguments; confluent's `Consumer(conf)` subscribes later.
        const topics = positional.flatMap((a) => channelsOf(a, language, source));
        if (topics.length > 0) out.push({ broker: 'Kafka', anchor: call, channels: topics, plumbing: [call] });
      } else if (method === 'subscribe' && (positional[0] ? /^(list|tuple)$/.test(kindOf(positional[0])) : !!keywordArgument(call, 'topics'))) {
        out.push({ broker: 'Kafka', anchor: call, channels: channelsOf(positional[0] ?? keywordArgument(call, 'topics'), language, source), plumbing: plumbingOf(call, all, root, language) });
      }
    }
  }

  if (libs.has('boto')) {
    const sqsInFile = /client\(\s*["']sqs["']|resource\(\s*["']sqs["']/.test(source);
    for (const { call, method } of calls) {
      if (method !== 'receive_message' && method !== 'receive_messages') continue;
      const receiver = receiverText(call, language) ?? '';
      if (!sqsInFile && !/sqs/i.test(receiver)) continue;
      out.push({ broker: 'SQS', anchor: call, channels: queueUrlChannels(keywordArgument(call, 'QueueUrl'), language, source), plumbing: plumbingOf(call, all, root, language) });
    }
  }

  if (libs.has('nats')) {
    for (const { call, method, args } of calls) {
      if (!/^(subscribe|pull_subscribe)$/.test(method) || args.length < 1) continue;
      const subject = keywordArgument(call, 'subject') ?? args[0]!;
      if (kindOf(subject) !== 'string' && kindOf(subject) !== 'identifier' && kindOf(subject) !== 'attribute') continue;
      const handler = handlerFunction(keywordArgument(call, 'cb'), language, named);
      out.push({ broker: 'NATS', anchor: call, channels: channelsOf(subject, language, source), ...(handler ? { handler } : {}), plumbing: [call] });
    }
  }

  if (libs.has('redis')) {
    for (const { call, method, args } of calls) {
      if (method !== 'xreadgroup') continue;
      out.push({ broker: 'Redis', anchor: call, channels: redisStreams(method, args.length > 0 ? args : [call], language, source), plumbing: redisPlumbing(call, all, language) });
    }
  }
  return out;
}

// --- Go -------------------------------------------------------------------------------------------------

function goConsumers(root: SgNode, language: RuleLanguage, source: string, libs: Map<Library, Map<string, string>>): ConsumerRegistration[] {
  const { out, named, calls, all } = scanOf(root, language, () => namedFunctions(root, language));
  const isSelector = (call: SgNode): boolean => kindOf(fieldOf(call, 'function') ?? call) === 'selector_expression';

  if (libs.has('sarama')) {
    const claims = root.findAll({ rule: { kind: 'method_declaration' } }).filter((m) => fieldOf(m, 'name')?.text() === 'ConsumeClaim' && /ConsumerGroupClaim/.test(fieldOf(m, 'parameters')?.text() ?? ''));
    let registered = false;
    for (const { call, method, args } of calls) {
      if (!isSelector(call)) continue;
      if (method === 'Consume' && args.length === 3) {
        registered = true;
        out.push({ broker: 'Kafka', anchor: call, channels: goSliceChannels(args[1], root, language, source), ...(claims[0] ? { handler: claims[0] } : {}), plumbing: [call] });
      } else if (method === 'ConsumePartition' && args.length === 3) {
        registered = true;
        out.push({ broker: 'Kafka', anchor: call, channels: channelsOf(args[0], language, source), plumbing: [call] });
      }
    }
    // The handler of a consumer group started elsewhere: the module that processes the messages.
    if (!registered) for (const m of claims) out.push({ broker: 'Kafka', anchor: m, channels: [], handler: m, plumbing: [] });
  }

  if (libs.has('kafka-go')) {
    const topics = unique(root.findAll({ rule: { kind: 'composite_literal' } }).filter((c) => /ReaderConfig$/.test(fieldOf(c, 'type')?.text() ?? '')).flatMap((c) => channelsOf(propertyOf(c, /^(Topic|GroupTopics)$/), language, source)));
    for (const { call, method } of calls) {
      if (!isSelector(call) || !/^(ReadMessage|FetchMessage)$/.test(method)) continue;
      out.push({ broker: 'Kafka', anchor: call, channels: topics, plumbing: [call] });
    }
  }

  if (libs.has('confluent-go')) {
    for (const { call, method, args } of calls) {
      if (!isSelector(call) || !/^(SubscribeTopics|Subscribe)$/.test(method) || args.length < 1) continue;
      out.push({ broker: 'Kafka', anchor: call, channels: goSliceChannels(args[0], root, language, source), plumbing: [call] });
    }
  }

  if (libs.has('nats') || libs.has('nats-jetstream')) {
    for (const { call, method, args } of calls) {
      if (!isSelector(call)) continue;
      if (/^(Subscribe|QueueSubscribe|SubscribeSync|QueueSubscribeSync|ChanSubscribe|ChanQueueSubscribe|PullSubscribe)$/.test(method) && args.length >= 1) {
        const subject = args[0]!;
        if (!STRING_KINDS[language].includes(kindOf(subject)) && kindOf(subject) !== 'identifier' && kindOf(subject) !== 'selector_expression') continue;
        const handler = handlerFunction(args.find((a) => kindOf(a) === 'func_literal') ?? (args.length >= 2 ? args[args.length - 1] : undefined), language, named);
        out.push({ broker: 'NATS', anchor: call, channels: channelsOf(subject, language, source), ...(handler ? { handler } : {}), plumbing: [call] });
      } else if (libs.has('nats-jetstream') && /^(Consume|Messages)$/.test(method) && args.length <= 2) {
        const handler = handlerFunction(args[0], language, named);
        out.push({ broker: 'NATS', anchor: call, channels: [], ...(handler ? { handler } : {}), plumbing: [call] });
      }
    }
  }

  if (libs.has('amqp')) {
    for (const { call, method, args } of calls) {
      if (!isSelector(call) || method !== 'Consume' || args.length !== 7) continue;
      out.push({ broker: 'RabbitMQ', anchor: call, channels: goQueueChannels(args[0]!, root, language, source), plumbing: plumbingOf(call, all, root, language) });
    }
  }

  if (libs.has('sqs')) {
    for (const { call, method, args } of calls) {
      if (!isSelector(call) || !/^ReceiveMessage(WithContext)?$/.test(method)) continue;
      const input = args.find((a) => /ReceiveMessageInput/.test(a.text()));
      out.push({ broker: 'SQS', anchor: call, channels: queueUrlChannels(propertyOf(input, /^QueueUrl$/), language, source), plumbing: plumbingOf(call, all, root, language) });
    }
  }

  if (libs.has('redis')) {
    for (const { call, method, args } of calls) {
      if (!isSelector(call) || method !== 'XReadGroup') continue;
      out.push({ broker: 'Redis', anchor: call, channels: redisStreams(method, args, language, source), plumbing: redisPlumbing(call, all, language) });
    }
  }
  return out;
}

/** `[]string{"a", topic}` or a variable assigned one in the file. */
function goSliceChannels(arg: SgNode | undefined, root: SgNode, language: RuleLanguage, source: string): string[] {
  if (!arg) return [];
  if (kindOf(arg) !== 'identifier') return channelsOf(arg, language, source);
  for (const d of root.findAll({ rule: { any: [{ kind: 'short_var_declaration' }, { kind: 'var_spec' }, { kind: 'assignment_statement' }] } })) {
    const left = fieldOf(d, 'left') ?? fieldOf(d, 'name');
    if (left?.text() !== arg.text()) continue;
    const value = fieldOf(d, 'right') ?? fieldOf(d, 'value');
    const found = channelsOf(value, language, source);
    if (found.length > 0) return found;
  }
  return channelsOf(arg, language, source);
}

/** An amqp091 queue: a literal, a constant, or `q.Name` of `q, err := ch.QueueDeclare("orders", …)`. */
function goQueueChannels(arg: SgNode, root: SgNode, language: RuleLanguage, source: string): string[] {
  const direct = channelsOf(kindOf(arg) === 'selector_expression' ? null : arg, language, source);
  if (direct.length > 0 || kindOf(arg) !== 'selector_expression') return direct;
  const object = fieldOf(arg, 'operand')?.text();
  for (const d of root.findAll({ rule: { kind: 'short_var_declaration' } })) {
    if ((fieldOf(d, 'left')?.text().split(',')[0] ?? '').trim() !== object) continue;
    const call = fieldOf(d, 'right')?.children().find((c) => c.isNamed());
    if (call && kindOf(call) === 'call_expression' && /QueueDeclare$/.test(fieldOf(call, 'function')?.text() ?? '')) return channelsOf(argumentsOf(call)[0], language, source);
  }
  return [];
}

// --- Java -----------------------------------------------------------------------------------------------

const JAVA_LISTENERS: Record<string, { broker: ConsumerBroker; keys: RegExp }> = {
  KafkaListener: { broker: 'Kafka', keys: /^(topics|topicPattern|value)$/ },
  RabbitListener: { broker: 'RabbitMQ', keys: /^(queues|queuesToDeclare|bindings|value)$/ },
  JmsListener: { broker: 'JMS', keys: /^(destination|value)$/ },
  SqsListener: { broker: 'SQS', keys: /^(value|queueNames)$/ },
};

function javaConsumers(root: SgNode, language: RuleLanguage, source: string, libs: Map<Library, Map<string, string>>): ConsumerRegistration[] {
  const out: ConsumerRegistration[] = [];
  if (/@(KafkaListener|RabbitListener|JmsListener|SqsListener)\b/.test(source)) {
    for (const a of root.findAll({ rule: { any: [{ kind: 'annotation' }, { kind: 'marker_annotation' }] } })) {
      const listener = JAVA_LISTENERS[(fieldOf(a, 'name')?.text() ?? '').split('.').pop() ?? ''];
      if (!listener) continue;
      const owner = a.parent()?.parent();
      if (!owner) continue;
      // On a class, the `@KafkaHandler`/`@RabbitHandler` methods handle the messages.
      const handler = kindOf(owner) === 'method_declaration' ? owner : owner.findAll({ rule: { kind: 'method_declaration' } }).find((m) => /@(KafkaHandler|RabbitHandler)\b/.test(m.text()));
      out.push({ broker: listener.broker, anchor: a, channels: annotationChannels(a, listener.keys, language, source), ...(handler ? { handler } : {}), config: owner.text().slice(0, 2000), plumbing: [] });
    }
  }
  const calls = libs.size > 0 ? callsOf(root, language) : [];
  const all = calls.map((c) => c.call);
  for (const { call, method, args } of calls) {
    if (libs.has('kafka-client') && method === 'subscribe' && args.length >= 1 && isKafkaSubscribe(call, args[0]!, source)) {
      out.push({ broker: 'Kafka', anchor: call, channels: channelsOf(args[0], language, source), plumbing: plumbingOf(call, all, root, language) });
    } else if (libs.has('rabbit-client') && method === 'basicConsume' && args.length >= 2) {
      out.push({ broker: 'RabbitMQ', anchor: call, channels: channelsOf(args[0], language, source), plumbing: plumbingOf(call, all, root, language) });
    } else if (libs.has('sqs') && method === 'receiveMessage') {
      const url = call.find({ rule: { kind: 'method_invocation', has: { field: 'name', regex: '^(queueUrl|withQueueUrl)$' } } });
      out.push({ broker: 'SQS', anchor: call, channels: queueUrlChannels(url ? argumentsOf(url)[0] : args[0], language, source), plumbing: plumbingOf(call, all, root, language) });
    } else if (libs.has('nats-java') && method === 'subscribe' && args.length >= 1 && kindOf(args[0]!) === 'string_literal') {
      out.push({ broker: 'NATS', anchor: call, channels: channelsOf(args[0], language, source), plumbing: [call] });
    }
  }
  return out;
}

/**
 * The Java client's `consumer.subscribe(topics)` (a collection or a `Pattern`), not a Reactor or Flow
 * `subscribe(this::handle)`: the receiver is named for a consumer or declared as one in the file.
 */
function isKafkaSubscribe(call: SgNode, topics: SgNode, source: string): boolean {
  if (/^(lambda_expression|method_reference|object_creation_expression)$/.test(kindOf(topics))) return false;
  const receiver = (fieldOf(call, 'object')?.text() ?? '').replace(/^this\./, '');
  if (!/^\w+$/.test(receiver)) return false;
  return /consumer/i.test(receiver) || new RegExp(`Consumer<[^;=]*>\\s+${receiver}\\b`).test(source);
}

/** `@KafkaListener(topics = {"a", Topics.B})`, `@SqsListener("q")`, `@RabbitListener(bindings = @QueueBinding(value = @Queue("q")))`. */
function annotationChannels(a: SgNode, keys: RegExp, language: RuleLanguage, source: string): string[] {
  const args = fieldOf(a, 'arguments');
  if (!args) return [];
  const out: string[] = [];
  for (const c of args.namedChildren()) {
    if (kindOf(c) === 'element_value_pair') {
      if (!keys.test(fieldOf(c, 'key')?.text() ?? '')) continue;
      const value = fieldOf(c, 'value');
      if (value && kindOf(value) === 'annotation') out.push(...annotationChannels(value, /^(value|name)$/, language, source));
      else if (value) out.push(...channelsOf(value, language, source), ...(value.findAll({ rule: { kind: 'annotation' } }).flatMap((q) => (/Queue$/.test(fieldOf(q, 'name')?.text() ?? '') ? annotationChannels(q, /^(value|name)$/, language, source) : []))));
    } else out.push(...channelsOf(c, language, source));
  }
  return unique(out);
}

/** For tests: the registrations of a source text, parsed on the spot. */
export function consumerRegistrationsOf(language: RuleLanguage, source: string): ConsumerRegistration[] {
  return consumerRegistrations(parseSource(language, source).root(), language, source);
}
