import { describe, expect, it } from 'vitest';
import { buildIntegrationModel, type SourceFile } from '../../src/integration/index.js';
import { repositoryFindings } from '../../src/integration/model-findings.js';
import { loadFixture } from './load-fixture.js';

const languageOf = (path: string): SourceFile['language'] => (path.endsWith('.py') ? 'python' : path.endsWith('.go') ? 'go' : path.endsWith('.java') ? 'java' : 'typescript');

/** A change to a repository given as files: `edits` replace or add files; added lines are head lines not in the base version. */
function change(base: Record<string, string>, edits: Record<string, string>) {
  const baseFiles = Object.entries(base).map(([path, source]) => ({ path, language: languageOf(path), source }));
  const changed = Object.entries(edits).map(([path, source]) => ({ path, language: languageOf(path), source }));
  const head = [...baseFiles.filter((f) => !(f.path in edits)), ...changed];
  const added = new Map<string, Set<number>>();
  for (const f of changed) {
    const old = new Set((base[f.path] ?? '').split('\n'));
    added.set(f.path, new Set(f.source.split('\n').flatMap((l, i) => (old.has(l) ? [] : [i + 1]))));
  }
  return { model: buildIntegrationModel(head), baseModel: buildIntegrationModel(baseFiles), added, files: new Map(changed.map((f) => [f.path, f])) };
}

const brief = (fs: ReturnType<typeof repositoryFindings>) => fs.map((f) => [f.ruleId, f.path, f.line]);
const only = (id: string) => new Set([id]);

const tsShop = (): Record<string, string> => Object.fromEntries(loadFixture('ts-shop').map((f) => [f.path, f.source]));
const PAYMENTS_ALIAS = "\nexport type StripeCharge = Stripe.Charge;\nexport type { Stripe };\nexport type RefundId = string;\n";

