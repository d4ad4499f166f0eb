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

/** The ts-shop fixture with `file` added: the head model, the base model, and every line of `file` added. */
function withFile(fixture: string, file: SourceFile) {
  const base = loadFixture(fixture);
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
