import { describe, expect, it } from 'vitest';
import type { RuleLanguage } from '../../../src/diff/types.js';
import { CALL_KIND, callLabel, calleeSegments, externalCallCertainty, externalCalls, isExternalCall } from '../../../src/rules/ast/external-call.js';
import { parseSource } from '../../../src/rules/parse-source.js';

/** Labels of the calls in `source` that isExternalCall accepts, in source order. */
function externalLabels(language: RuleLanguage, source: string): string[] {
  const root = parseSource(language, source).root();
  return root
    .findAll({ rule: { kind: CALL_KIND[language] } })
    .filter((c) => isExternalCall(c, language))
    .map((c) => callLabel(c));
}

describe('isExternalCall', () => {
  it('recognises HTTP, payment SDK, database and queue calls in TypeScript, and not local ones', () => {
    const src = `await fetch(url);
await this.stripe.paymentIntents.create({ amount });
await prisma.order.update({ where: { id } });
await queue.add('fulfil', job);
res.json(body);
logger.error(err);
const event = stripe.webhooks.constructEvent(raw, sig, secret);
await client.close();
JSON.parse(raw);
`;
    expect(externalLabels('typescript', src)).toEqual(['fetch(…)', 'this.stripe.paymentIntents.create(…)', 'prisma.order.update(…)', 'queue.add(…)']);
  });

  it('recognises requests, sessions, boto3 clients and cursors in Python, not constructors', () => {
    const src = `requests.post(url, json=body, timeout=5)
self.session.get(url)
s3_client.put_object(Bucket=bucket, Key=key)
cursor.execute(query)
session = requests.Session()
json.loads(raw)
`;
    expect(externalLabels('python', src)).toEqual(['requests.post(…)', 'self.session.get(…)', 's3_client.put_object(…)', 'cursor.execute(…)']);
  });

  it('recognises the default HTTP client, clients and stripe-go in Go, not request builders', () => {
    const src = `package m

import (
	"net/http"
	"github.com/stripe/stripe-go/v76/paymentintent"
)

func f() {
	http.Get(url)
	s.client.Do(req)
	paymentintent.New(params)
	http.NewRequest("GET", url, nil)
	resp.Body.Close()
	strconv.Atoi(s)
}
`;
    expect(externalLabels('go', src)).toEqual(['http.Get(…)', 's.client.Do(…)', 'paymentintent.New(…)']);
  });

  it('recognises RestTemplate, repositories and stripe-java in Java, not collections', () => {
    const src = `class A {
  void f() {
    restTemplate.postForObject(url, body, Receipt.class);
    orderRepository.save(order);
    PaymentIntent.create(params);
    items.add(order);
    HttpClient.newHttpClient();
  }
}
`;
    expect(externalLabels('java', src)).toEqual(['restTemplate.postForObject(…)', 'orderRepository.save(…)', 'PaymentIntent.create(…)']);
  });
});

describe('calleeSegments', () => {
  it('looks through chained calls to the receiver', () => {
    const root = parseSource('typescript', "db.collection('users').insertOne(doc);").root();
    const outer = root.find({ rule: { kind: 'call_expression', has: { field: 'function', regex: 'insertOne$' } } });
    expect(outer && calleeSegments(outer, 'typescript')).toEqual(['db', 'collection', 'insertOne']);
  });
});

describe('externalCallCertainty', () => {
  it('is known for libraries and query shapes, probable for a client-like receiver name alone', () => {
    const src = `await db.query(sql);
await paymentsClient.refund(id);
const api = axios.create({ baseURL });
axios.interceptors.request.use(fn);
`;
    const root = parseSource('typescript', src).root();
    const calls = root.findAll({ rule: { kind: 'call_expression' } });
    expect(calls.map((c) => [c.text().split('(')[0], externalCallCertainty(c, 'typescript')])).toEqual([
      ['db.query', 'known'],
      ['paymentsClient.refund', 'probable'],
      ['axios.create', undefined],
      ['axios.interceptors.request.use', undefined],
    ]);
  });
});

describe('externalCalls', () => {
  it('follows one same-file helper and names it in the label', () => {
    const src = `async function loadCustomer(id) { return stripe.customers.retrieve(id); }
async function run(ids) { for (const id of ids) await loadCustomer(id); }
`;
    const root = parseSource('typescript', src);
    const recognise = externalCalls(root, 'typescript');
    const call = root.root().find({ rule: { kind: 'call_expression', has: { field: 'function', regex: '^loadCustomer$' } } });
    expect(call && recognise(call)).toMatchObject({ label: '`loadCustomer(…)` (which calls `stripe.customers.retrieve(…)`)', certainty: 'known' });
  });
});