describe('vendor-type-crosses-adapter: a business module imports a vendor type through the adapter', () => {
  const base = (): Record<string, string> => {
    const b = tsShop();
    b['src/lib/payments.ts'] += PAYMENTS_ALIAS;
    return b;
  };
  const cancel = (imports: string) => tsShop()['src/orders/cancel-order.ts']!.replace("import { refund } from '../lib/payments';", imports);

  it('TypeScript: an alias of Stripe.Charge imported from the adapter, on the added import line', () => {
    const c = change(base(), { 'src/orders/cancel-order.ts': cancel("import { refund, type StripeCharge } from '../lib/payments';") });
    expect(c.model.vendorTypes?.get('src/lib/payments')?.map((t) => t.name)).toEqual(['StripeCharge', 'Stripe']);
    const findings = repositoryFindings({ ...c, ruleIds: only('vendor-type-crosses-adapter') });
    expect(brief(findings)).toEqual([['vendor-type-crosses-adapter', 'src/orders/cancel-order.ts', 1]]);
    expect(findings[0]!.title).toBe('Stripe type `StripeCharge` crosses the adapter `src/lib/payments` into `src/orders/cancel-order`');
    expect(findings[0]!.body).toContain("the Stripe SDK's `Stripe.Charge` (an alias)");
  });

  it('TypeScript: a re-export of the vendor module itself (`export { default as Stripe } from "stripe"`)', () => {
    const b = tsShop();
    b['src/lib/payments.ts'] += "\nexport { default as StripeSdk } from 'stripe';\n";
    const c = change(b, { 'src/orders/cancel-order.ts': cancel("import { refund, StripeSdk } from '../lib/payments';") });
    expect(brief(repositoryFindings({ ...c, ruleIds: only('vendor-type-crosses-adapter') }))).toEqual([['vendor-type-crosses-adapter', 'src/orders/cancel-order.ts', 1]]);
  });

  it('not for the adapter’s own names, unchanged import lines, tests, or a module that is no adapter', () => {
    const own = change(base(), { 'src/orders/cancel-order.ts': cancel("import { refund, type RefundId } from '../lib/payments';") });
    expect(repositoryFindings({ ...own, ruleIds: only('vendor-type-crosses-adapter') })).toEqual([]);
    const b = base();
    b['src/orders/cancel-order.ts'] = cancel("import { refund, type StripeCharge } from '../lib/payments';");
    const untouched = change(b, { 'src/orders/cancel-order.ts': `${b['src/orders/cancel-order.ts']}\nexport const VERSION = 2;\n` });
    expect(repositoryFindings({ ...untouched, ruleIds: only('vendor-type-crosses-adapter') })).toEqual([]);
    const test = change(base(), { 'src/orders/cancel-order.test.ts': "import type { StripeCharge } from '../lib/payments';\nexport const c = {} as StripeCharge;\n" });
    expect(repositoryFindings({ ...test, ruleIds: only('vendor-type-crosses-adapter') })).toEqual([]);
    // A shared types module that re-exports Stripe types is not an adapter (it makes no calls).
    const shared = tsShop();
    shared['src/shared/types.ts'] = "import Stripe from 'stripe';\nexport type StripeCharge = Stripe.Charge;\n";
    const noAdapter = change(shared, { 'src/orders/cancel-order.ts': `import type { StripeCharge } from '../shared/types';\n${shared['src/orders/cancel-order.ts']}` });
    expect(repositoryFindings({ ...noAdapter, ruleIds: only('vendor-type-crosses-adapter') })).toEqual([]);
  });

  it('not in the adapter itself, nor for another adapter that imports it', () => {
    const c = change(base(), { 'src/lib/payments.ts': `${base()['src/lib/payments.ts']}export type StripeRefund = Stripe.Refund;\n` });
    expect(brief(repositoryFindings({ ...c, ruleIds: only('vendor-type-crosses-adapter') })).filter((f) => f[1] !== 'src/lib/payments.ts')).toEqual([]);
  });

  const PY_BASE: Record<string, string> = {
    'app/payments/gateway.py': [
      'import stripe',
      'from stripe import Charge as StripeCharge',
      '',
      'StripeRefund = stripe.Refund',
      'api_version = stripe.api_version',
      '',
      '',
      'class PaymentGateway:',
      '    def refund(self, charge_id):',
      '        return stripe.Refund.create(charge=charge_id, idempotency_key=f"refund-{charge_id}")',
      '',
      '    def capture(self, intent_id):',
      '        return stripe.PaymentIntent.capture(intent_id)',
      '',
    ].join('\n'),
    'app/orders/service.py': ['from app.payments.gateway import PaymentGateway', '', '', 'def cancel(gateway: PaymentGateway, charge_id):', '    return gateway.refund(charge_id)', ''].join('\n'),
  };

  it('Python: a name the gateway imports from stripe, and a module-level alias', () => {
    const c = change(PY_BASE, {
      'app/orders/service.py': PY_BASE['app/orders/service.py']!.replace('import PaymentGateway', 'import PaymentGateway, StripeCharge, StripeRefund, api_version'),
    });
    expect(c.model.adapters.map((a) => [a.service, a.module])).toContainEqual(['Stripe', 'app/payments/gateway']);
    const findings = repositoryFindings({ ...c, ruleIds: only('vendor-type-crosses-adapter') });
    expect(brief(findings)).toEqual([
      ['vendor-type-crosses-adapter', 'app/orders/service.py', 1],
      ['vendor-type-crosses-adapter', 'app/orders/service.py', 1],
    ]);
    expect(findings.map((f) => f.title)).toEqual([
      'Stripe type `StripeCharge` crosses the adapter `app/payments/gateway` into `app/orders/service`',
      'Stripe type `StripeRefund` crosses the adapter `app/payments/gateway` into `app/orders/service`',
    ]);
  });

  it('Python: not from a script, nor the gateway’s own class', () => {
    const script = change(PY_BASE, { 'scripts/backfill.py': 'from app.payments.gateway import StripeCharge\n' });
    expect(repositoryFindings({ ...script, ruleIds: only('vendor-type-crosses-adapter') })).toEqual([]);
    const own = change(PY_BASE, { 'app/orders/service.py': `${PY_BASE['app/orders/service.py']}\nfrom app.payments.gateway import PaymentGateway as Gw\n` });
    expect(repositoryFindings({ ...own, ruleIds: only('vendor-type-crosses-adapter') })).toEqual([]);
  });

  it('Go: an exported alias of a stripe-go type used through the payments package', () => {
    const client = [
      'package payments',
      '',
      'import (',
      '\t"github.com/stripe/stripe-go/v76"',
      '\t"github.com/stripe/stripe-go/v76/refund"',
      ')',
      '',
      'type Charge = stripe.Charge',
      '',
      'type Client struct{}',
      '',
      'func (c *Client) Refund(chargeID string) error {',
      '\t_, err := refund.New(&stripe.RefundParams{Charge: stripe.String(chargeID)})',
      '\treturn err',
      '}',
      '',
    ].join('\n');
    const orders = (body: string) => ['package orders', '', 'import "github.com/acme/shop/internal/payments"', '', `func Cancel(c *payments.Client, id string) error {${body}`, '\treturn c.Refund(id)', '}', ''].join('\n');
    const repo = { 'internal/payments/client.go': client, 'internal/orders/cancel.go': orders('') };
    const c = change(repo, { 'internal/orders/cancel.go': orders('\n\tvar last payments.Charge\n\t_ = last') });
    expect(c.model.adapters.map((a) => a.module)).toContain('internal/payments');
    expect(brief(repositoryFindings({ ...c, ruleIds: only('vendor-type-crosses-adapter') }))).toEqual([['vendor-type-crosses-adapter', 'internal/orders/cancel.go', 6]]);
  });
});

