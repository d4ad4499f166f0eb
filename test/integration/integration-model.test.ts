import { describe, expect, it } from 'vitest';
import { buildIntegrationModel, extractIntegrationPoints, moduleOf, type IntegrationModel, type IntegrationPoint } from '../../src/integration/index.js';
import { loadFixture } from './load-fixture.js';

const at = (model: IntegrationModel, path: string, line: number): IntegrationPoint => {
  const p = model.points.find((x) => x.path === path && x.line === line);
  if (!p) throw new Error(`no point at ${path}:${line}; have ${model.points.map((x) => `${x.path}:${x.line}`).join(', ')}`);
  return p;
};

describe('integration model: TypeScript repository', () => {
  const model = buildIntegrationModel(loadFixture('ts-shop'));

  it('finds every outbound call with its service and kind, and the inbound webhook', () => {
    expect(model.points.map((p) => [p.path, p.line, p.kind, p.service])).toEqual([
      ['src/clients/crm.ts', 4, 'http', 'crm.example.com'],
      ['src/lib/payments.ts', 8, 'sdk', 'Stripe'],
      ['src/lib/payments.ts', 16, 'sdk', 'Stripe'],
      ['src/notify/pager.ts', 8, 'http', 'events.pagerduty.com'],
      ['src/orders/order-repository.ts', 6, 'database', 'PostgreSQL'],
      ['src/orders/order-repository.ts', 11, 'database', 'PostgreSQL'],
      ['src/webhooks/stripe.ts', 6, 'webhook', 'stripe webhooks'],
    ]);
    expect(at(model, 'src/webhooks/stripe.ts', 6)).toMatchObject({ direction: 'inbound', label: '`/webhooks/stripe`' });
    expect(at(model, 'src/lib/payments.ts', 8)).toMatchObject({ function: 'refund', module: 'src/lib/payments', label: '`stripe.refunds.create(…)`', certainty: 'known' });
  });

  it('states the resilience facts it can see, and leaves unknown ones unknown', () => {
    // Timeout on the client's construction, idempotency key on the call, error wrapped in a domain error.
    expect(at(model, 'src/lib/payments.ts', 8).facts).toEqual({ timeout: true, timeoutMs: 10_000, idempotencyKey: true, errorTranslation: true, breaker: false, rateLimited: false });
    expect(at(model, 'src/clients/crm.ts', 4).facts).toMatchObject({ timeout: true, timeoutMs: 5000 });
    // axios without timeout (the timeout rule's verdict), retried with a growing delay.
    expect(at(model, 'src/notify/pager.ts', 8).facts).toMatchObject({ timeout: false, retry: 'backoff', errorTranslation: false });
    // A pg pool: no timeout the model can check, so none is claimed either way.
    expect(at(model, 'src/orders/order-repository.ts', 6).facts.timeout).toBeUndefined();
  });

  it('resolves relative imports between modules and finds the adapters other modules import', () => {
    expect([...(model.imports.get('src/orders/cancel-order') ?? [])].sort()).toEqual(['src/lib/payments', 'src/orders/order-repository']);
    expect(model.adapters.map((a) => [a.service, a.module, a.importedBy])).toEqual([
      ['crm.example.com', 'src/clients/crm', ['src/notify/pager']],
      ['PostgreSQL', 'src/orders/order-repository', ['src/orders/cancel-order']],
      ['Stripe', 'src/lib/payments', ['src/orders/cancel-order']],
    ]);
    expect(model.adapters.find((a) => a.service === 'Stripe')?.sets).toEqual({ timeout: true, retry: false, idempotencyKey: true, errorTranslation: true });
    // pager.ts calls PagerDuty itself but nobody imports it for that: not an adapter.
    expect(model.adapters.some((a) => a.module === 'src/notify/pager')).toBe(false);
  });
});

describe('integration model: Python, Go and Java repositories', () => {
  it('Python: session client with tenacity backoff and a (connect, read) timeout; a bare requests call without one; a Flask webhook', () => {
    const model = buildIntegrationModel(loadFixture('py-notify'));
    expect(at(model, 'app/clients/sms_gateway.py', 20)).toMatchObject({
      service: 'api.smsprovider.example',
      kind: 'http',
      function: 'send',
      facts: { timeout: true, timeoutMs: 10_000, retry: 'backoff', errorTranslation: true },
    });
    expect(at(model, 'app/services/notify.py', 10)).toMatchObject({ service: 'audit.example.com', facts: { timeout: false } });
    expect(at(model, 'app/api/hooks.py', 9)).toMatchObject({ kind: 'webhook', service: 'twilio webhooks', label: '`/webhooks/twilio`' });
    expect(model.adapters.map((a) => [a.service, a.module, a.importedBy])).toEqual([['api.smsprovider.example', 'app/clients/sms_gateway', ['app/services/notify']]]);
  });

  it('Go: the package is the module; a client with a Timeout field and %w wrapping; http.Get without a timeout', () => {
    const model = buildIntegrationModel(loadFixture('go-ledger'));
    expect(at(model, 'internal/ledger/client.go', 25)).toMatchObject({ module: 'internal/ledger', service: 'ledger.example.com', facts: { timeout: true, timeoutMs: 5000, errorTranslation: true } });
    expect(at(model, 'internal/billing/export.go', 16)).toMatchObject({ service: 'status.example.com', facts: { timeout: false } });
    expect([...(model.imports.get('internal/billing') ?? [])]).toEqual(['internal/ledger']);
    expect(model.adapters.map((a) => a.module)).toEqual(['internal/ledger']);
  });

  it('Java: stripe-java statics with an idempotency key built before the call; a repository call counted once', () => {
    const model = buildIntegrationModel(loadFixture('java-pay'));
    expect(at(model, 'src/main/java/com/acme/pay/StripeGateway.java', 13)).toMatchObject({ service: 'Stripe', kind: 'sdk', facts: { idempotencyKey: true, errorTranslation: true } });
    expect(model.points.filter((p) => p.path.endsWith('OrderService.java'))).toHaveLength(1);
    expect(model.adapters.map((a) => [a.service, a.importedBy])).toEqual([['Stripe', ['src/main/java/com/acme/orders/OrderService']]]);
  });
});

describe('integration points of one file', () => {
  it('gives nothing for tests and scripts, and reports a file that does not parse without failing', () => {
    expect(extractIntegrationPoints({ path: 'src/billing/refund.test.ts', language: 'typescript', source: "import axios from 'axios';\nit('x', async () => { await axios.get('https://x.example'); });\n" }).points).toEqual([]);
    expect(extractIntegrationPoints({ path: 'scripts/backfill.py', language: 'python', source: 'import requests\nrequests.get("https://x.example")\n' }).points).toEqual([]);
  });

  it('names a client by its receiver when the host is not written in the file', () => {
    const source = 'export async function refund(paymentsClient: Client, id: string) {\n  return paymentsClient.refund(id);\n}\n';
    const [p] = extractIntegrationPoints({ path: 'src/orders/refund.ts', language: 'typescript', source }).points;
    expect(p).toMatchObject({ service: 'payments API', certainty: 'probable', line: 2 });
  });

  it('maps files to modules the way each language groups code', () => {
    expect(moduleOf('src/lib/index.ts', 'typescript')).toBe('src/lib');
    expect(moduleOf('app/clients/__init__.py', 'python')).toBe('app/clients');
    expect(moduleOf('internal/ledger/client.go', 'go')).toBe('internal/ledger');
    expect(moduleOf('src/main/java/com/acme/pay/StripeGateway.java', 'java')).toBe('src/main/java/com/acme/pay/StripeGateway');
  });
});
