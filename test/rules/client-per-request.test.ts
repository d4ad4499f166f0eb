import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'client-per-request';

describe('client-per-request (TypeScript/JavaScript)', () => {
  it('flags a Stripe client built inside an Express route handler', () => {
    const src = `import express from 'express';
import Stripe from 'stripe';

export const router = express.Router();

router.post('/charges', async (req, res) => {
  const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-06-20' });
  const intent = await stripe.paymentIntents.create({ amount: req.body.amount, currency: 'usd' });
  res.json({ id: intent.id });
});
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([7]);
    expect(findings[0]?.title).toBe('new Stripe(...) constructed per request');
    expect(findings[0]?.body).toContain('`POST /charges` route handler');
    expect(findings[0]?.body).toContain('**Fix:**');
    expect(findings[0]?.category).toBe('performance');
  });

  it('flags a pg Pool built in a handler registered by name', () => {
    const src = `const { Pool } = require('pg');

async function listOrders(req, res) {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const { rows } = await pool.query('SELECT * FROM orders WHERE customer_id = $1', [req.user.id]);
  res.json(rows);
}

app.get('/orders', requireAuth, listOrders);
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.body).toContain('database connection pool');
  });

  it('flags an AWS SDK client built inside a loop', () => {
    const src = `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';

export async function uploadAll(files: { key: string; body: Buffer }[]): Promise<void> {
  for (const file of files) {
    const s3 = new S3Client({ region: 'eu-west-1' });
    await s3.send(new PutObjectCommand({ Bucket: 'invoices', Key: file.key, Body: file.body }));
  }
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.title).toBe('new S3Client(...) constructed in a loop');
  });

  it('flags a helper that builds a client when a handler calls it', () => {
    const src = `import axios from 'axios';

function crmClient() {
  return axios.create({ baseURL: 'https://api.crm.example.com', timeout: 5000 });
}

app.post('/leads', async (req, res) => {
  const { data } = await crmClient().post('/leads', req.body);
  res.status(201).json(data);
});
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.body).toContain('inside `crmClient()`, which is called');
  });

  it('flags a CommonJS Stripe client and a PrismaClient built inside Next.js route handlers', () => {
    const js = `module.exports = (app) => {
  app.post('/api/stripe', async (req, res) => {
    const stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);
    const charge = await stripe.charges.create({ amount: 500, currency: 'usd', source: req.body.id });
    res.send(charge.id);
  });
};
`;
    expect(lines(check(RULE, 'javascript', js))).toEqual([3]);
    const ts = `import { PrismaClient } from '@prisma/client';

export const GET = async (request: Request) => {
  const prisma = new PrismaClient();
  const users = await prisma.user.findMany({ take: 20 });
  return Response.json(users);
};
`;
    const findings = check(RULE, 'typescript', ts, { path: 'src/app/api/users/route.ts' });
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.body).toContain('the `GET` route handler');
  });

  it('flags a client built inside a NestJS controller action but not in its constructor', () => {
    const src = `import { Controller, Post, Body } from '@nestjs/common';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

@Controller('orders')
export class OrdersController {
  private readonly audit = new SQSClient({ region: 'eu-west-1' });

  @Post()
  async create(@Body() dto: CreateOrderDto) {
    const sqs = new SQSClient({ region: 'eu-west-1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify(dto) }));
  }
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([10]);
    expect(findings[0]?.body).toContain('`@Post` controller action `create`');
  });

  it('accepts a client built once at module scope and reused by the handler', () => {
    const src = `import Stripe from 'stripe';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-06-20', timeout: 10_000 });

router.post('/charges', async (req, res) => {
  const intent = await stripe.paymentIntents.create({ amount: req.body.amount, currency: 'usd' });
  res.json({ id: intent.id });
});
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('accepts clients built in a constructor or cached lazily', () => {
    const src = `import { PrismaClient } from '@prisma/client';
import Redis from 'ioredis';

let redis: Redis | undefined;
export function getRedis(): Redis {
  redis ??= new Redis(process.env.REDIS_URL!);
  return redis;
}

export class OrderService {
  private readonly prisma: PrismaClient;
  constructor() {
    this.prisma = new PrismaClient();
  }
}

app.get('/health', async (req, res) => {
  await getRedis().ping();
  res.send('ok');
});
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('accepts a client per tenant inside a loop over tenants', () => {
    const src = `import Stripe from 'stripe';

export async function syncAllTenants(tenants: Tenant[]) {
  for (const tenant of tenants) {
    const stripe = new Stripe(tenant.stripeSecretKey, { apiVersion: '2024-06-20' });
    await syncTenant(stripe, tenant);
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a construction on a line the change did not touch', () => {
    const src = `router.post('/charges', async (req, res) => {
  const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
  res.json(await stripe.balance.retrieve());
});
`;
    expect(check(RULE, 'typescript', src, { changed: [3] })).toEqual([]);
    expect(lines(check(RULE, 'typescript', src, { changed: [2] }))).toEqual([2]);
  });
});

describe('client-per-request (vendor SDKs by credentials, singleton services)', () => {
  it('flags a package client built with an API key in a NestJS service method', () => {
    const src = `import { Injectable, UnauthorizedException } from '@nestjs/common';
import { Novu } from '@novu/node';

@Injectable()
export class ParseEventRequest {
  constructor(private readonly users: UserRepository) {}

  async nudge(command) {
    const novu = new Novu(process.env.NOVU_API_KEY);
    await novu.trigger('nudge', { to: command.userId });
    throw new UnauthorizedException('bad token');
  }
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([9]);
    expect(findings[0]?.title).toBe('new Novu(...) constructed on every call of ParseEventRequest.nudge()');
    expect(findings[0]?.confidence).toBe(0.7);
  });

  it('accepts a credentialed client built in the constructor, onModuleInit, a per-tenant key, or a plain class', () => {
    const src = `import { Injectable } from '@nestjs/common';
import { Novu } from '@novu/node';
import { Money } from './money';

@Injectable()
export class Notifier {
  private novu: Novu;
  constructor() { this.novu = new Novu(process.env.NOVU_API_KEY); }
  onModuleInit() { const other = new Novu(process.env.OTHER_KEY); other.ping(); }
  async forTenant(apiKey: string) { const n = new Novu(apiKey); await n.trigger('x', {}); }
  total(secretTotal) { return new Money(secretTotal); }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('flags a Slack WebClient built from a token read from config in a service method', () => {
    const src = `import { Injectable } from '@nestjs/common';
import { WebClient } from '@slack/web-api';

@Injectable()
export class InvitationService {
  private notify(teamName: string, invitee: string) {
    const token = this.config.get<string>('SLACK_BOT_TOKEN');
    if (!token) return;
    const slack = new WebClient(token);
    return slack.chat.postMessage({ channel: '#invites', text: invitee + ' joined ' + teamName });
  }
}
`;
    expect(lines(check(RULE, 'typescript', src))).toEqual([9]);
  });

  it('accepts a client built from a secret looked up for this request (per tenant)', () => {
    const src = `import { Injectable } from '@nestjs/common';
import { Client } from '@novu/framework';

@Injectable()
export class BridgeClient {
  async handleRequest(environmentId: string) {
    const secretKey = await this.secrets.execute(environmentId);
    const client = new Client({ secretKey, strictAuthentication: true });
    return client.handle();
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });
});

describe('client-per-request (Python)', () => {
  it('flags boto3.client inside a Flask route and httpx.AsyncClient inside a FastAPI route', () => {
    const src = `import boto3
import httpx
from flask import Flask

app = Flask(__name__)

@app.route("/reports/<report_id>", methods=["GET"])
def download_report(report_id):
    s3 = boto3.client("s3")
    obj = s3.get_object(Bucket="reports", Key=report_id)
    return obj["Body"].read()

@router.get("/rates")
async def rates():
    async with httpx.AsyncClient(timeout=5.0) as client:
        resp = await client.get("https://api.exchange.example.com/latest")
    return resp.json()
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([9, 15]);
    expect(findings[0]?.body).toContain('`boto3.client(...)`');
    expect(findings[0]?.body).toContain('route handler `download_report`');
    expect(findings[1]?.body).toContain('`GET /rates`');
  });

  it('flags a helper that builds a boto3 client when a route calls it', () => {
    const src = `import boto3
from flask import request

def upload_to_s3(file, bucket_name):
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.upload_fileobj(file, bucket_name, file.filename)
    return f"https://{bucket_name}.s3.amazonaws.com/{file.filename}"

@app.post("/avatars")
def upload_avatar():
    url = upload_to_s3(request.files["avatar"], AVATAR_BUCKET)
    return {"url": url}, 201
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('inside `upload_to_s3()`, which is called from the `POST /avatars` route handler `upload_avatar` (line 11)');
  });

  it('flags a Stripe client built per Celery task run', () => {
    const src = `import stripe
from celery import shared_task

@shared_task(bind=True, max_retries=5)
def capture_payment(self, payment_intent_id):
    client = stripe.StripeClient(settings.STRIPE_API_KEY)
    client.payment_intents.capture(payment_intent_id)
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.body).toContain('task `capture_payment` (it runs once per message)');
  });

  it('flags psycopg2.connect inside a loop', () => {
    const src = `import psycopg2

def archive(batches):
    for batch in batches:
        conn = psycopg2.connect(DSN)
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO archive VALUES (%s, %s)", batch)
        conn.commit()
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('database connection');
  });

  it('accepts a module-level session and a cached client factory', () => {
    const src = `import functools
import boto3
import requests

session = requests.Session()

@functools.lru_cache(maxsize=None)
def s3_client():
    return boto3.client("s3")

@app.route("/invoices/<invoice_id>")
def invoice(invoice_id):
    pdf = s3_client().get_object(Bucket="invoices", Key=invoice_id)
    session.post(WEBHOOK_URL, json={"invoice": invoice_id}, timeout=(3.05, 10))
    return pdf["Body"].read()
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });

  it('accepts a per-region client built from the loop variable', () => {
    const src = `import boto3

def list_instances(regions):
    for region in regions:
        ec2 = boto3.client("ec2", region_name=region)
        yield from ec2.describe_instances()["Reservations"]
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('client-per-request (Go)', () => {
  it('flags sql.Open inside an http handler', () => {
    const src = `package api

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
)

func GetOrder(w http.ResponseWriter, r *http.Request) {
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer db.Close()
	var total int
	_ = db.QueryRowContext(r.Context(), "SELECT total FROM orders WHERE id = $1", r.URL.Query().Get("id")).Scan(&total)
	_ = json.NewEncoder(w).Encode(total)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([11]);
    expect(findings[0]?.body).toContain('HTTP handler `GetOrder`');
  });

  it('flags a new http.Transport per loop iteration and a redis client in a gin handler', () => {
    const src = `package notify

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
)

func Ping(urls []string) {
	for _, u := range urls {
		c := &http.Client{Transport: &http.Transport{MaxIdleConns: 10}, Timeout: 5 * time.Second}
		_, _ = c.Get(u)
	}
}

func Session(c *gin.Context) {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	v, _ := rdb.Get(c, "session").Result()
	c.String(200, v)
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([13, 19]);
  });

  it('accepts a shared client, sync.Once and a plain http.Client sharing the default transport', () => {
    const src = `package api

import (
	"database/sql"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	once sync.Once
	rdb  *redis.Client
)

func cache() *redis.Client {
	once.Do(func() { rdb = redis.NewClient(&redis.Options{Addr: "localhost:6379"}) })
	return rdb
}

type Server struct{ db *sql.DB }

func NewServer(dsn string) (*Server, error) {
	db, err := sql.Open("postgres", dsn)
	return &Server{db: db}, err
}

func (s *Server) Health(w http.ResponseWriter, r *http.Request) {
	client := &http.Client{Timeout: 2 * time.Second}
	_, _ = client.Get("http://localhost:8080/ready")
	_ = s.db.PingContext(r.Context())
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('client-per-request (Java)', () => {
  it('flags RestTemplate and a JDBC connection built inside controller actions', () => {
    const src = `package com.acme.billing.web;

import java.sql.Connection;
import java.sql.DriverManager;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.client.RestTemplate;

@RestController
@RequestMapping("/invoices")
public class InvoiceController {
  @GetMapping("/{id}")
  public Invoice get(@PathVariable String id) throws Exception {
    RestTemplate rest = new RestTemplate();
    Invoice invoice = rest.getForObject("https://billing.internal/invoices/" + id, Invoice.class);
    try (Connection conn = DriverManager.getConnection(jdbcUrl, user, password)) {
      audit(conn, invoice);
    }
    return invoice;
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([13, 15]);
    expect(findings[0]?.body).toContain('`@GetMapping` handler `get()`');
  });

  it('accepts a client built once in the constructor or a @Bean method', () => {
    const src = `package com.acme.billing.web;

import java.net.http.HttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.client.RestTemplate;

@RestController
public class InvoiceController {
  private final HttpClient http;
  private final RestTemplate rest;

  public InvoiceController(RestTemplate rest) {
    this.http = HttpClient.newHttpClient();
    this.rest = rest;
  }

  @GetMapping("/invoices/{id}")
  public Invoice get(@PathVariable String id) {
    return rest.getForObject("https://billing.internal/invoices/" + id, Invoice.class);
  }
}

class HttpConfig {
  @Bean
  RestTemplate restTemplate() {
    return new RestTemplate();
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });

  it('flags a vendor SDK client class imported from another organisation, built per item', () => {
    const src = `package org.linlinjava.litemall.core.notify;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.profile.DefaultProfile;
import org.linlinjava.litemall.core.notify.NotifyClient;

public class AliyunSmsSender {
  public void sendAll(List<String> phones, String message) {
    for (String phone : phones) {
      DefaultAcsClient client = new DefaultAcsClient(DefaultProfile.getProfile(region, key, secret));
      NotifyClient local = new NotifyClient();
      client.getCommonResponse(request(phone, message));
    }
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([10]);
  });
});
