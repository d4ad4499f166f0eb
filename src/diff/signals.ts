/** How modules are named in each language family, and how their path segments are separated. */
type Family = 'js' | 'py' | 'go' | 'jvm' | 'rb' | 'cs' | 'php' | 'rs';

const FAMILY_OF: Record<string, Family> = {
  TypeScript: 'js', TSX: 'js', JavaScript: 'js',
  Python: 'py',
  Go: 'go',
  Java: 'jvm', Kotlin: 'jvm', Scala: 'jvm', Groovy: 'jvm', Clojure: 'jvm',
  Ruby: 'rb',
  'C#': 'cs', 'F#': 'cs', 'Visual Basic .NET': 'cs',
  PHP: 'php', Hack: 'php',
  Rust: 'rs',
};

const SEPARATOR: Record<Family, string> = { js: '/', py: '.', go: '/', jvm: '.', rb: '/', cs: '.', php: '\\', rs: '::' };

/**
 * Which imported modules make a file integration code. A module matches a pattern when it equals it or
 * continues it past a separator (`@aws-sdk/client-s3` matches `@aws-sdk`, `google.cloud.pubsub`
 * matches `google.cloud`); a pattern ending in `*` matches any continuation (`aws-sdk-s3`).
 */
const MODULE_SIGNALS: ReadonlyArray<{ signal: string } & Partial<Record<Family, readonly string[]>>> = [
  // Vendor SDKs.
  { signal: 'sdk:stripe', js: ['stripe'], py: ['stripe'], go: ['github.com/stripe/stripe-go'], jvm: ['com.stripe'], rb: ['stripe'], cs: ['Stripe'], php: ['Stripe'], rs: ['stripe', 'async_stripe'] },
  { signal: 'sdk:aws', js: ['aws-sdk', '@aws-sdk'], py: ['boto3', 'botocore', 'aiobotocore'], go: ['github.com/aws/aws-sdk-go', 'github.com/aws/aws-sdk-go-v2'], jvm: ['software.amazon.awssdk', 'com.amazonaws'], rb: ['aws-sdk*'], cs: ['Amazon'], php: ['Aws'], rs: ['aws_sdk_*', 'aws_config'] },
  { signal: 'sdk:slack', js: ['@slack'], py: ['slack_sdk', 'slack_bolt', 'slack'], go: ['github.com/slack-go/slack'], jvm: ['com.slack.api'], rb: ['slack-ruby-client', 'slack'] },
  { signal: 'sdk:twilio', js: ['twilio'], py: ['twilio'], go: ['github.com/twilio/twilio-go'], jvm: ['com.twilio'], rb: ['twilio-ruby'], cs: ['Twilio'], php: ['Twilio'] },
  { signal: 'sdk:salesforce', js: ['jsforce', '@jsforce'], py: ['simple_salesforce'], jvm: ['com.sforce'], rb: ['restforce'] },
  { signal: 'sdk:sendgrid', js: ['@sendgrid', 'sendgrid'], py: ['sendgrid'], go: ['github.com/sendgrid/sendgrid-go'], jvm: ['com.sendgrid'], cs: ['SendGrid'], php: ['SendGrid'] },
  { signal: 'sdk:github', js: ['@octokit', 'octokit'], py: ['github'], go: ['github.com/google/go-github'], jvm: ['org.kohsuke.github'], rb: ['octokit'] },
  { signal: 'sdk:google', js: ['googleapis', '@googleapis', '@google-cloud'], py: ['googleapiclient', 'google.cloud'], go: ['google.golang.org/api', 'cloud.google.com/go'], jvm: ['com.google.api', 'com.google.cloud'], cs: ['Google.Apis', 'Google.Cloud'] },
  { signal: 'sdk:openai', js: ['openai'], py: ['openai'], go: ['github.com/sashabaranov/go-openai', 'github.com/openai/openai-go'], jvm: ['com.openai'], rb: ['openai'], cs: ['OpenAI'] },
  { signal: 'sdk:anthropic', js: ['@anthropic-ai'], py: ['anthropic'], go: ['github.com/anthropics/anthropic-sdk-go'], jvm: ['com.anthropic'], rb: ['anthropic'] },
  { signal: 'sdk:paypal', js: ['@paypal', 'paypal-rest-sdk'], py: ['paypalrestsdk', 'paypalcheckoutsdk', 'paypalserversdk'], jvm: ['com.paypal'], php: ['PayPal', 'PayPalCheckoutSdk'] },
  { signal: 'sdk:braintree', js: ['braintree'], py: ['braintree'], go: ['github.com/braintree-go/braintree-go'], jvm: ['com.braintreegateway'], rb: ['braintree'], cs: ['Braintree'], php: ['Braintree'] },
  // HTTP clients.
  { signal: 'http-client:axios', js: ['axios'] },
  { signal: 'http-client:node-fetch', js: ['node-fetch'] },
  { signal: 'http-client:got', js: ['got'] },
  { signal: 'http-client:undici', js: ['undici'] },
  { signal: 'http-client:superagent', js: ['superagent'] },
  { signal: 'http-client:ky', js: ['ky'] },
  { signal: 'http-client:node-http', js: ['http', 'https'] },
  { signal: 'http-client:requests', py: ['requests'] },
  { signal: 'http-client:httpx', py: ['httpx'] },
  { signal: 'http-client:aiohttp', py: ['aiohttp'] },
  { signal: 'http-client:urllib3', py: ['urllib3'] },
  { signal: 'http-client:urllib', py: ['urllib.request'] },
  { signal: 'http-client:net/http', go: ['net/http'], rb: ['net/http'] },
  { signal: 'http-client:resty', go: ['github.com/go-resty/resty', 'resty.dev'] },
  { signal: 'http-client:okhttp', jvm: ['okhttp3', 'com.squareup.okhttp'] },
  { signal: 'http-client:resttemplate', jvm: ['org.springframework.web.client'] },
  { signal: 'http-client:webclient', jvm: ['org.springframework.web.reactive.function.client'] },
  { signal: 'http-client:httpclient', jvm: ['java.net.http', 'org.apache.http', 'org.apache.hc'], cs: ['System.Net.Http'] },
  { signal: 'http-client:retrofit', jvm: ['retrofit2'] },
  { signal: 'http-client:feign', jvm: ['feign', 'org.springframework.cloud.openfeign'] },
  { signal: 'http-client:faraday', rb: ['faraday'] },
  { signal: 'http-client:httparty', rb: ['httparty'] },
  { signal: 'http-client:guzzle', php: ['GuzzleHttp'] },
  { signal: 'http-client:reqwest', rs: ['reqwest'] },
  { signal: 'http-client:hyper', rs: ['hyper'] },
  // Messaging and queues.
  { signal: 'messaging:kafka', js: ['kafkajs', 'node-rdkafka', '@confluentinc/kafka-javascript'], py: ['kafka', 'confluent_kafka', 'aiokafka'], go: ['github.com/IBM/sarama', 'github.com/Shopify/sarama', 'github.com/segmentio/kafka-go', 'github.com/confluentinc/confluent-kafka-go'], jvm: ['org.apache.kafka', 'org.springframework.kafka'], rb: ['kafka', 'rdkafka', 'karafka'], cs: ['Confluent.Kafka'], rs: ['rdkafka'] },
  { signal: 'messaging:amqp', js: ['amqplib', 'amqp-connection-manager'], py: ['pika', 'aio_pika', 'kombu'], go: ['github.com/rabbitmq/amqp091-go', 'github.com/streadway/amqp'], jvm: ['com.rabbitmq', 'org.springframework.amqp'], rb: ['bunny'], cs: ['RabbitMQ.Client'], rs: ['lapin'] },
  { signal: 'messaging:redis', js: ['ioredis', 'redis', '@redis'], py: ['redis', 'aioredis'], go: ['github.com/redis/go-redis', 'github.com/go-redis/redis', 'github.com/gomodule/redigo'], jvm: ['redis.clients.jedis', 'io.lettuce', 'org.redisson'], rb: ['redis'], cs: ['StackExchange.Redis'], rs: ['redis'] },
  { signal: 'messaging:nats', js: ['nats', '@nats-io'], py: ['nats'], go: ['github.com/nats-io/nats.go'], jvm: ['io.nats'], rs: ['async_nats', 'nats'] },
  { signal: 'messaging:bullmq', js: ['bullmq', 'bull', 'bee-queue'] },
  { signal: 'messaging:sqs', js: ['@aws-sdk/client-sqs', 'sqs-consumer'], go: ['github.com/aws/aws-sdk-go-v2/service/sqs', 'github.com/aws/aws-sdk-go/service/sqs'], jvm: ['software.amazon.awssdk.services.sqs', 'com.amazonaws.services.sqs'], cs: ['Amazon.SQS'] },
  { signal: 'messaging:pubsub', js: ['@google-cloud/pubsub'], py: ['google.cloud.pubsub', 'google.cloud.pubsub_v1'], go: ['cloud.google.com/go/pubsub'], jvm: ['com.google.cloud.pubsub'] },
  { signal: 'messaging:celery', py: ['celery'] },
  { signal: 'messaging:sidekiq', rb: ['sidekiq'] },
  // Databases and ORMs.
  { signal: 'db:pg', js: ['pg', 'postgres', 'pg-promise'], go: ['github.com/lib/pq', 'github.com/jackc/pgx'], rb: ['pg'], cs: ['Npgsql'], rs: ['tokio_postgres', 'postgres'] },
  { signal: 'db:mysql', js: ['mysql', 'mysql2'], py: ['pymysql', 'MySQLdb', 'mysql.connector', 'aiomysql'], go: ['github.com/go-sql-driver/mysql'], rb: ['mysql2'] },
  { signal: 'db:mongodb', js: ['mongodb'], py: ['pymongo', 'motor'], go: ['go.mongodb.org/mongo-driver'], jvm: ['com.mongodb', 'org.springframework.data.mongodb'], rb: ['mongo'], cs: ['MongoDB.Driver'] },
  { signal: 'db:mongoose', js: ['mongoose'] },
  { signal: 'db:prisma', js: ['@prisma/client'] },
  { signal: 'db:typeorm', js: ['typeorm'] },
  { signal: 'db:sequelize', js: ['sequelize', 'sequelize-typescript'] },
  { signal: 'db:knex', js: ['knex'] },
  { signal: 'db:drizzle', js: ['drizzle-orm'] },
  { signal: 'db:sqlalchemy', py: ['sqlalchemy'] },
  { signal: 'db:psycopg', py: ['psycopg', 'psycopg2'] },
  { signal: 'db:asyncpg', py: ['asyncpg'] },
  { signal: 'db:django', py: ['django.db'] },
  { signal: 'db:database/sql', go: ['database/sql'] },
  { signal: 'db:gorm', go: ['gorm.io/gorm', 'github.com/jinzhu/gorm'] },
  { signal: 'db:sqlx', go: ['github.com/jmoiron/sqlx'], rs: ['sqlx'] },
  { signal: 'db:jdbc', jvm: ['java.sql', 'javax.sql', 'org.springframework.jdbc'] },
  { signal: 'db:jpa', jvm: ['javax.persistence', 'jakarta.persistence', 'org.springframework.data.jpa'] },
  { signal: 'db:hibernate', jvm: ['org.hibernate'] },
  { signal: 'db:entity-framework', cs: ['Microsoft.EntityFrameworkCore', 'System.Data.Entity'] },
  { signal: 'db:dapper', cs: ['Dapper'] },
  { signal: 'db:ado-net', cs: ['System.Data.SqlClient', 'Microsoft.Data.SqlClient'] },
  { signal: 'db:activerecord', rb: ['active_record'] },
  { signal: 'db:sequel', rb: ['sequel'] },
  { signal: 'db:diesel', rs: ['diesel'] },
  { signal: 'db:doctrine', php: ['Doctrine'] },
];

