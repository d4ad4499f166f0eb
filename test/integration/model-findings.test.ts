import { describe, expect, it } from 'vitest';
import { buildIntegrationModel, type SourceFile } from '../../src/integration/index.js';
import { repositoryFindings } from '../../src/integration/model-findings.js';
import { loadFixture } from './load-fixture.js';

/**
 * A change to a fixture repository: `edits` replace (or add) files; the added lines are the head lines not
 * in the base version of the file (enough for these small edits).
 */
function change(fixture: string, edits: Record<string, string>) {
  const base = loadFixture(fixture);
  const byPath = new Map(base.map((f) => [f.path, f]));
  const language = (path: string): SourceFile['language'] => (path.endsWith('.py') ? 'python' : path.endsWith('.go') ? 'go' : path.endsWith('.java') ? 'java' : 'typescript');
  const changed = Object.entries(edits).map(([path, source]) => ({ path, language: language(path), source }));
  const head = [...base.filter((f) => !(f.path in edits)), ...changed];
  const added = new Map<string, Set<number>>();
  for (const f of changed) {
    const old = new Set((byPath.get(f.path)?.source ?? '').split('\n'));
    added.set(f.path, new Set(f.source.split('\n').flatMap((l, i) => (old.has(l) ? [] : [i + 1]))));
  }
  return { model: buildIntegrationModel(head), baseModel: buildIntegrationModel(base), added, files: new Map(changed.map((f) => [f.path, f])) };
}

const brief = (fs: ReturnType<typeof repositoryFindings>) => fs.map((f) => [f.ruleId, f.path, f.line]);

const TS_BYPASS = [
  "import Stripe from 'stripe';",
  "import { refund } from '../lib/payments';",
  "import { findOrder, markCancelled } from './order-repository';",
  '',
  "const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '');",
  '',
  'export async function cancelOrder(orderId: string): Promise<void> {',
  '  const order = await findOrder(orderId);',
  '  await stripe.refunds.create({ charge: order.chargeId });',
  '  await markCancelled(orderId);',
  '}',
  '',
].join('\n');

