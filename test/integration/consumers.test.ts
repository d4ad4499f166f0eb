import { describe, expect, it } from 'vitest';
import { consumerRegistrationsOf, mayRegisterConsumers } from '../../src/integration/consumers.js';
import { extractIntegrationPoints } from '../../src/integration/extract-points.js';
import { buildIntegrationModel } from '../../src/integration/index.js';
import { repositoryFindings } from '../../src/integration/model-findings.js';
import { loadFixture } from './load-fixture.js';
import type { RuleLanguage } from '../../src/diff/types.js';
import type { IntegrationPoint } from '../../src/integration/types.js';

/** Consumer code as it is written in real services, one snippet per library. */
const SNIPPETS = {
  'kafkajs': {
    path: 'src/billing/order-consumer.ts',
    language: 'typescript' as const,
    source: `import { Kafka } from 'kafkajs';
import { markPaid } from './ledger';

const kafka = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'], retry: { retries: 5 } });
const consumer = kafka.consumer({ groupId: 'billing' });

export async function startOrderConsumer(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders.created', fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const order = JSON.parse(message.value!.toString());
      await markPaid(order.id);
      await consumer.commitOffsets([{ topic: 'orders.created', partition: 0, offset: message.offset }]);
    },
  });
}
`,
  },
  'bullmq': {
    path: 'src/mail/email-worker.ts',
    language: 'typescript' as const,
    source: `import { Worker, Job } from 'bullmq';
import { sendEmail } from './mailer';

export const worker = new Worker('emails', async (job: Job) => {
  await sendEmail(job.data);
}, { connection: { host: 'redis' } });
`,
  },
  'amqplib': {
    path: 'src/inventory/consumer.ts',
    language: 'typescript' as const,
    source: `import amqp from 'amqplib';

const QUEUE = 'inventory.reserve';

export async function consume(): Promise<void> {
  const conn = await amqp.connect(process.env.AMQP_URL!);
  const channel = await conn.createChannel();
  await channel.assertQueue(QUEUE, { durable: true });
  await channel.consume(QUEUE, async (msg) => {
    if (!msg) return;
    try {
      await reserve(JSON.parse(msg.content.toString()));
      channel.ack(msg);
    } catch (err) {
      channel.nack(msg, false, false);
    }
  });
}
async function reserve(_x: unknown) {}
`,
  },
  'sqs-js': {
    path: 'src/jobs/poller.ts',
    language: 'typescript' as const,
    source: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({});
const QUEUE_URL = process.env.QUEUE_URL;

export async function poll(): Promise<void> {
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, WaitTimeSeconds: 20 }));
    for (const m of out.Messages ?? []) {
      await handle(m.Body);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
async function handle(_b: unknown) {}
`,
  },
  'nats-js': {
    path: 'src/events/listen.ts',
    language: 'typescript' as const,
    source: `import { connect, StringCodec } from 'nats';

export async function listen(): Promise<void> {
  const nc = await connect({ servers: 'nats:4222' });
  const sub = nc.subscribe('orders.*');
  for await (const m of sub) console.log(StringCodec().decode(m.data));
}
`,
  },
  'ioredis-streams': {
    path: 'src/events/stream.ts',
    language: 'typescript' as const,
    source: `import Redis from 'ioredis';
const redis = new Redis();
export async function readOrders(): Promise<void> {
  const res = await redis.xreadgroup('GROUP', 'billing', 'c1', 'COUNT', 10, 'BLOCK', 5000, 'STREAMS', 'orders', '>');
  console.log(res);
}
`,
  },
  'rxjs-neg': {
    path: 'src/ui/orders.ts',
    language: 'typescript' as const,
    source: `import { interval } from 'rxjs';
import { EventEmitter } from 'events';
const bus = new EventEmitter();
export function watch(): void {
  interval(1000).subscribe((n) => console.log(n));
  bus.on('message', (m) => console.log(m));
}
`,
  },
  'celery': {
    path: 'app/tasks/email.py',
    language: 'python' as const,
    source: `from celery import shared_task
from app.mail import send


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_welcome_email(self, user_id):
    send(user_id)
`,
  },
  'pika': {
    path: 'app/consumers/orders.py',
    language: 'python' as const,
    source: `import pika


def on_order(ch, method, properties, body):
    try:
        handle(body)
        ch.basic_ack(delivery_tag=method.delivery_tag)
    except Exception:
        ch.basic_nack(delivery_tag=method.delivery_tag, requeue=False)


def main():
    connection = pika.BlockingConnection(pika.ConnectionParameters("rabbitmq"))
    channel = connection.channel()
    channel.queue_declare(queue="orders")
    channel.basic_consume(queue="orders", on_message_callback=on_order)
    channel.start_consuming()
`,
  },
  'kafka-python': {
    path: 'app/consumers/payments.py',
    language: 'python' as const,
    source: `from kafka import KafkaConsumer


def run():
    consumer = KafkaConsumer("payments.settled", bootstrap_servers="kafka:9092", group_id="ledger")
    for message in consumer:
        settle(message.value)
`,
  },
  'boto3-sqs': {
    path: 'app/workers/poll.py',
    language: 'python' as const,
    source: `import boto3

sqs = boto3.client("sqs")


def poll(queue_url):
    while True:
        resp = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=20)
        for m in resp.get("Messages", []):
            handle(m)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