/** Signals seen in code rather than imports: calls, annotations, header names, route strings. */
const CODE_SIGNALS: ReadonlyArray<{ signal: string; families?: readonly Family[]; pattern: RegExp }> = [
  { signal: 'http-client:fetch', families: ['js'], pattern: /(?<![\w$.])fetch\s*\(/ },
  { signal: 'http-client:curl', families: ['php'], pattern: /\bcurl_init\s*\(/ },
  { signal: 'messaging:sqs', pattern: /\b(?:client|resource)\(\s*['"]sqs['"]/ },
  { signal: 'db:pdo', families: ['php'], pattern: /\bnew\s+\\?PDO\s*\(/ },
  { signal: 'webhook', pattern: /['"`/][^'"`\n]{0,200}webhook/i },
  { signal: 'webhook', pattern: /\b(?:stripe-signature|x-hub-signature(?:-256)?|x-slack-signature|x-twilio-signature|x-shopify-hmac-sha256|svix-signature|webhook-signature)\b/i },
  { signal: 'webhook', pattern: /\bwebhooks?\.constructEvent(?:Async)?\s*\(/ },
  { signal: 'queue-consumer', pattern: /\.on\(\s*['"]message['"]/ },
  { signal: 'queue-consumer', pattern: /\beach(?:Message|Batch)\s*[:(]/ },
  { signal: 'queue-consumer', pattern: /\bnew\s+Worker\s*(?:<[^>\n]*>)?\s*\(/ },
  { signal: 'queue-consumer', pattern: /@(?:KafkaListener|RabbitListener|SqsListener|JmsListener|StreamListener)\b/ },
  { signal: 'queue-consumer', pattern: /\b(?:basic_consume|ConsumeClaim|receive_message|ReceiveMessage(?:Command|WithContext)?)\s*\(/ },
  { signal: 'queue-consumer', pattern: /\.(?:consume|Consume|subscribe|Subscribe)\s*\(\s*(?:['"]|\{\s*topics?\s*:)/ },
  { signal: 'queue-consumer', pattern: /\b(?:KafkaConsumer|SQSConsumer|ConsumerGroup)\s*[(<{]/ },
  { signal: 'queue-consumer', pattern: /@(?:shared_task|app\.task|celery\.task)\b|\binclude\s+Sidekiq::(?:Worker|Job)\b/ },
];

const CATEGORY_ORDER = ['sdk', 'http-client', 'messaging', 'db', 'webhook', 'queue-consumer'];

/**
 * Integration signals in a file's head text: the HTTP clients, vendor SDKs, messaging clients and
 * database drivers it imports, webhook routes and signature headers, and queue consumers, as strings
 * like `sdk:stripe`, `http-client:axios`, `messaging:kafka`, `db:pg`, `webhook`, `queue-consumer`.
 * Ordered by category (sdk, http-client, messaging, db, webhook, queue-consumer), then by the table.
 * A classification hint, not a rule: plain regular expressions over import lines and the text, so a
 * commented-out import still counts.
 *
 * @example findSignals('src/pay.ts', "import Stripe from 'stripe';", 'TypeScript') // ['sdk:stripe']
 */
export function findSignals(path: string, text: string, language: string | undefined): string[] {
  const family = language === undefined ? undefined : FAMILY_OF[language];
  const found = new Set<string>();
  if (family) {
    const modules = importedModules(text, family);
    const sep = SEPARATOR[family];
    for (const entry of MODULE_SIGNALS) {
      const patterns = entry[family];
      if (patterns && patterns.some((p) => modules.some((m) => moduleMatches(m, p, sep)))) found.add(entry.signal);
    }
  }
  if (/webhook/i.test(path)) found.add('webhook');
  for (const { signal, families, pattern } of CODE_SIGNALS) {
    if (found.has(signal) || (families && (!family || !families.includes(family)))) continue;
    if (pattern.test(text)) found.add(signal);
  }
  const rank = (s: string) => CATEGORY_ORDER.indexOf(s.split(':')[0]!);
  return [...found].sort((a, b) => rank(a) - rank(b));
}

function moduleMatches(module: string, pattern: string, sep: string): boolean {
  if (pattern.endsWith('*')) return module.startsWith(pattern.slice(0, -1));
  return module === pattern || module.startsWith(pattern + sep);
}

/** The modules a file imports, by its family's import syntax. */
function importedModules(text: string, family: Family): string[] {
  const out: string[] = [];
  const collect = (re: RegExp, map: (m: RegExpExecArray) => string | undefined = (m) => m[1]) => {
    for (const m of text.matchAll(re)) {
      const v = map(m);
      if (v) out.push(v);
    }
  };
  switch (family) {
    case 'js':
      collect(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"\n]+)['"]/g, (m) => m[1]!.replace(/^node:/, ''));
      break;
    case 'py':
      collect(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import\b/gm);
      for (const m of text.matchAll(/^[ \t]*import[ \t]+([^\n#;]+)/gm)) {
        for (const part of m[1]!.split(',')) {
          const name = part.trim().split(/\s+/)[0];
          if (name) out.push(name);
        }
      }
      break;
    case 'go':
      for (const block of text.matchAll(/\bimport\s*\(([^)]*)\)/g)) for (const m of block[1]!.matchAll(/"([^"\n]+)"/g)) out.push(m[1]!);
      collect(/\bimport[ \t]+(?:[\w.]+[ \t]+)?"([^"\n]+)"/g);
      break;
    case 'jvm':
      collect(/^[ \t]*import[ \t]+(?:static[ \t]+)?([\w.]+)/gm);
      break;
    case 'rb':
      collect(/\brequire(?:_relative)?[ \t]*\(?[ \t]*['"]([^'"\n]+)['"]/g);
      break;
    case 'cs':
      collect(/^[ \t]*(?:global[ \t]+)?using[ \t]+(?:static[ \t]+)?(?:\w+[ \t]*=[ \t]*)?([\w.]+)[ \t]*;/gm);
      break;
    case 'php':
      collect(/^[ \t]*use[ \t]+\\?([\w\\]+)/gm);
      break;
    case 'rs':
      collect(/^[ \t]*(?:pub(?:\([^)]*\))?[ \t]+)?use[ \t]+(?:::)?([\w:]+)/gm);
      collect(/\bextern[ \t]+crate[ \t]+(\w+)/g);
      break;
  }
  return out;
}
