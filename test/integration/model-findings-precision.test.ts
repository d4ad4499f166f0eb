import { describe, expect, it } from 'vitest';
import { buildIntegrationModel, type SourceFile } from '../../src/integration/index.js';
import { findAdapters, isModuleOutsideRuntime } from '../../src/integration/build-model.js';
import { repositoryFindings } from '../../src/integration/model-findings.js';
import { loadFixture } from './load-fixture.js';

/**
 * The false positives the real-world repository-rule corpus found (bench/quality/realworld/notes/repository.md,
 * `corpus-repository/`), each as its general pattern: the vendor's own modules beside its adapter, new
 * dependencies on SDKs that retry by default, adapters that only tests import.
 */

const ts = (path: string, source: string): SourceFile => ({ path, language: 'typescript', source });

/** The fixture (plus `extra` files) with `file` added: the head model, the base model, and every line of `file` added. */
function withFile(fixture: string, file: SourceFile, extra: readonly SourceFile[] = []) {
  const base = [...loadFixture(fixture), ...extra];
  const head = [...base.filter((f) => f.path !== file.path), file];
  return {
    model: buildIntegrationModel(head),
    baseModel: buildIntegrationModel(base),
    added: new Map([[file.path, new Set(file.source.split('\n').map((_, i) => i + 1))]]),
    files: new Map([[file.path, file]]),
  };
}

const brief = (fs: ReturnType<typeof repositoryFindings>) => fs.map((f) => [f.ruleId, f.path, f.line]);

const DIRECT_REFUND = [
  "import Stripe from 'stripe';",
  '',
  "const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '');",
  '',
  'export async function refundInvoice(chargeId: string): Promise<void> {',
  '  await stripe.refunds.create({ charge: chargeId });',
  '}',
  '',
].join('\n');

describe('repository rules: the vendor\'s own modules are not a bypass of its adapter', () => {
  it('a module in a folder or file named after the vendor (documenso `stripe/*.ts`, formbricks `stripe-webhook.ts`) calls the SDK without a finding', () => {
    for (const path of ['src/billing/stripe/get-invoices.ts', 'src/billing/stripe-webhook.ts']) {
      expect(brief(repositoryFindings(withFile('ts-shop', ts(path, DIRECT_REFUND))))).toEqual([]);
    }
    // The same code in a business module is still a bypass, and its SDK import is outside the adapter.
    expect(brief(repositoryFindings(withFile('ts-shop', ts('src/billing/invoices.ts', DIRECT_REFUND))))).toEqual([
      ['vendor-sdk-outside-adapter', 'src/billing/invoices.ts', 1],
      ['adapter-bypass', 'src/billing/invoices.ts', 6],
    ]);
  });

  it('a host is named by its domain: `smsprovider_status.py` may call api.smsprovider.example, `reminders.py` may not', () => {
    const call = (fn: string) => ['import requests', '', '', `def ${fn}(message_id):`, '    return requests.get(f"https://api.smsprovider.example/v1/messages/{message_id}", timeout=5)', ''].join('\n');
    const named = withFile('py-notify', { path: 'app/services/smsprovider_status.py', language: 'python', source: call('status') });
    expect(brief(repositoryFindings({ ...named, ruleIds: new Set(['adapter-bypass']) }))).toEqual([]);
    const other = withFile('py-notify', { path: 'app/services/reminders.py', language: 'python', source: call('remind') });
    expect(brief(repositoryFindings({ ...other, ruleIds: new Set(['adapter-bypass']) }))).toEqual([['adapter-bypass', 'app/services/reminders.py', 5]]);
  });
});

describe('repository rules: SDKs that retry by default', () => {
  it('a new Azure Blob dependency is not "without a retry policy" (the SDK retries 4 times, exponentially); a bare HTTP host still is', () => {
    const blob = [
      "import { BlobServiceClient } from '@azure/storage-blob';",
      '',
      "const service = BlobServiceClient.fromConnectionString(process.env.AZURE_STORAGE ?? '');",
      '',
      'export async function put(key: string, body: Buffer): Promise<void> {',
      "  await service.getContainerClient('files').uploadBlockBlob(key, body, body.length);",
      '}',
      '',
    ].join('\n');
    const c = withFile('ts-shop', ts('src/files/blob-store.ts', blob));
    expect(c.model.points.some((p) => p.path === 'src/files/blob-store.ts' && p.service === 'Azure')).toBe(true);
    expect(brief(repositoryFindings({ ...c, ruleIds: new Set(['new-integration-without-resilience']) }))).toEqual([]);
    const hook = ts('src/files/notify.ts', "import axios from 'axios';\n\nexport async function notify(key: string): Promise<void> {\n  await axios.post('https://hooks.filewatch.example/v1/events', { key });\n}\n");
    expect(brief(repositoryFindings({ ...withFile('ts-shop', hook), ruleIds: new Set(['new-integration-without-resilience']) }))).toEqual([
      ['new-integration-without-resilience', 'src/files/notify.ts', 4],
    ]);
  });
});

