import { describe, expect, it } from 'vitest';
import { changeMap } from '../../src/integration/change-map.js';
import { extractIntegrationPoints } from '../../src/integration/extract-points.js';
import { integrationMapText, renderIntegrationMap } from '../../src/integration/render-map.js';
import type { IntegrationPoint } from '../../src/integration/types.js';

const points = (path: string, source: string): IntegrationPoint[] => extractIntegrationPoints({ path, language: 'typescript', source }).points;

const BASE = `import { refund } from '../lib/payments';
export async function cancel(id: string) {
  await refund(id);
}
`;
const HEAD = `import axios from 'axios';
import { refund } from '../lib/payments';
export async function cancel(id: string) {
  await refund(id);
  await axios.post('https://events.pagerduty.com/v2/enqueue', { summary: \`cancelled \${id}\` });
}
`;

describe('change map', () => {
  it('reports a new dependency with its facts in one line, and draws the new edge thick', () => {
    const map = changeMap(points('src/orders/cancel.ts', HEAD), points('src/orders/cancel.ts', BASE));
    expect(map.edges.map((e) => [e.module, e.service, e.status])).toEqual([['src/orders/cancel', 'events.pagerduty.com', 'added']]);
    expect(map.headlines).toEqual(['adds a dependency on `events.pagerduty.com` from `src/orders/cancel` (no timeout, no retry)']);
    const md = renderIntegrationMap(map);
    expect(md).toContain('This PR adds a dependency on `events.pagerduty.com`');
    expect(md).toContain('```mermaid\nflowchart LR\n  m0["src/orders/cancel"] -- "timeout ✗ · no retry" --> s1(["events.pagerduty.com"])');
    expect(md).toContain('linkStyle 0 stroke:#d1242f');
    expect(md).toContain('| `src/orders/cancel` | `events.pagerduty.com` | **added** | ✗ | ✗ | ✗ | ✗ |');
    expect(integrationMapText(map)).toEqual([
      'Integration map:',
      '  This PR adds a dependency on events.pagerduty.com from src/orders/cancel (no timeout, no retry).',
      '  src/orders/cancel -> events.pagerduty.com [added] no timeout, no retry',
    ]);
  });

  it('calls an edge changed when its facts change, and unchanged when code only moved', () => {
    const before = points('src/n.ts', "import axios from 'axios';\nexport async function n() {\n  await axios.post('https://hooks.example.com/x', {});\n}\n");
    const withTimeout = points('src/n.ts', "import axios from 'axios';\nexport async function n() {\n  await axios.post('https://hooks.example.com/x', {}, { timeout: 3000 });\n}\n");
    const moved = points('src/n.ts', "import axios from 'axios';\n\n// moved down\nexport async function n() {\n  await axios.post('https://hooks.example.com/x', {});\n}\n");
    const changed = changeMap(withTimeout, before);
    expect(changed.edges.map((e) => [e.status, e.timeout, e.timeoutMs])).toEqual([['changed', 'yes', 3000]]);
    expect(changed.headlines).toEqual([]);
    expect(changeMap(moved, before).edges.map((e) => e.status)).toEqual(['unchanged']);
    expect(renderIntegrationMap(changeMap(moved, before))).not.toContain('linkStyle');
    expect(changeMap([], before).edges.map((e) => e.status)).toEqual(['removed']);
  });

  it('renders nothing for a change without integration code, and caps the services drawn', () => {
    expect(renderIntegrationMap(changeMap([], []))).toBe('');
    const many = Array.from({ length: 5 }, (_, i) => points(`src/s${i}.ts`, `export async function f() {\n  await fetch('https://svc${i}.example.com/x');\n}\n`)).flat();
    const capped = changeMap(many, [], { maxServices: 3 });
    expect(capped.edges).toHaveLength(3);
    expect(capped.omittedServices).toBe(2);
    expect(renderIntegrationMap(capped)).toContain('2 more services not drawn.');
  });

  it('keeps diagram syntax out of labels that come from the pull request', () => {
    const hostile: IntegrationPoint = {
      service: 'evil"]) --> x[("pwn',
      kind: 'http',
      direction: 'outbound',
      path: 'src/a.ts',
      language: 'typescript',
      line: 1,
      module: 'src/a\n```\n# hi',
      label: '`x(…)`',
      certainty: 'known',
      facts: { breaker: false, idempotencyKey: false, rateLimited: false, errorTranslation: false },
    };
    const md = renderIntegrationMap(changeMap([hostile], []));
    const diagram = md.slice(md.indexOf('```mermaid'), md.indexOf('```', md.indexOf('```mermaid') + 3));
    expect(diagram).not.toMatch(/evil"|\n# hi|\[\("pwn/);
    expect(diagram.split('\n').filter((l) => l.includes('-->'))).toHaveLength(1);
    // In the table the names are code spans, one line each.
    expect(md).toContain('| ````src/a ``` # hi```` |');
  });

  it('draws a new consumer as consumption (broker --> module), with its own table and headline', () => {
    const consumer = `import { Kafka } from 'kafkajs';
const consumer = new Kafka({ brokers: ['k:9092'] }).consumer({ groupId: 'billing' });
export async function start() {
  await consumer.subscribe({ topic: 'orders.created' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      try {
        await settle(message);
      } catch (err) {
        console.error(err);
      }
    },
  });
}
async function settle(_m: unknown) {}
`;
    const map = changeMap(points('src/billing/consumer.ts', consumer), []);
    expect(map.edges.map((e) => [e.direction, e.kind, e.service, e.module, e.status, e.channels, e.onError, e.idempotent])).toEqual([
      ['inbound', 'messaging', 'Kafka', 'src/billing/consumer', 'added', ['orders.created'], 'swallows', 'no'],
    ]);
    expect(map.headlines).toEqual(['adds a Kafka consumer (`orders.created`) in `src/billing/consumer` (no deduplication seen, swallows failures (the message is acknowledged))']);
    const md = renderIntegrationMap(map);
    expect(md).toContain('This PR adds a Kafka consumer (`orders.created`) in `src/billing/consumer`');
    expect(md).toContain('  s1(["Kafka"]) -- "consumes orders.created" --> m0["src/billing/consumer"]');
    expect(md).toContain('| module (consumer) | broker | consumes | change | deduplicates | on failure | retry | dead letter |');
    expect(md).toContain('| `src/billing/consumer` | `Kafka` | `orders.created` | **added** | ✗ | **swallows** | ? | ? |');
    // No call edges: the outbound table is left out, not printed empty.
    expect(md).not.toContain('| module | service |');
    expect(integrationMapText(map)).toContain('  Kafka -> src/billing/consumer [added] consumer of orders.created (no deduplication seen, swallows failures (the message is acknowledged))');
    // A webhook is still a webhook.
    const webhook = points('src/webhooks/stripe.ts', "import express from 'express';\nconst app = express();\napp.post('/webhooks/stripe', async (req, res) => { res.sendStatus(200); });\n");
    expect(renderIntegrationMap(changeMap(webhook, []))).toContain('-- "webhook" -->');
  });
});
