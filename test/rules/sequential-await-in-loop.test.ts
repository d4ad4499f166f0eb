import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'sequential-await-in-loop';

describe('sequential-await-in-loop (TypeScript/JavaScript)', () => {
  it('flags a Prisma query awaited once per id in a for…of loop', () => {
    const src = `import { prisma } from '../db.js';

export async function loadCustomers(ids: string[]) {
  const customers = [];
  for (const id of ids) {
    const customer = await prisma.customer.findUnique({ where: { id } });
    if (customer) customers.push(customer);
  }
  return customers;
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.title).toBe('prisma.customer.findUnique(…) once per item in a loop (N+1)');
    expect(findings[0]?.body).toContain('the loop over `ids`');
    expect(findings[0]?.body).toContain('findMany({ where: { id: { in: ids } } })');
  });

  it('flags a fetch awaited per item and a same-file helper that calls Stripe', () => {
    const src = `import Stripe from 'stripe';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);

async function loadCustomer(id: string) {
  return stripe.customers.retrieve(id);
}

export async function notify(webhooks: Webhook[], invoices: Invoice[]) {
  for (const hook of webhooks) {
    await fetch(hook.url, { method: 'POST', body: JSON.stringify(hook.payload), signal: AbortSignal.timeout(5000) });
  }
  for (const invoice of invoices) {
    const customer = await loadCustomer(invoice.customerId);
    invoice.email = customer.email;
  }
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([11, 14]);
    expect(findings[1]?.body).toContain('`loadCustomer(…)` (which calls `stripe.customers.retrieve(…)`)');
  });

  it('flags forEach with an async callback', () => {
    const src = `export async function syncOrders(orders) {
  orders.forEach(async (order) => {
    await db.query('UPDATE orders SET synced = true WHERE id = $1', [order.id]);
  });
  return { ok: true };
}
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([2]);
    expect(findings[0]?.title).toBe('`forEach` with an async callback does not wait');
    expect(findings[0]?.body).toContain('unhandled rejection');
  });

  it('accepts a batched query, bounded concurrency, chunked loops and a first-success search', () => {
    const src = `import pLimit from 'p-limit';

export async function loadCustomers(ids: string[]) {
  return prisma.customer.findMany({ where: { id: { in: ids } } });
}

export async function refreshAll(accounts: Account[]) {
  const limit = pLimit(5);
  await Promise.all(accounts.map((a) => limit(() => fetch(a.refreshUrl, { signal: AbortSignal.timeout(5000) }))));
}

export async function upsertInChunks(rows: Row[]) {
  for (const chunk of chunked(rows, 500)) {
    await prisma.event.createMany({ data: chunk });
  }
}

export async function firstHealthy(mirrors: string[]) {
  for (const url of mirrors) {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (res.ok) return res;
  }
  throw new Error('no mirror available');
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('accepts deliberate pacing and pagination loops', () => {
    const src = `export async function sendReminders(users: User[]) {
  for (const user of users) {
    await sgMail.send({ to: user.email, from: 'billing@acme.test', templateId: 'reminder' });
    await sleep(200);
  }
}

export async function allCharges() {
  let startingAfter: string | undefined;
  while (true) {
    const page = await stripe.charges.list({ limit: 100, starting_after: startingAfter });
    if (!page.has_more) break;
    startingAfter = page.data.at(-1)?.id;
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a loop call on a line the change did not touch', () => {
    const src = `export async function names(ids: string[]) {
  for (const id of ids) {
    console.log(await userRepository.findOneBy({ id }));
  }
}
`;
    expect(check(RULE, 'typescript', src, { changed: [1, 2] })).toEqual([]);
    expect(lines(check(RULE, 'typescript', src, { changed: [3] }))).toEqual([3]);
  });
});

describe('sequential-await-in-loop (Python)', () => {
  it('flags a Django ORM query per user and a requests call per URL', () => {
    const src = `import requests
from orders.models import Order

def order_counts(users):
    counts = {}
    for user in users:
        counts[user.id] = Order.objects.filter(user=user).count()
    return counts

def fetch_all(urls):
    return [requests.get(u, timeout=(3.05, 10)).json() for u in urls]
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([7, 11]);
    expect(findings[0]?.body).toContain('`Order.objects.filter(…)`');
    expect(findings[0]?.body).toContain('the `for` loop over `users`');
  });

  it('flags an awaited client call per item in an async function', () => {
    const src = `async def enrich(session, customers):
    for customer in customers:
        resp = await session.get(f"https://crm.example.com/api/contacts/{customer.id}")
        customer.contact = await resp.json()
`;
    expect(lines(check(RULE, 'python', src))).toEqual([3]);
  });

  it('accepts a Kafka consumer loop handling one message at a time', () => {
    const src = `def run(consumer, session):
    for message in consumer:
        session.execute(insert(Event).values(payload=message.value))
        session.commit()
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });

  it('accepts asyncio.gather with a semaphore, an IN query and a retry loop', () => {
    const src = `import asyncio
import time

async def enrich(session, customers):
    sem = asyncio.Semaphore(10)
    async def one(c):
        async with sem:
            return await session.get(f"https://crm.example.com/api/contacts/{c.id}")
    return await asyncio.gather(*[one(c) for c in customers])

def order_counts(users):
    return Order.objects.filter(user__in=users).values("user").annotate(n=Count("id"))

def with_retry(url):
    for attempt in range(3):
        resp = requests.get(url, timeout=5)
        if resp.ok:
            return resp
        time.sleep(2 ** attempt)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('sequential-await-in-loop (Go)', () => {
  it('flags QueryRow per id and an HTTP call per item', () => {
    const src = `package orders

import (
	"context"
	"database/sql"
	"net/http"
)

func Totals(ctx context.Context, db *sql.DB, ids []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	for _, id := range ids {
		var total int64
		if err := db.QueryRowContext(ctx, "SELECT total FROM orders WHERE id = $1", id).Scan(&total); err != nil {
			continue
		}
		out[id] = total
	}
	return out, nil
}

func Ping(client *http.Client, reqs []*http.Request) {
	for _, req := range reqs {
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([13, 23]);
    expect(findings[0]?.body).toContain('`db.QueryRowContext(…)`');
  });

  it('accepts a worker draining a channel of jobs, one query per message', () => {
    const src = `package worker

import (
	"context"
	"database/sql"
)

func Run(ctx context.Context, db *sql.DB, in <-chan Event) {
	for ev := range in {
		_, _ = db.ExecContext(ctx, "INSERT INTO events (id, body) VALUES ($1, $2)", ev.ID, ev.Body)
	}
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });

  it('accepts errgroup fan-out with a limit and an ANY($1) query', () => {
    const src = `package orders

import (
	"context"
	"database/sql"

	"github.com/lib/pq"
	"golang.org/x/sync/errgroup"
)

func Totals(ctx context.Context, db *sql.DB, ids []int64) (*sql.Rows, error) {
	return db.QueryContext(ctx, "SELECT id, total FROM orders WHERE id = ANY($1)", pq.Array(ids))
}

func Warm(ctx context.Context, client *http.Client, reqs []*http.Request) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, req := range reqs {
		g.Go(func() error {
			resp, err := client.Do(req.WithContext(ctx))
			if err != nil {
				return err
			}
			return resp.Body.Close()
		})
	}
	return g.Wait()
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('sequential-await-in-loop (fan-out and factories)', () => {
  it('does not call a send per recipient N+1 (the vendor API has no batch form), nor sends through a helper that throttles itself', () => {
    const src = `import requests

class Notifier:
    def send(self, recipients, attachments, body):
        for recipient in recipients:
            requests.post(self.url, json={"to": recipient, "body": body}, timeout=10)
        for attachment in attachments:
            self._send(self.url, attachment)

    def _send(self, url, payload):
        self.throttle()
        return requests.post(url, json=payload, timeout=10)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });

  it('flags a send per data item and a status lookup per recipient', () => {
    const src = `import requests

def notify(webhook, attachments):
    for attachment in attachments:
        requests.post(webhook, json={"attachments": [attachment]}, timeout=10)

class Backend:
    def statuses(self, recipients):
        return {r: self.get_message_status(r) for r in recipients}

    def get_message_status(self, message_id):
        return requests.post(self.api_url, json={"id": message_id}, timeout=10).json()
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([5, 9]);
    expect(findings[1]?.body).toContain('`self.get_message_status(…)` (which calls `requests.post(…)`)');
  });

  it('follows a generic helper called as `await helper<T>(…)`', () => {
    const src = `export async function apiFetch<T>({ query }: { query: string }): Promise<T> {
  const res = await fetch(endpoint, { method: 'POST', body: query, signal: AbortSignal.timeout(5000) });
  return (await res.json()) as T;
}

export async function availability(variants: Variant[]) {
  const out = [];
  for (const variant of variants) {
    out.push(await apiFetch<Quantity>({ query: quantityQuery(variant.id) }));
  }
  return out;
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([9]);
    expect(findings[0]?.body).toContain('`apiFetch<Quantity>(…)` (which calls `fetch(…)`)');
  });

  it('flags Go calls per item in loops that only stop on an error, not a search that returns its hit', () => {
    const src = `package store

func (d *DB) DeleteByIDs(userID uint, ids []uint) error {
	return d.DB.Transaction(func(tx *gorm.DB) error {
		for _, id := range ids {
			msg := new(Message)
			if err := tx.Where("user_id = ? AND id = ?", userID, id).First(msg).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

func (p *Provider) roles(client *http.Client, orgs []Org) ([]string, error) {
	out := []string{}
	for _, org := range orgs {
		resp, err := client.Get(p.url + "/memberships/orgs/" + org.Login)
		if err != nil {
			return nil, err
		}
		out = append(out, resp.Status)
	}
	return out, nil
}

func (p *Provider) firstActive(client *http.Client, orgs []Org) (*http.Response, error) {
	for _, org := range orgs {
		resp, err := client.Get(p.url + "/orgs/" + org.Login)
		if err == nil && resp.StatusCode == 200 {
			return resp, nil
		}
	}
	return nil, nil
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([7, 18]);
  });

  it('does not flag a Go send per chat or per address through a sending helper', () => {
    const src = `package notify

func (s *Service) sendAll(message string, config *Config) error {
	for _, chat := range s.config.Chats {
		if err := sendMessageToAPI(message, chat, config); err != nil {
			return err
		}
	}
	for _, toAddress := range config.ToAddresses {
		if err := s.sendToRecipient(s.client, toAddress, message); err != nil {
			return err
		}
	}
	return nil
}

func sendMessageToAPI(message, chat string, config *Config) error {
	_, err := http.Post(config.URL+"/sendMessage?chat_id="+chat, "application/json", nil)
	return err
}

func (s *Service) sendToRecipient(client *smtp.Client, to, message string) error {
	if err := client.Rcpt(to); err != nil {
		return err
	}
	return s.db.QueryRow("select 1").Err()
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });

  it('does not take a command factory passed to an awaited call for a query', () => {
    const src = `export class ProcessBulk {
  async execute(command) {
    for (const event of command.events) {
      await this.parseEvent.execute(ParseEventCommand.create({ name: event.name }));
    }
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });
});

describe('sequential-await-in-loop (Java)', () => {
  it('flags a repository lookup per id in a for-each loop and a RestTemplate read in forEach', () => {
    const src = `package com.acme.orders.service;

import java.util.ArrayList;
import java.util.List;

public class OrderService {
  public List<Customer> customers(List<Long> ids) {
    List<Customer> out = new ArrayList<>();
    for (Long id : ids) {
      customerRepository.findById(id).ifPresent(out::add);
    }
    orders.forEach(o -> restTemplate.getForObject(pricingUrl + o.getSku(), Price.class));
    return out;
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([10, 12]);
    expect(findings[0]?.body).toContain('`customerRepository.findById(…)`');
    expect(findings[1]?.body).toContain('`.forEach()` callback');
  });

  it('flags a repository method reference mapped over ids', () => {
    const src = `class OrderService {
  List<Order> load(List<Long> ids) {
    return ids.stream().map(orderRepository::findById).flatMap(Optional::stream).toList();
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([3]);
  });

  it('accepts findAllById and a JDBC batch update', () => {
    const src = `class OrderService {
  List<Customer> customers(List<Long> ids) {
    return customerRepository.findAllById(ids);
  }

  void markSynced(List<Long> ids) {
    jdbcTemplate.batchUpdate("UPDATE orders SET synced = true WHERE id = ?", ids, 500, (ps, id) -> ps.setLong(1, id));
    for (Long id : ids) {
      log.info("synced {}", id);
    }
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