describe('adapters: only runtime importers count', () => {
  const client = ts('src/lib/ledger.ts', "import axios from 'axios';\n\nexport async function post(entry: unknown): Promise<void> {\n  await axios.post('https://api.ledger.example/v1/entries', entry, { timeout: 5000 });\n}\n");
  const points = buildIntegrationModel([client]).points;

  it('a module imported only by its tests, fixtures or scripts is no adapter', () => {
    for (const importer of ['src/lib/ledger.test', 'test/fixtures/ledger', 'scripts/backfill-ledger', 'tests/test_ledger']) {
      expect(findAdapters(points, new Map([[importer, new Set(['src/lib/ledger'])]]), [client])).toEqual([]);
    }
    const adapters = findAdapters(points, new Map([['src/lib/ledger.test', new Set(['src/lib/ledger'])], ['src/orders/close', new Set(['src/lib/ledger'])]]), [client]);
    expect(adapters.map((a) => [a.service, a.module, a.importedBy])).toEqual([['api.ledger.example', 'src/lib/ledger', ['src/orders/close']]]);
  });

  it('reads a module\'s role from its path alone, whatever its language', () => {
    expect(['src/pay.test', 'src/pay.spec', 'pkg/pay_test', 'tests/test_pay', 'src/test/java/com/acme/PayTest', 'scripts/seed'].map(isModuleOutsideRuntime)).toEqual([true, true, true, true, true, true]);
    expect(['src/pay', 'app/services/notify', 'src/main/java/com/acme/Pay', 'internal/ledger'].map(isModuleOutsideRuntime)).toEqual([false, false, false, false]);
  });
});

