import { describe, expect, it } from 'vitest';
import { findSignals } from '../../src/diff/signals.js';

describe('findSignals', () => {
  it('finds SDKs, HTTP clients, messaging and databases in TypeScript imports, in category order', () => {
    const ts = [
      "import axios from 'axios';",
      "import Stripe from 'stripe';",
      "import { S3Client } from '@aws-sdk/client-s3';",
      "const { Kafka } = require('kafkajs');",
      "import { Pool } from 'pg';",
      "const mod = await import('@slack/web-api');",
    ].join('\n');
    expect(findSignals('src/pay.ts', ts, 'TypeScript')).toEqual(['sdk:stripe', 'sdk:aws', 'sdk:slack', 'http-client:axios', 'messaging:kafka', 'db:pg']);
  });

  it('finds a global fetch( call but not a method named fetch', () => {
    expect(findSignals('src/a.js', 'const r = await fetch(url);', 'JavaScript')).toEqual(['http-client:fetch']);
    expect(findSignals('src/a.js', 'repo.fetch(id); this.fetch(x)', 'JavaScript')).toEqual([]);
  });

  it('reads node: built-ins and subpath imports', () => {
    expect(findSignals('a.ts', "import https from 'node:https';\nimport got from 'got/dist/source';", 'TypeScript')).toEqual(['http-client:got', 'http-client:node-http']);
  });

  it('does not match a package whose name only starts like a known one', () => {
    expect(findSignals('a.ts', "import x from 'pgp-utils';\nimport y from 'stripe-mock-lib';", 'TypeScript')).toEqual([]);
  });

  it('finds Python imports, including from-imports and comma lists', () => {
    const py = 'import requests, boto3\nfrom sqlalchemy.orm import Session\nfrom confluent_kafka import Consumer\nfrom django.db import models\nimport psycopg2 as pg\n';
    expect(findSignals('app/svc.py', py, 'Python')).toEqual(['sdk:aws', 'http-client:requests', 'messaging:kafka', 'db:sqlalchemy', 'db:psycopg', 'db:django']);
  });

  it('finds an SQS client created through boto3', () => {
    expect(findSignals('a.py', "import boto3\nsqs = boto3.client('sqs')", 'Python')).toEqual(['sdk:aws', 'messaging:sqs']);
  });

  it('finds Go imports in blocks and single lines, with versioned module paths', () => {
    const go = 'package x\n\nimport (\n\t"context"\n\t"net/http"\n\tstripe "github.com/stripe/stripe-go/v76"\n\t"gorm.io/gorm"\n)\n\nimport "github.com/IBM/sarama"\n';
    expect(findSignals('svc/x.go', go, 'Go')).toEqual(['sdk:stripe', 'http-client:net/http', 'messaging:kafka', 'db:gorm']);
  });

  it('finds Java imports: OkHttp, RestTemplate, WebClient, JDBC, JPA, Hibernate', () => {
    const java = [
      'import okhttp3.OkHttpClient;',
      'import org.springframework.web.client.RestTemplate;',
      'import org.springframework.web.reactive.function.client.WebClient;',
      'import java.sql.Connection;',
      'import jakarta.persistence.Entity;',
      'import org.hibernate.Session;',
      'import static java.net.http.HttpClient.newHttpClient;',
    ].join('\n');
    expect(findSignals('src/main/java/A.java', java, 'Java')).toEqual([
      'http-client:okhttp', 'http-client:resttemplate', 'http-client:webclient', 'http-client:httpclient', 'db:jdbc', 'db:jpa', 'db:hibernate',
    ]);
  });

  it('reads Kotlin like Java and finds listener annotations as queue consumers', () => {
    expect(findSignals('A.kt', 'import org.apache.kafka.clients.consumer.KafkaConsumer\n@KafkaListener(topics = ["x"])\nfun on() {}', 'Kotlin')).toEqual(['messaging:kafka', 'queue-consumer']);
  });

  it('finds Ruby, C#, PHP and Rust imports', () => {
    expect(findSignals('a.rb', "require 'stripe'\nrequire 'faraday'\nrequire 'aws-sdk-s3'", 'Ruby')).toEqual(['sdk:stripe', 'sdk:aws', 'http-client:faraday']);
    expect(findSignals('A.cs', 'using System.Net.Http;\nusing Stripe;\nusing Confluent.Kafka;', 'C#')).toEqual(['sdk:stripe', 'http-client:httpclient', 'messaging:kafka']);
    expect(findSignals('a.php', "<?php\nuse GuzzleHttp\\Client;\nuse Stripe\\StripeClient;\n$pdo = new PDO($dsn);", 'PHP')).toEqual(['sdk:stripe', 'http-client:guzzle', 'db:pdo']);
    expect(findSignals('a.rs', 'use reqwest::Client;\nuse aws_sdk_s3::Client as S3;\nuse sqlx::PgPool;', 'Rust')).toEqual(['sdk:aws', 'http-client:reqwest', 'db:sqlx']);
  });

  it('finds webhooks by path, route string and signature header', () => {
    expect(findSignals('src/webhooks/stripe.ts', 'export const x = 1;', 'TypeScript')).toEqual(['webhook']);
    expect(findSignals('src/routes.ts', "router.post('/hooks/github-webhook', handler)", 'TypeScript')).toEqual(['webhook']);
    expect(findSignals('src/in.go', 'sig := r.Header.Get("X-Hub-Signature-256")', 'Go')).toEqual(['webhook']);
    expect(findSignals('app.py', "sig = request.headers['Stripe-Signature']", 'Python')).toEqual(['webhook']);
  });

  it('finds queue consumers', () => {
    expect(findSignals('a.ts', "import { Worker } from 'bullmq';\nnew Worker('emails', async (job) => {});", 'TypeScript')).toEqual(['messaging:bullmq', 'queue-consumer']);
    expect(findSignals('a.ts', 'await consumer.run({ eachMessage: async ({ message }) => {} });', 'TypeScript')).toEqual(['queue-consumer']);
    expect(findSignals('a.js', "channel.consume('orders', onMsg); ws.on('message', f)", 'JavaScript')).toEqual(['queue-consumer']);
    expect(findSignals('a.py', "channel.basic_consume(queue='q', on_message_callback=cb)", 'Python')).toEqual(['queue-consumer']);
  });

  it('finds nothing in plain backend code', () => {
    expect(findSignals('src/math.ts', "import { sum } from './sum.js';\nexport const avg = (xs: number[]) => sum(xs) / xs.length;", 'TypeScript')).toEqual([]);
  });

  it('applies only language-neutral signals to a language without a family', () => {
    expect(findSignals('a.ex', "HTTPoison.post(\"/webhooks/x\")\nimport axios from 'axios'", 'Elixir')).toEqual(['webhook']);
  });
});