`,
  },
  'flask-neg': {
    path: 'app/api/views.py',
    language: 'python' as const,
    source: `from flask import Flask
app = Flask(__name__)


@app.route("/orders")
def orders():
    return "ok"
`,
  },
  'sarama': {
    path: 'internal/billing/consumer.go',
    language: 'go' as const,
    source: `package billing

import (
	"context"

	"github.com/IBM/sarama"
)

type handler struct{}

func (handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h handler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		sess.MarkMessage(msg, "")
	}
	return nil
}

func Run(ctx context.Context, group sarama.ConsumerGroup) error {
	for {
		if err := group.Consume(ctx, []string{"orders.created"}, handler{}); err != nil {
			return err
		}
	}
}
`,
  },
  'kafka-go': {
    path: 'internal/audit/reader.go',
    language: 'go' as const,
    source: `package audit

import (
	"context"

	"github.com/segmentio/kafka-go"
)

func Read(ctx context.Context) error {
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{"kafka:9092"}, GroupID: "audit", Topic: "audit.events"})
	defer r.Close()
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return err
		}
		_ = r.CommitMessages(ctx, m)
	}
}
`,
  },
  'nats-go': {
    path: 'internal/events/sub.go',
    language: 'go' as const,
    source: `package events

import "github.com/nats-io/nats.go"

func Listen(nc *nats.Conn) (*nats.Subscription, error) {
	return nc.QueueSubscribe("orders.created", "billing", func(m *nats.Msg) {
		_ = m.Ack()
	})
}
`,
  },
  'amqp-go': {
    path: 'internal/inventory/consume.go',
    language: 'go' as const,
    source: `package inventory

import amqp "github.com/rabbitmq/amqp091-go"

func Consume(ch *amqp.Channel) error {
	q, err := ch.QueueDeclare("inventory.reserve", true, false, false, false, nil)
	if err != nil {
		return err
	}
	msgs, err := ch.Consume(q.Name, "", false, false, false, false, nil)
	if err != nil {
		return err
	}
	for d := range msgs {
		if err := reserve(d.Body); err != nil {
			_ = d.Nack(false, true)
			continue
		}
		_ = d.Ack(false)
	}
	return nil
}
`,
  },
  'sqs-go': {
    path: 'internal/jobs/poll.go',
    language: 'go' as const,
    source: `package jobs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func Poll(ctx context.Context, client *sqs.Client, url string) error {
	for {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 20})
		if err != nil {
			return err
		}
		for _, m := range out.Messages {
			_, _ = client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle})
		}
	}
}
`,
  },
  'go-chan-neg': {
    path: 'internal/work/pool.go',
    language: 'go' as const,
    source: `package work

func Drain(jobs <-chan int) {
	for j := range jobs {
		_ = j
	}
	v := <-jobs
	_ = v
}
`,
  },
  'spring-kafka': {
    path: 'src/main/java/com/acme/billing/OrderListener.java',
    language: 'java' as const,
    source: `package com.acme.billing;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

@Component
public class OrderListener {
    private final LedgerService ledger;

    public OrderListener(LedgerService ledger) { this.ledger = ledger; }