describe('repository rules: one vendor under two names, and its own webhook code', () => {
  const client = ts('src/lib/stripe-client.ts', "import Stripe from 'stripe';\n\nexport const stripe = new Stripe(process.env.STRIPE_KEY ?? '');\n");
  const customers = ts('src/billing/customers.ts', "import { stripe } from '../lib/stripe-client';\n\nexport async function findCustomer(email: string) {\n  return stripe.customers.list({ email });\n}\n");

  it('new-integration: a call through the client the base repository already had adds no dependency (documenso\'s shared `stripe`); a client the change adds or builds itself does', () => {
    const prices = ts(
      'src/billing/prices.ts',
      "import Stripe from 'stripe';\nimport { stripe } from '../lib/stripe-client';\n\nexport async function listPrices(): Promise<Stripe.Price[]> {\n  const { data } = await stripe.prices.search({ query: \"active:'true'\" });\n  return data;\n}\n",
    );
    const all = new Set([1, 2, 3, 4, 5, 6, 7]);
    const run = (headFiles: SourceFile[], baseFiles: SourceFile[], file: SourceFile, added: Map<string, Set<number>>) =>
      brief(
        repositoryFindings({
          model: buildIntegrationModel(headFiles),
          baseModel: buildIntegrationModel(baseFiles),
          added,
          files: new Map(headFiles.filter((f) => added.has(f.path)).map((f) => [f.path, f.path === file.path ? file : f])),
          ruleIds: new Set(['new-integration-without-resilience']),
        }),
      );
    // The base calls Stripe only through its client (named by the receiver there): the head's SDK-named call is not new.
    expect(buildIntegrationModel([client, customers]).points.map((p) => p.service)).toEqual(['stripe.customers (external)']);
    expect(run([client, customers, prices], [client, customers], prices, new Map([[prices.path, all]]))).toEqual([]);
    // The shared client from a workspace package the model cannot resolve (documenso `@documenso/lib/server-only/stripe`): not new either.
    const workspace = ts(prices.path, prices.source.replace("'../lib/stripe-client'", "'@acme/billing-lib/stripe'"));
    expect(run([client, customers, workspace], [client, customers], workspace, new Map([[prices.path, all]]))).toEqual([]);
    // The change adds the client module too: Stripe is new.
    const clientAdded = new Map([[prices.path, all], [client.path, new Set([1, 2, 3])]]);
    expect(run([client, customers, prices], [customers], prices, clientAdded)).toEqual([['new-integration-without-resilience', 'src/billing/prices.ts', 5]]);
    // A client the change builds itself, beside the repository's (the labelled saleor refund case): a new dependency.
    const own = ts(prices.path, prices.source.replace("import { stripe } from '../lib/stripe-client';", "const stripe = new Stripe(process.env.STRIPE_KEY ?? '');"));
    expect(run([client, customers, own], [client, customers], own, new Map([[own.path, all]]))).toEqual([['new-integration-without-resilience', 'src/billing/prices.ts', 5]]);
  });

  it('vendor-type-crosses-adapter: a Stripe type in an adapter\'s signature that only Stripe\'s own webhook code imports (documenso `stripe/webhook/…`)', () => {
    const payments = loadFixture('ts-shop').find((f) => f.path === 'src/lib/payments.ts')!;
    const head = ts(payments.path, `${payments.source}\nexport async function retrieve(id: string): Promise<Stripe.Charge> {\n  return stripe.charges.retrieve(id);\n}\n`);
    const errors = loadFixture('ts-shop').find((f) => f.path === 'src/lib/errors.ts')!;
    const webhook = ts('src/webhooks/stripe-events.ts', "import { retrieve } from '../lib/payments';\n\nexport async function onChargeEvent(id: string): Promise<boolean> {\n  const charge = await retrieve(id);\n  return charge.paid;\n}\n");
    const headFiles = [errors, webhook, head];
    const added = new Map([[head.path, new Set(head.source.split('\n').map((_, i) => i + 1).filter((l) => l > payments.source.split('\n').length))]]);
    const model = buildIntegrationModel(headFiles);
    expect(model.adapters.some((a) => a.module === 'src/lib/payments' && a.importedBy.includes('src/webhooks/stripe-events'))).toBe(true);
    const run = (files: SourceFile[]) => brief(repositoryFindings({ model: buildIntegrationModel(files), added, files: new Map([[head.path, head]]), ruleIds: new Set(['vendor-type-crosses-adapter']) }));
    expect(run(headFiles)).toEqual([]);
    // The same webhook code in a business module: the Stripe type now crosses.
    expect(run([errors, { ...webhook, path: 'src/orders/charge-events.ts' }, head])).toEqual([['vendor-type-crosses-adapter', 'src/lib/payments.ts', 22]]);
  });
});

describe('repository rules: a base model that missed a file', () => {
  it('new-integration: calls on lines the change did not add were in the base, even when the base model has no points for the file (saleor razorpay)', () => {
    const before = "import razorpay\n\n\ndef capture(token, amount):\n    return razorpay.Client(auth=('k', 's')).payment.capture(token, amount)\n";
    const after = "import razorpay\n\n\ndef capture(token, amount):\n    return razorpay.Client(auth=('k', 's')).payment.capture(token, amount)\n\n\ndef refund(client, token, amount):\n    return razorpay.Client(auth=('k', 's')).payment.refund(token, amount)\n";
    const file = { path: 'shop/payments/razorpay_gateway.py', language: 'python' as const, source: after };
    const model = buildIntegrationModel([file]);
    expect(model.points.filter((p) => p.path === file.path).map((p) => p.service)).toContain('Razorpay');
    // The base model read the file without parsing it (no points), as a snapshot does for a file without integration signals.
    const baseModel = { ...buildIntegrationModel([]), points: [] };
    const added = new Map([[file.path, new Set(after.split('\n').map((_, i) => i + 1).filter((l) => l > before.split('\n').length - 1))]]);
    const run = (a: typeof added) => brief(repositoryFindings({ model, baseModel, added: a, files: new Map([[file.path, file]]), ruleIds: new Set(['new-integration-without-resilience']) }));
    expect(run(added)).toEqual([]);
    // The whole file added: Razorpay is new.
    expect(run(new Map([[file.path, new Set(after.split('\n').map((_, i) => i + 1))]])).map((f) => f[0])).toEqual(['new-integration-without-resilience']);
  });
});