describe('duplicate-retry-for-wrapped-service: a second hand-written token refresh', () => {
  const CRM = [
    "const CRM_URL = 'https://crm.example.com/v2';",
    '',
    'let token: string | undefined;',
    '',
    'async function refreshToken(): Promise<string> {',
    "  const res = await fetch('https://crm.example.com/oauth/token', {",
    "    method: 'POST',",
    "    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: process.env.CRM_REFRESH ?? '' }),",
    '    signal: AbortSignal.timeout(5000),',
    '  });',
    '  token = ((await res.json()) as { access_token: string }).access_token;',
    '  return token;',
    '}',
    '',
    'export async function syncCustomer(id: string): Promise<void> {',
    '  const bearer = token ?? (await refreshToken());',
    "  const res = await fetch(`${CRM_URL}/customers/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${bearer}` }, signal: AbortSignal.timeout(5000) });",
    '  if (!res.ok) throw new Error(`crm sync failed: ${res.status}`);',
    '}',
    '',
  ].join('\n');
  const REPORT = ["import { syncCustomer } from '../clients/crm';", '', 'export async function report(id: string): Promise<void> {', '  await syncCustomer(id);', '}', ''].join('\n');
  const base = (): Record<string, string> => ({ ...tsShop(), 'src/clients/crm.ts': CRM, 'src/reports/report.ts': REPORT });
  const ownRefresh = [
    '',
    'export async function getCrmAccessToken(): Promise<string> {',
    "  const res = await fetch('https://crm.example.com/oauth/token', {",
    "    method: 'POST',",
    "    body: new URLSearchParams({ grant_type: 'client_credentials' }),",
    '    signal: AbortSignal.timeout(5000),',
    '  });',
    '  return ((await res.json()) as { access_token: string }).access_token;',
    '}',
    '',
  ].join('\n');

  it('TypeScript: a client-credentials request to the CRM beside the CRM client that refreshes its token', () => {
    const c = change(base(), { 'src/reports/report.ts': REPORT + ownRefresh });
    expect(c.model.tokenRefreshes?.map((r) => [r.module, r.function, r.line])).toEqual(
      expect.arrayContaining([
        ['src/clients/crm', 'refreshToken', 6],
        ['src/reports/report', 'getCrmAccessToken', 8],
      ]),
    );
    const findings = repositoryFindings({ ...c, ruleIds: only('duplicate-retry-for-wrapped-service') });
    expect(c.model.tokenRefreshes?.map((r) => r.function)).not.toContain('syncCustomer');
    expect(brief(findings)).toEqual([['duplicate-retry-for-wrapped-service', 'src/reports/report.ts', 8]]);
    expect(findings[0]!.title).toBe('Second token refresh for crm.example.com: `src/clients/crm` already refreshes it');
    expect(findings[0]!.body).toContain('`src/clients/crm` already refreshes the crm.example.com token (`refreshToken`); a second refresh races it and doubles token requests.');
  });

  it('not in the adapter, in tests or scripts, on unchanged lines, for another host, or when the adapter does not refresh', () => {
    const inAdapter = change(base(), { 'src/clients/crm.ts': CRM.replace('async function refreshToken', 'export async function refreshToken') + ownRefresh });
    expect(repositoryFindings({ ...inAdapter, ruleIds: only('duplicate-retry-for-wrapped-service') })).toEqual([]);
    for (const path of ['src/reports/report.test.ts', 'scripts/token.ts']) {
      const t = change(base(), { [path]: REPORT + ownRefresh });
      expect(repositoryFindings({ ...t, ruleIds: only('duplicate-retry-for-wrapped-service') })).toEqual([]);
    }
    const b = base();
    b['src/reports/report.ts'] = REPORT + ownRefresh;
    const untouched = change(b, { 'src/reports/report.ts': `${b['src/reports/report.ts']}\nexport const VERSION = 2;\n` });
    expect(repositoryFindings({ ...untouched, ruleIds: only('duplicate-retry-for-wrapped-service') })).toEqual([]);
    const other = change(base(), { 'src/reports/report.ts': REPORT + ownRefresh.replace(/crm\.example\.com/g, 'login.partner.example') });
    expect(repositoryFindings({ ...other, ruleIds: only('duplicate-retry-for-wrapped-service') })).toEqual([]);
    const plain = { ...base(), 'src/clients/crm.ts': tsShop()['src/clients/crm.ts']! };
    const noRefresh = change(plain, { 'src/reports/report.ts': REPORT + ownRefresh });
    expect(repositoryFindings({ ...noRefresh, ruleIds: only('duplicate-retry-for-wrapped-service') })).toEqual([]);
  });

  it('Python: a refresh_token grant outside the SMS gateway that already refreshes its token', () => {
    const gateway = loadFixture('py-notify').find((f) => f.path === 'app/clients/sms_gateway.py')!.source;
    const withRefresh = `${gateway}\n    def refresh_access_token(self):\n        resp = self.session.post(f"{BASE_URL}/oauth2/token", data={"grant_type": "refresh_token"}, timeout=5)\n        return resp.json()["access_token"]\n`;
    const repo: Record<string, string> = { ...Object.fromEntries(loadFixture('py-notify').map((f) => [f.path, f.source])), 'app/clients/sms_gateway.py': withRefresh };
    const notify = `${repo['app/services/notify.py']}\n\ndef sms_token():\n    resp = requests.post("https://api.smsprovider.example/v1/oauth2/token", data={"grant_type": "client_credentials"}, timeout=5)\n    return resp.json()["access_token"]\n`;
    const c = change(repo, { 'app/services/notify.py': notify });
    const findings = repositoryFindings({ ...c, ruleIds: only('duplicate-retry-for-wrapped-service') });
    expect(brief(findings)).toEqual([['duplicate-retry-for-wrapped-service', 'app/services/notify.py', 14]]);
    expect(findings[0]!.body).toContain('`app/clients/sms_gateway` already refreshes the api.smsprovider.example token (`refresh_access_token`)');
  });

  it('Go: a token request through a module-level token URL constant, beside the ledger client that has one', () => {
    const fixture = Object.fromEntries(loadFixture('go-ledger').map((f) => [f.path, f.source]));
    const client = `${fixture['internal/ledger/client.go']!.replace('const baseURL = "https://ledger.example.com/api"', 'const baseURL = "https://ledger.example.com/api"\n\nconst tokenURL = "https://ledger.example.com/oauth/token"')}
func (c *Client) authorize(ctx context.Context) error {
\treq, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, nil)
\tif err != nil {
\t\treturn fmt.Errorf("build token request: %w", err)
\t}
\tresp, err := c.http.Do(req)
\tif err != nil {
\t\treturn fmt.Errorf("token: %w", err)
\t}
\treturn resp.Body.Close()
}
`;
    const repo = { ...fixture, 'internal/ledger/client.go': client };
    const exportGo = fixture['internal/billing/export.go']!;
    const head = `${exportGo}
func ledgerToken() (*http.Response, error) {
\treturn http.Post("https://ledger.example.com/oauth/token", "application/x-www-form-urlencoded", nil)
}
`;
    const c = change(repo, { 'internal/billing/export.go': head.includes('"net/http"') ? head : head.replace('import (', 'import (\n\t"net/http"') });
    expect(c.model.tokenRefreshes?.map((r) => [r.module, r.function])).toEqual(expect.arrayContaining([['internal/ledger', 'authorize']]));
    const findings = repositoryFindings({ ...c, ruleIds: only('duplicate-retry-for-wrapped-service') });
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual([['duplicate-retry-for-wrapped-service', 'internal/billing/export.go']]);
    expect(findings[0]!.title).toBe('Second token refresh for ledger.example.com: `internal/ledger` already refreshes it');
  });
});