describe('repository findings: a direct call beside an existing adapter', () => {
  it('TypeScript: the Stripe import and the direct refund call, naming the adapter function and what it sets', () => {
    const findings = repositoryFindings(change('ts-shop', { 'src/orders/cancel-order.ts': TS_BYPASS }));
    expect(brief(findings)).toEqual([
      ['vendor-sdk-outside-adapter', 'src/orders/cancel-order.ts', 1],
      ['adapter-bypass', 'src/orders/cancel-order.ts', 9],
    ]);
    const bypass = findings[1]!;
    expect(bypass).toMatchObject({ category: 'coupling', source: 'rule', confidence: 0.7 });
    expect(bypass.body).toContain('Use `refund` in `src/lib/payments`, which already sets a timeout, an idempotency key and error translation.');
    expect(findings[0]!.title).toBe("Stripe SDK imported outside the repository's Stripe adapter `src/lib/payments`");
  });

  it('Python: a requests call to the SMS provider outside its gateway class', () => {
    const notify = [
      'from app.clients.sms_gateway import SmsGateway',
      'import requests',
      '',
      '',
      'def notify_customer(gateway: SmsGateway, phone, text):',
      '    return gateway.send(phone, text)',
      '',
      '',
      'def notify_urgent(phone, text):',
      '    return requests.post("https://api.smsprovider.example/v1/messages", json={"to": phone, "body": text}, timeout=5)',
      '',
      '',
      'def post_audit(event):',
      '    requests.post("https://audit.example.com/events", json=event)',
      '',
    ].join('\n');
    const findings = repositoryFindings(change('py-notify', { 'app/services/notify.py': notify }));
    expect(brief(findings)).toEqual([['adapter-bypass', 'app/services/notify.py', 10]]);
    expect(findings[0]!.body).toContain('Use `send` in `app/clients/sms_gateway`, which already sets a timeout, a retry policy and error translation.');
  });

  it('Go: an http.Post to the ledger outside the ledger package', () => {
    const exportGo = (
      [
        'package billing',
        '',
        'import (',
        '\t"context"',
        '\t"net/http"',
        '',
        '\t"github.com/acme/shop/internal/ledger"',
        ')',
        '',
        'func Export(ctx context.Context, c *ledger.Client, ids []string) error {',
        '\tfor _, id := range ids {',
        '\t\tif err := c.Post(ctx, id); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\tresp, err := http.Get("https://status.example.com/ping")',
        '\tif err != nil {',
        '\t\treturn err',
        '\t}',
        '\treturn resp.Body.Close()',
        '}',
        '',
        'func Void(id string) error {',
        '\tresp, err := http.Post("https://ledger.example.com/api/void/"+id, "application/json", nil)',
        '\tif err != nil {',
        '\t\treturn err',
        '\t}',
        '\treturn resp.Body.Close()',
        '}',
        '',
      ] as const
    ).join('\n');
    const findings = repositoryFindings(change('go-ledger', { 'internal/billing/export.go': exportGo }));
    expect(brief(findings)).toEqual([['adapter-bypass', 'internal/billing/export.go', 24]]);
    expect(findings[0]!.body).toContain('`internal/ledger`');
  });

  it('Java: Refund.create in the order service beside the Stripe gateway', () => {
    const service = [
      'package com.acme.orders;',
      '',
      'import com.acme.pay.StripeGateway;',
      'import com.stripe.model.Refund;',
      'import com.stripe.param.RefundCreateParams;',
      '',
      'public class OrderService {',
      '    private final StripeGateway gateway;',
      '',
      '    public OrderService(StripeGateway gateway) {',
      '        this.gateway = gateway;',
      '    }',
      '',
      '    public void cancel(String chargeId) throws Exception {',
      '        Refund.create(RefundCreateParams.builder().setCharge(chargeId).build());',
      '    }',
      '}',
      '',
    ].join('\n');
    const findings = repositoryFindings(change('java-pay', { 'src/main/java/com/acme/orders/OrderService.java': service }));
    expect(brief(findings)).toEqual([
      ['vendor-sdk-outside-adapter', 'src/main/java/com/acme/orders/OrderService.java', 4],
      ['adapter-bypass', 'src/main/java/com/acme/orders/OrderService.java', 15],
    ]);
    expect(findings[1]!.body).toContain('Use `refund` in `src/main/java/com/acme/pay/StripeGateway`');
  });

  it('says nothing on lines the change did not add, on tests and scripts, or in the adapter itself', () => {
    const c = change('ts-shop', { 'src/orders/cancel-order.ts': TS_BYPASS });
    expect(repositoryFindings({ ...c, added: new Map([['src/orders/cancel-order.ts', new Set([2, 3])]]) })).toEqual([]);
    for (const path of ['src/orders/cancel-order.test.ts', 'scripts/refund-all.ts']) {
      const t = change('ts-shop', { [path]: TS_BYPASS });
      expect(brief(repositoryFindings(t)).filter((f) => f[1] === path)).toEqual([]);
    }
    const adapter = change('ts-shop', {
      'src/lib/payments.ts': `${loadFixture('ts-shop').find((f) => f.path === 'src/lib/payments.ts')!.source}\nexport async function cancel(id: string) {\n  return stripe.paymentIntents.cancel(id);\n}\n`,
    });
    expect(brief(repositoryFindings(adapter)).filter((f) => f[0] === 'adapter-bypass')).toEqual([]);
  });

  it('runs only the rules asked for', () => {
    const c = change('ts-shop', { 'src/orders/cancel-order.ts': TS_BYPASS });
    expect(brief(repositoryFindings({ ...c, ruleIds: new Set(['adapter-bypass']) }))).toEqual([['adapter-bypass', 'src/orders/cancel-order.ts', 9]]);
  });
});