describe('repository rules: a client built again beside the one the repository hands out', () => {
  const provider = ts('src/lib/stripe-client.ts', ["import Stripe from 'stripe';", '', 'export const getStripeClient = () =>', "  new Stripe(process.env.STRIPE_SECRET_KEY ?? '', { apiVersion: '2024-06-20', maxNetworkRetries: 2 });", ''].join('\n'));
  const user = ts('src/orders/cancel.ts', ["import { getStripeClient } from '../lib/stripe-client';", '', 'export async function cancel(id: string) {', '  await getStripeClient().subscriptions.cancel(id);', '}', ''].join('\n'));

  it('names the client factory (formbricks `getStripeClient`) instead of the module with most calls', () => {
    const input = withFile('ts-shop', ts('src/billing/invoices.ts', DIRECT_REFUND), [provider, user]);
    const found = repositoryFindings(input);
    // One finding for the one problem (the client built again), not one for its import and one per call.
    expect(brief(found)).toEqual([['adapter-bypass', 'src/billing/invoices.ts', 6]]);
    expect(found[0]!.body).toContain('`src/lib/stripe-client` hands one out as `getStripeClient`');
    // With `adapter-bypass` off, the SDK import carries it.
    const importOnly = repositoryFindings({ ...input, ruleIds: new Set(['vendor-sdk-outside-adapter']) });
    expect(brief(importOnly)).toEqual([['vendor-sdk-outside-adapter', 'src/billing/invoices.ts', 1]]);
    expect(importOnly[0]!.body).toContain('hands one out as `getStripeClient`');
    // A file that calls through the repository's client is not told to use it (no client of its own).
    const viaAdapter = ts('src/billing/invoices.ts', ["import { getStripeClient } from '../lib/stripe-client';", '', 'export async function refundInvoice(chargeId: string) {', '  await getStripeClient().refunds.create({ charge: chargeId });', '}', ''].join('\n'));
    const again = repositoryFindings(withFile('ts-shop', viaAdapter, [provider, user]));
    expect(again.map((f) => f.body).join('\n')).not.toContain('hands one out');
  });

  it('a client kept inside its module is not handed out; exported factories are, in each language', async () => {
    const { vendorClientsOf } = await import('../../src/integration/file-facts.js');
    const { parseFile } = await import('../../src/integration/extract-points.js');
    const clients = (file: SourceFile) => {
      const parsed = parseFile(file);
      if ('error' in parsed) throw new Error(parsed.error);
      return vendorClientsOf(parsed.ctx).map((c) => [c.vendor, c.exported ?? null]);
    };
    expect(clients(provider)).toEqual([['Stripe', 'getStripeClient']]);
    expect(clients(ts('src/billing/invoices.ts', DIRECT_REFUND))).toEqual([['Stripe', null]]);
    expect(clients({ path: 'app/payments/client.py', language: 'python', source: 'import stripe\n\n\ndef stripe_client():\n    return stripe.StripeClient(settings.STRIPE_KEY)\n\n\ndef _private():\n    return stripe.StripeClient(settings.STRIPE_KEY)\n' })).toEqual([
      ['Stripe', 'stripe_client'],
      ['Stripe', null],
    ]);
  });
});

describe('vendor clients handed out, not built for a function\'s own calls', () => {
  it('an exported function that builds a client to make its own call hands nothing out (formbricks `createCustomerPortalSession`)', async () => {
    const { vendorClientsOf } = await import('../../src/integration/file-facts.js');
    const { parseFile } = await import('../../src/integration/extract-points.js');
    const handed = (source: string) => {
      const parsed = parseFile(ts('src/billing/x.ts', source));
      if ('error' in parsed) throw new Error(parsed.error);
      return vendorClientsOf(parsed.ctx).map((c) => c.exported ?? null);
    };
    expect(handed("import Stripe from 'stripe';\nexport async function portal(id: string) {\n  const stripe = new Stripe(KEY);\n  return (await stripe.billingPortal.sessions.create({ customer: id })).url;\n}\n")).toEqual([null]);
    expect(handed("import Stripe from 'stripe';\nexport function stripeClient() {\n  const stripe = new Stripe(KEY);\n  return stripe;\n}\n")).toEqual(['stripeClient']);
    expect(handed("import Stripe from 'stripe';\nexport const stripe = new Stripe(KEY);\n")).toEqual(['stripe']);
    expect(handed("import Stripe from 'stripe';\nconst stripe = new Stripe(KEY);\nexport async function pay() { await stripe.charges.create({}); }\n")).toEqual([null]);
    expect(handed("import Stripe from 'stripe';\nexport function run() {\n  const make = () => new Stripe(KEY);\n  return make().charges.list();\n}\n")).toEqual([null]);
  });
});