describe('vendor-type-crosses-adapter: a vendor type imported from the SDK to type what the adapter returns', () => {
  it('TypeScript: `import type Stripe` to type the refund the adapter returns; not for a value import that calls the SDK', () => {
    const cancel = tsShop()['src/orders/cancel-order.ts']!;
    const typed = `import type Stripe from 'stripe';\n${cancel.replace('  await refund(order.chargeId);', '  const r: Stripe.Refund = await refund(order.chargeId);\n  void r;')}`;
    const c = change(tsShop(), { 'src/orders/cancel-order.ts': typed });
    expect(c.model.signatureTypes?.get('src/lib/payments')).toEqual(expect.arrayContaining([{ vendor: 'Stripe', name: 'Refund' }]));
    const findings = repositoryFindings(c);
    // The sharper finding replaces vendor-sdk-outside-adapter on the import line.
    expect(brief(findings)).toEqual([['vendor-type-crosses-adapter', 'src/orders/cancel-order.ts', 1]]);
    expect(findings[0]!.title).toBe('Stripe type `Refund` crosses the adapter `src/lib/payments` into `src/orders/cancel-order`');
    // A type that is not in the adapter's signatures (Stripe.Customer): the plain SDK-outside-adapter finding stays.
    const other = change(tsShop(), { 'src/orders/cancel-order.ts': typed.replace('Stripe.Refund', 'Stripe.Customer') });
    expect(brief(repositoryFindings(other))).toEqual([['vendor-sdk-outside-adapter', 'src/orders/cancel-order.ts', 1]]);
  });

  it('Java: `Refund r = gateway.refund(id)` types the gateway’s result; `Refund.create(…)` is a direct SDK use, not this', () => {
    const service = (body: string) =>
      [
        'package com.acme.orders;',
        '',
        'import com.acme.pay.StripeGateway;',
        'import com.stripe.model.Refund;',
        '',
        'public class OrderService {',
        '    private final StripeGateway gateway;',
        '',
        '    public OrderService(StripeGateway gateway) {',
        '        this.gateway = gateway;',
        '    }',
        '',
        '    public String cancel(String chargeId) throws Exception {',
        `        ${body}`,
        '    }',
        '}',
        '',
      ].join('\n');
    const repo = Object.fromEntries(loadFixture('java-pay').map((f) => [f.path, f.source]));
    const path = 'src/main/java/com/acme/orders/OrderService.java';
    const typed = repositoryFindings(change(repo, { [path]: service('Refund r = gateway.refund(chargeId); return r.getId();') }));
    expect(brief(typed)).toEqual([['vendor-type-crosses-adapter', path, 4]]);
    const direct = repositoryFindings(change(repo, { [path]: service('Refund r = Refund.retrieve(chargeId); return r.getId();') }));
    expect(brief(direct).map((f) => f[0])).not.toContain('vendor-type-crosses-adapter');
  });

  it('Python: `from stripe import Refund` to annotate the gateway’s result', () => {
    const gateway = [
      'import stripe',
      '',
      '',
      'class PaymentGateway:',
      '    def refund(self, charge_id) -> stripe.Refund:',
      '        return stripe.Refund.create(charge=charge_id)',
      '',
      '    def capture(self, intent_id):',
      '        return stripe.PaymentIntent.capture(intent_id)',
      '',
    ].join('\n');
    const service = ['from app.payments.gateway import PaymentGateway', '', '', 'def cancel(gateway: PaymentGateway, charge_id):', '    return gateway.refund(charge_id)', ''].join('\n');
    const repo = { 'app/payments/gateway.py': gateway, 'app/orders/service.py': service };
    const head = service.replace('PaymentGateway\n', 'PaymentGateway\nfrom stripe import Refund\n').replace('    return gateway.refund(charge_id)', '    r: Refund = gateway.refund(charge_id)\n    return r.id');
    const findings = repositoryFindings({ ...change(repo, { 'app/orders/service.py': head }), ruleIds: only('vendor-type-crosses-adapter') });
    expect(brief(findings)).toEqual([['vendor-type-crosses-adapter', 'app/orders/service.py', 2]]);
    // Only imported, never used as a type on an added line: not this finding.
    const unused = repositoryFindings({ ...change(repo, { 'app/orders/service.py': service.replace('PaymentGateway\n', 'PaymentGateway\nfrom stripe import Refund\n') }), ruleIds: only('vendor-type-crosses-adapter') });
    expect(unused).toEqual([]);
  });
});