    @KafkaListener(topics = "orders.created", groupId = "billing")
    public void onOrderCreated(String payload) {
        ledger.record(payload);
    }
}
`,
  },
  'spring-rabbit': {
    path: 'src/main/java/com/acme/inventory/ReserveListener.java',
    language: 'java' as const,
    source: `package com.acme.inventory;

import org.springframework.amqp.rabbit.annotation.RabbitListener;

public class ReserveListener {
    static final String QUEUE = "inventory.reserve";

    @RabbitListener(queues = QUEUE)
    public void reserve(Reservation r) {
        service.reserve(r);
    }
}
`,
  },
  'java-sqs': {
    path: 'src/main/java/com/acme/jobs/Poller.java',
    language: 'java' as const,
    source: `package com.acme.jobs;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

public class Poller {
    private final SqsClient sqsClient;
    public Poller(SqsClient c) { this.sqsClient = c; }
    public void poll(String url) {
        var resp = sqsClient.receiveMessage(ReceiveMessageRequest.builder().queueUrl(url).build());
        resp.messages().forEach(m -> sqsClient.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
    }
}
`,
  },
  'java-kafka-plain': {
    path: 'src/main/java/com/acme/audit/AuditConsumer.java',
    language: 'java' as const,
    source: `package com.acme.audit;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;

public class AuditConsumer {
    private final KafkaConsumer<String, String> consumer;
    public AuditConsumer(KafkaConsumer<String, String> consumer) { this.consumer = consumer; }
    public void run() {
        consumer.subscribe(List.of("audit.events"));
        while (true) {
            var records = consumer.poll(Duration.ofMillis(500));
            records.forEach(r -> store(r.value()));
            consumer.commitSync();
        }
    }
}
`,
  },
};

type Snippet = { path: string; language: RuleLanguage; source: string };
const extract = (s: Snippet): IntegrationPoint[] => extractIntegrationPoints(s).points;
const inbound = (s: Snippet): IntegrationPoint[] => extract(s).filter((p) => p.direction === 'inbound');
/** The shape a review shows: where, which broker, what is consumed, by which handler. */
const summary = (s: Snippet) => inbound(s).map((p) => ({ line: p.line, service: p.service, label: p.label, function: p.function }));

describe('message consumers are inbound integration points', () => {
  it('TypeScript: kafkajs run (topics from its subscribe), a BullMQ Worker, amqplib consume, an SQS receive loop, NATS subscribe, Redis XREADGROUP', () => {
    expect(summary(SNIPPETS.kafkajs)).toEqual([{ line: 10, service: 'Kafka', label: '`orders.created` (Kafka topic)', function: 'eachMessage' }]);
    expect(summary(SNIPPETS.bullmq)).toEqual([{ line: 4, service: 'BullMQ', label: '`emails` (BullMQ queue)', function: undefined }]);
    // The queue is a module constant.
    expect(summary(SNIPPETS.amqplib)).toEqual([{ line: 9, service: 'RabbitMQ', label: '`inventory.reserve` (RabbitMQ queue)', function: 'consume' }]);
    expect(summary(SNIPPETS['sqs-js'])).toEqual([{ line: 8, service: 'SQS', label: '`sqs.send(…)` (SQS consumer)', function: 'poll' }]);
    expect(summary(SNIPPETS['nats-js'])).toEqual([{ line: 5, service: 'NATS', label: '`orders.*` (NATS subject)', function: 'listen' }]);
    expect(summary(SNIPPETS['ioredis-streams'])).toEqual([{ line: 4, service: 'Redis', label: '`orders` (Redis stream)', function: 'readOrders' }]);
    for (const p of inbound(SNIPPETS.kafkajs)) expect(p).toMatchObject({ kind: 'messaging', direction: 'inbound', certainty: 'known', module: 'src/billing/order-consumer', channels: ['orders.created'] });
  });

  it('Python: a Celery task, pika basic_consume with its callback, a kafka-python consumer, a boto3 SQS receive', () => {
    expect(summary(SNIPPETS.celery)).toEqual([{ line: 5, service: 'Celery', label: '`send_welcome_email` (Celery task)', function: 'send_welcome_email' }]);
    expect(summary(SNIPPETS.pika)).toEqual([{ line: 16, service: 'RabbitMQ', label: '`orders` (RabbitMQ queue)', function: 'on_order' }]);
    expect(summary(SNIPPETS['kafka-python'])).toEqual([{ line: 5, service: 'Kafka', label: '`payments.settled` (Kafka topic)', function: 'run' }]);
    expect(summary(SNIPPETS['boto3-sqs'])).toEqual([{ line: 8, service: 'SQS', label: '`sqs.receive_message(…)` (SQS consumer)', function: 'poll' }]);
  });

  it('Go: a sarama consumer group with its ConsumeClaim, a kafka-go reader, a NATS queue subscription, an amqp091 Consume of a declared queue, an SQS receive', () => {
    expect(summary(SNIPPETS.sarama)).toEqual([{ line: 22, service: 'Kafka', label: '`orders.created` (Kafka topic)', function: 'ConsumeClaim' }]);
    expect(summary(SNIPPETS['kafka-go'])).toEqual([{ line: 13, service: 'Kafka', label: '`audit.events` (Kafka topic)', function: 'Read' }]);
    expect(summary(SNIPPETS['nats-go'])).toEqual([{ line: 6, service: 'NATS', label: '`orders.created` (NATS subject)', function: 'Listen' }]);
    // `q.Name` of `q, err := ch.QueueDeclare("inventory.reserve", …)`.
    expect(summary(SNIPPETS['amqp-go'])).toEqual([{ line: 10, service: 'RabbitMQ', label: '`inventory.reserve` (RabbitMQ queue)', function: 'Consume' }]);
    expect(summary(SNIPPETS['sqs-go'])).toEqual([{ line: 11, service: 'SQS', label: '`client.ReceiveMessage(…)` (SQS consumer)', function: 'Poll' }]);
  });

  it('Java: @KafkaListener and @RabbitListener (a constant queue), the Kafka client subscribe, an SQS receiveMessage', () => {
    expect(summary(SNIPPETS['spring-kafka'])).toEqual([{ line: 12, service: 'Kafka', label: '`orders.created` (Kafka topic)', function: 'onOrderCreated' }]);
    expect(summary(SNIPPETS['spring-rabbit'])).toEqual([{ line: 8, service: 'RabbitMQ', label: '`inventory.reserve` (RabbitMQ queue)', function: 'reserve' }]);
    expect(summary(SNIPPETS['java-kafka-plain'])).toEqual([{ line: 11, service: 'Kafka', label: '`audit.events` (Kafka topic)', function: 'run' }]);
    expect(summary(SNIPPETS['java-sqs'])).toEqual([{ line: 10, service: 'SQS', label: '`sqsClient.receiveMessage(…)` (SQS consumer)', function: 'poll' }]);
  });

  it('Java: several topics, a class-level listener with its handler, @JmsListener and @SqsListener', () => {
    const source = `package com.acme.events;

import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;

@KafkaListener(topics = {"orders.created", Topics.REFUNDS})
public class OrderEvents {
    @KafkaHandler
    public void on(OrderCreated e) { }