describe('repository findings: retries, vendor types, new integrations', () => {
  it('a hand-written retry around a service whose wrapper retries already', () => {
    const notify = [
      'from app.clients.sms_gateway import SmsGateway',
      'import requests',
      'from tenacity import retry, stop_after_attempt, wait_exponential',
      '',
      '',
      'def notify_customer(gateway: SmsGateway, phone, text):',
      '    return gateway.send(phone, text)',
      '',
      '',
      '@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1))',
      'def notify_urgent(phone, text):',
      '    return requests.post("https://api.smsprovider.example/v1/messages", json={"to": phone}, timeout=5)',
      '',
    ].join('\n');
    const findings = repositoryFindings(change('py-notify', { 'app/services/notify.py': notify }));
    expect(brief(findings)).toEqual([
      ['adapter-bypass', 'app/services/notify.py', 12],
      ['duplicate-retry-for-wrapped-service', 'app/services/notify.py', 12],
    ]);
    expect(findings[1]!.title).toBe('Second retry for api.smsprovider.example: `app/clients/sms_gateway` already retries it');
  });

  it('a vendor type added to the public signature of an adapter that business modules import', () => {
    const payments = loadFixture('ts-shop').find((f) => f.path === 'src/lib/payments.ts')!.source;
    const head = `${payments}\nexport async function retrieve(id: string): Promise<Stripe.Charge> {\n  return stripe.charges.retrieve(id);\n}\n`;
    const findings = repositoryFindings({ ...change('ts-shop', { 'src/lib/payments.ts': head }), ruleIds: new Set(['vendor-type-crosses-adapter']) });
    expect(brief(findings)).toEqual([['vendor-type-crosses-adapter', 'src/lib/payments.ts', 22]]);
    expect(findings[0]!.body).toContain('so `src/orders/cancel-order` now depend');
  });

  it('a new service with none of timeout, retry or error translation; not when the base reaches it or one is set', () => {
    const pager = (call: string) =>
      ["import axios from 'axios';", '', 'export async function alert(summary: string): Promise<void> {', `  ${call}`, '}', ''].join('\n');
    const bare = repositoryFindings(change('ts-shop', { 'src/notify/ops.ts': pager("await axios.post('https://hooks.opsgenie.example/v2/alerts', { summary });") }));
    expect(brief(bare)).toEqual([['new-integration-without-resilience', 'src/notify/ops.ts', 4]]);
    expect(bare[0]!.title).toBe('New dependency on hooks.opsgenie.example with no timeout, retry or error translation');
    const timed = repositoryFindings(change('ts-shop', { 'src/notify/ops.ts': pager("await axios.post('https://hooks.opsgenie.example/v2/alerts', { summary }, { timeout: 3000 });") }));
    expect(brief(timed)).toEqual([]);
    // PagerDuty is reached in the base already (src/notify/pager.ts).
    const known = repositoryFindings(change('ts-shop', { 'src/notify/ops.ts': pager("await axios.post('https://events.pagerduty.com/v2/enqueue', { summary });") }));
    expect(brief(known).filter((f) => f[0] === 'new-integration-without-resilience')).toEqual([]);
  });
});

describe('repository findings: vendors that are families of services', () => {
  it('an S3 adapter says nothing about CloudWatch: no finding for another AWS SDK elsewhere', () => {
    const storage = "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({});\nexport async function put(key: string, body: Buffer): Promise<void> {\n  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: key, Body: body }));\n}\n";
    const upload = "import { put } from './storage';\nexport async function upload(key: string, body: Buffer): Promise<void> {\n  await put(key, body);\n}\n";
    const metrics = "import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';\nconst cw = new CloudWatchClient({});\nexport async function record(value: number): Promise<void> {\n  await cw.send(new PutMetricDataCommand({ Namespace: 'n', MetricData: [{ MetricName: 'm', Value: value }] }));\n}\n";
    const files = [
      { path: 'src/files/storage.ts', language: 'typescript' as const, source: storage },
      { path: 'src/files/upload.ts', language: 'typescript' as const, source: upload },
    ];
    const head = [...files, { path: 'src/metrics/metrics.ts', language: 'typescript' as const, source: metrics }];
    const model = buildIntegrationModel(head);
    expect(model.adapters.map((a) => [a.service, a.module])).toContainEqual(['AWS', 'src/files/storage']);
    const findings = repositoryFindings({
      model,
      baseModel: buildIntegrationModel(files),
      added: new Map([['src/metrics/metrics.ts', new Set([1, 2, 3, 4, 5])]]),
      files: new Map([['src/metrics/metrics.ts', head[2]!]]),
      ruleIds: new Set(['adapter-bypass', 'vendor-sdk-outside-adapter']),
    });
    expect(findings).toEqual([]);
  });
});

describe('repository findings: moved code', () => {
  it('a direct call moved from one business module to another is not new', () => {
    const c = change('ts-shop', { 'src/orders/cancel-order.ts': TS_BYPASS });
    // The base already made the same call from another business module.
    const moved = change('ts-shop', { 'src/orders/cancel-order.ts': TS_BYPASS });
    const base = buildIntegrationModel([
      ...loadFixture('ts-shop'),
      { path: 'src/orders/legacy-cancel.ts', language: 'typescript', source: TS_BYPASS.replace("import { refund } from '../lib/payments';\n", '') },
    ]);
    expect(brief(repositoryFindings({ ...c, ruleIds: new Set(['adapter-bypass']) }))).toEqual([['adapter-bypass', 'src/orders/cancel-order.ts', 9]]);
    expect(repositoryFindings({ ...moved, baseModel: base, ruleIds: new Set(['adapter-bypass']) })).toEqual([]);
  });
});
