import { describe, expect, it } from 'vitest';
import { buildIntegrationModel } from '../../src/integration/index.js';
import { inferLayers } from '../../src/integration/layers.js';
import { loadFixture } from './load-fixture.js';

describe('layers inferred from the integration model', () => {
  it('adapters by the model, business modules by the adapters they import, edges by their webhooks and routes', () => {
    const files = loadFixture('ts-shop');
    const layers = inferLayers(buildIntegrationModel(files), files);
    expect(layers).toEqual({
      'src/clients/crm.ts': 'adapter',
      'src/lib/errors.ts': 'unknown',
      'src/lib/payments.ts': 'adapter',
      'src/notify/pager.ts': 'business',
      'src/orders/cancel-order.ts': 'business',
      'src/orders/order-repository.ts': 'adapter',
      'src/webhooks/stripe.ts': 'edge',
    });
  });

  it('Python, Go and Java: the module that imports the gateway is business logic, whatever its folder', () => {
    for (const [fixture, path] of [
      ['py-notify', 'app/services/notify.py'],
      ['go-ledger', 'internal/billing/export.go'],
      ['java-pay', 'src/main/java/com/acme/orders/OrderService.java'],
    ] as const) {
      const files = loadFixture(fixture);
      expect(inferLayers(buildIntegrationModel(files), files)[path], fixture).toBe('business');
    }
  });

  it('declared layers win; tests stay unknown and CLI entry points are entry', () => {
    const files = [
      ...loadFixture('ts-shop'),
      { path: 'src/orders/cancel-order.test.ts', language: 'typescript' as const, source: "import { cancelOrder } from './cancel-order';\n" },
      { path: 'src/cli/refund.ts', language: 'typescript' as const, source: "import { refund } from '../lib/payments';\n" },
    ];
    const layers = inferLayers(buildIntegrationModel(files), files, (p) => (p.startsWith('src/notify/') ? 'adapter' : undefined));
    expect(layers['src/notify/pager.ts']).toBe('adapter');
    expect(layers['src/orders/cancel-order.test.ts']).toBe('unknown');
    expect(layers['src/cli/refund.ts']).toBe('entry');
  });

  it('a module that consumes messages is the edge, even when it imports an adapter and its name says nothing', () => {
    const files = [
      ...loadFixture('ts-shop'),
      {
        path: 'src/orders/settle-orders.ts',
        language: 'typescript' as const,
        source: "import { Kafka } from 'kafkajs';\nimport { refund } from '../lib/payments';\nconst consumer = new Kafka({ brokers: ['k:9092'] }).consumer({ groupId: 'orders' });\nexport async function start() {\n  await consumer.subscribe({ topic: 'orders.cancelled' });\n  await consumer.run({ eachMessage: async ({ message }) => { await refund(String(message.key)); } });\n}\n",
      },
    ];
    const layers = inferLayers(buildIntegrationModel(files), files);
    expect(layers['src/orders/settle-orders.ts']).toBe('edge');
    // Without the consumer the same module is business logic (it imports the payments adapter).
    const plain = files.map((f) => (f.path === 'src/orders/settle-orders.ts' ? { ...f, source: "import { refund } from '../lib/payments';\nexport async function settle(id: string) {\n  await refund(id);\n}\n" } : f));
    expect(inferLayers(buildIntegrationModel(plain), plain)['src/orders/settle-orders.ts']).toBe('business');
  });
});