    @JmsListener(destination = "audit")
    public void audit(String m) { }

    @SqsListener("invoices")
    public void invoice(String m) { }
}
class Topics { static final String REFUNDS = "refunds.issued"; }
`;
    expect(summary({ path: 'src/main/java/com/acme/events/OrderEvents.java', language: 'java', source })).toEqual([
      { line: 6, service: 'Kafka', label: '`orders.created`, `refunds.issued` (Kafka topics)', function: 'on' },
      { line: 11, service: 'JMS', label: '`audit` (JMS destination)', function: 'audit' },
      { line: 14, service: 'SQS', label: '`invoices` (SQS queue)', function: 'invoice' },
    ]);
  });

  it('a BullMQ worker whose handler is a class field and whose queue name has a default', () => {
    const source = `import { Queue, Worker } from 'bullmq';

export class RedisEventBus {
  private worker?: Worker;
  constructor(private readonly options: { queueName?: string }) {
    this.worker = new Worker(options.queueName ?? 'events-queue', this.work, { connection: {} });
  }

  work = async (job: { data: { id: string } }) => {
    if (await this.alreadyProcessed(job.data.id)) return;
    await handle(job.data);
  };
  private async alreadyProcessed(_id: string) { return false; }
}
async function handle(_d: unknown) {}
`;
    const [p] = inbound({ path: 'src/events/redis-event-bus.ts', language: 'typescript', source });
    expect(p).toMatchObject({ line: 6, service: 'BullMQ', label: '`events-queue` (BullMQ queue)', function: 'work', facts: { idempotencyKey: true, onError: 'propagates' } });
  });

  it('a NestJS BullMQ processor: the queue of @Processor, its process method', () => {
    const source = `import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';

@Processor('invoices')
export class InvoiceProcessor extends WorkerHost {
  async process(job: Job<{ id: string }>): Promise<void> {
    await issue(job.data.id);
  }
}
async function issue(_id: string) {}
`;
    expect(summary({ path: 'src/invoices/invoice.processor.ts', language: 'typescript', source })).toEqual([{ line: 4, service: 'BullMQ', label: '`invoices` (BullMQ queue)', function: 'process' }]);
  });

  it('one point for one consumer subscribed in two branches (Java client)', () => {
    const source = `package com.acme.queue;

import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;

public class TopicConsumer {
    private KafkaConsumer<String, byte[]> consumer;
    protected void doSubscribe(List<String> topics, boolean fromBeginning) {
        if (fromBeginning) {
            consumer.subscribe(topics, new Rewind());
        } else {
            consumer.subscribe(topics);
        }
    }
}
`;
    expect(summary({ path: 'src/main/java/com/acme/queue/TopicConsumer.java', language: 'java', source })).toEqual([{ line: 10, service: 'Kafka', label: '`consumer.subscribe(…)` (Kafka consumer)', function: 'doSubscribe' }]);
  });

  it('one point per kafkajs consumer: its subscribe calls name the topics of its run', () => {
    const regs = consumerRegistrationsOf('typescript', SNIPPETS.kafkajs.source);
    expect(regs).toHaveLength(1);
    expect(regs[0]!.anchor.text()).toMatch(/^consumer\.run\(/);
    // Two consumers in one file: two points, each with its own topics.
    const two = `import { Kafka } from 'kafkajs';
const kafka = new Kafka({ brokers: ['k:9092'] });
const orders = kafka.consumer({ groupId: 'a' });
const refunds = kafka.consumer({ groupId: 'b' });
export async function start() {
  await orders.subscribe({ topics: ['orders.created', 'orders.cancelled'] });
  await refunds.subscribe({ topic: /refunds\\..*/ });
  await orders.run({ eachMessage: handleOrder });
  await refunds.run({ eachBatch: async ({ batch }) => { console.log(batch.messages.length); } });
}
async function handleOrder() {}
`;
    expect(summary({ path: 'src/events/start.ts', language: 'typescript', source: two })).toEqual([
      { line: 8, service: 'Kafka', label: '`orders.created`, `orders.cancelled` (Kafka topics)', function: 'handleOrder' },
      { line: 9, service: 'Kafka', label: '`/refunds\\..*/` (Kafka topic)', function: 'eachBatch' },
    ]);
  });
});

describe('what is not a consumer', () => {
  it('an RxJS subscribe, an EventEmitter on("message"), a Go channel receive, a Flask route', () => {
    for (const name of ['rxjs-neg', 'go-chan-neg', 'flask-neg'] as const) expect(inbound(SNIPPETS[name]), name).toEqual([]);
  });

  it('a subscribe with a function or an observer is RxJS even where the file imports NATS', () => {
    const source = `import { connect } from 'nats';
import { fromEvent } from 'rxjs';
export async function watch(el: HTMLElement) {
  fromEvent(el, 'click').subscribe(() => console.log('x'));
  store.subscribe({ next: (v: unknown) => console.log(v) });
  const nc = await connect();
  nc.subscribe('orders.created', { callback: (_err, m) => console.log(m.subject) });
}
declare const store: { subscribe(o: unknown): void };
`;
    expect(summary({ path: 'src/ui/watch.ts', language: 'typescript', source })).toEqual([{ line: 7, service: 'NATS', label: '`orders.created` (NATS subject)', function: 'callback' }]);
  });

  it('the same calls without the library: a .consume(), a .run({ eachMessage }), an @app.task, a .Consume(ctx, topics, h)', () => {
    const ts = `export async function go(ch: { consume(q: string, f: (m: unknown) => void): void }, c: { run(o: object): Promise<void> }) {
  ch.consume('orders', (m) => console.log(m));
  await c.run({ eachMessage: async () => {} });
}
`;
    expect(inbound({ path: 'src/x.ts', language: 'typescript', source: ts })).toEqual([]);
    const py = `from flask import Flask
app = Flask(__name__)


@app.task
def not_celery():
    pass
`;
    expect(inbound({ path: 'app/x.py', language: 'python', source: py })).toEqual([]);
    const go = `package x

func Run(g Group) error { return g.Consume(ctx, []string{"a"}, h{}) }
`;
    expect(inbound({ path: 'internal/x/x.go', language: 'go', source: go })).toEqual([]);
  });

  it('Java: a Reactor subscribe in a file that imports the Kafka consumer is not one; a consumer declared under another name is', () => {
    const source = `package com.acme.audit;

import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import reactor.core.publisher.Flux;

public class Audit {
    private final KafkaConsumer<String, String> kc;
    Audit(KafkaConsumer<String, String> kc) { this.kc = kc; }
    void start(Flux<String> events) {
        events.subscribe(this::store);
        events.subscribe(e -> store(e));
        kc.subscribe(List.of("audit.events"));
    }
    void store(String e) { }
}
`;
    expect(summary({ path: 'src/main/java/com/acme/audit/Audit.java', language: 'java', source })).toEqual([{ line: 13, service: 'Kafka', label: '`audit.events` (Kafka topic)', function: 'start' }]);
  });

  it('a Celery task on the project’s own app (`from proj.celery import app`) is one', () => {
    const py = `from proj.celery import app


@app.task(name="billing.settle")
def settle(invoice_id):
    pass
`;
    expect(summary({ path: 'billing/tasks.py', language: 'python', source: py })).toEqual([{ line: 4, service: 'Celery', label: '`billing.settle` (Celery task)', function: 'settle' }]);
  });

  it('files without a consumer library word are not walked (the gate on the text)', () => {
    expect(mayRegisterConsumers('typescript', "import axios from 'axios';\nexport const x = () => axios.get('https://a.example');\n")).toBe(false);
    expect(mayRegisterConsumers('typescript', SNIPPETS.kafkajs.source)).toBe(true);
    expect(mayRegisterConsumers('java', SNIPPETS['spring-kafka'].source)).toBe(true);
  });
});

describe("a consumer's own broker calls are not outbound points", () => {
  it('kafkajs: the consumer built by kafka.consumer(), its connect and commits', () => {
    expect(extract(SNIPPETS.kafkajs).filter((p) => p.direction === 'outbound')).toEqual([]);
  });

  it('amqplib: the connection and channel built for the consumer (reported as outbound when nothing consumes)', () => {
    expect(extract(SNIPPETS.amqplib).filter((p) => p.direction === 'outbound')).toEqual([]);
    const noConsumer = SNIPPETS.amqplib.source.replace(/ {2}await channel\.consume[\s\S]*?\n {2}\}\);\n/, '');
    expect(extract({ ...SNIPPETS.amqplib, source: noConsumer }).map((p) => p.label)).toEqual(['`amqp.connect(…)`', '`conn.createChannel(…)`']);
  });

  it('SQS: the receive and its deletes, in TypeScript, Python and Go; a send to another queue stays outbound', () => {
    const source = SNIPPETS['sqs-js'].source.replace('      await handle(m.Body);\n', "      await handle(m.Body);\n      await sqs.send(new SendMessageCommand({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/done', MessageBody: 'x' }));\n");
    expect(extract({ ...SNIPPETS['sqs-js'], source }).map((p) => [p.direction, p.line])).toEqual([
      ['inbound', 8],
      ['outbound', 11],
    ]);
    expect(extract(SNIPPETS['boto3-sqs']).filter((p) => p.direction === 'outbound')).toEqual([]);
    expect(extract(SNIPPETS['sqs-go']).filter((p) => p.direction === 'outbound')).toEqual([]);
    expect(extract(SNIPPETS['java-sqs']).filter((p) => p.direction === 'outbound')).toEqual([]);
  });

  it('Redis streams: XREADGROUP is consumption, not a cache call', () => {
    expect(extract(SNIPPETS['ioredis-streams']).map((p) => [p.direction, p.kind])).toEqual([['inbound', 'messaging']]);
  });
});

describe('what a consumer does about duplicates and failures', () => {
  it('nacks, propagates, swallows or leaves unacknowledged', () => {
    const facts = (s: Snippet) => inbound(s)[0]!.facts;
    // amqplib and pika handlers catch and nack; amqp091 nacks; Spring lets the error reach the container.
    expect(facts(SNIPPETS.amqplib).onError).toBe('nacks');
    expect(facts(SNIPPETS.pika).onError).toBe('nacks');
    expect(facts(SNIPPETS['amqp-go']).onError).toBe('nacks');
    expect(facts(SNIPPETS['spring-kafka']).onError).toBe('propagates');
    // A catch that only logs: the listener returns, the container commits the offset, the message is lost.
    const swallow = SNIPPETS['spring-kafka'].source.replace('        ledger.record(payload);\n', '        try {\n            ledger.record(payload);\n        } catch (Exception e) {\n            log.error("failed", e);\n        }\n');
    expect(facts({ ...SNIPPETS['spring-kafka'], source: swallow }).onError).toBe('swallows');
    // A poll loop that deletes only on success: the failed message comes back after its visibility timeout.
    const unacked = SNIPPETS['boto3-sqs'].source.replace('            handle(m)\n            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])\n', '            try:\n                handle(m)\n                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])\n            except Exception:\n                log.exception("failed")\n');
    expect(facts({ ...SNIPPETS['boto3-sqs'], source: unacked }).onError).toBe('unacked');
    // Go without a nack: errors are values, nothing is claimed.
    expect(facts(SNIPPETS['kafka-go']).onError).toBeUndefined();
  });

  it('deduplication, retry configuration and a dead letter', () => {
    const dedup = SNIPPETS.kafkajs.source.replace('      const order = JSON.parse(message.value!.toString());\n', "      const order = JSON.parse(message.value!.toString());\n      if (await processedMessages.has(message.key!.toString())) return;\n");
    expect(inbound({ ...SNIPPETS.kafkajs, source: dedup })[0]!.facts.idempotencyKey).toBe(true);
    expect(inbound(SNIPPETS.kafkajs)[0]!.facts).toMatchObject({ idempotencyKey: false, retry: 'backoff' });
    // Celery: autoretry_for with retry_backoff.
    expect(inbound(SNIPPETS.celery)[0]!.facts).toMatchObject({ retry: 'backoff', onError: 'propagates' });
    expect(inbound({ ...SNIPPETS.celery, source: SNIPPETS.celery.source.replace(', retry_backoff=True', '') })[0]!.facts.retry).toBe('fixed');
    // Spring: @RetryableTopic with a growing back-off, and its dead-letter topic.
    const retryable = SNIPPETS['spring-kafka'].source.replace('    @KafkaListener(', '    @RetryableTopic(attempts = "4", backoff = @Backoff(delay = 1000, multiplier = 2.0), dltTopicSuffix = ".DLT")\n    @KafkaListener(');
    expect(inbound({ ...SNIPPETS['spring-kafka'], source: retryable })[0]!.facts).toMatchObject({ retry: 'backoff', deadLetter: true });
    // Not seen: unknown, never claimed absent.
    expect(inbound(SNIPPETS['spring-kafka'])[0]!.facts.deadLetter).toBeUndefined();
    expect(inbound(SNIPPETS['spring-kafka'])[0]!.facts.retry).toBeUndefined();
  });
});

describe('the repository rules look at outbound points only', () => {
  it('new consumers make no new-integration, adapter or duplicate-retry finding; a producer beside them still does', () => {
    const base = loadFixture('ts-shop');
    const producer = `import axios from 'axios';
export async function notify(id: string) {
  await axios.post('https://hooks.partner.example/orders', { id });
}
`;
    const added = [
      { ...SNIPPETS['sqs-js'] },
      { ...SNIPPETS.kafkajs },
      { ...SNIPPETS.bullmq },
      { path: 'src/orders/notify-partner.ts', language: 'typescript' as const, source: producer },
    ];
    const head = [...base, ...added];
    const findings = repositoryFindings({
      model: buildIntegrationModel(head),
      baseModel: buildIntegrationModel(base),
      added: new Map(added.map((f) => [f.path, new Set(f.source.split('\n').map((_, i) => i + 1))])),
      files: new Map(added.map((f) => [f.path, f])),
    });
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual([['new-integration-without-resilience', 'src/orders/notify-partner.ts']]);
  });
});

