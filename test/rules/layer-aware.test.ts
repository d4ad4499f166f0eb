import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const STRIPE_IMPORT = "import Stripe from 'stripe';\n\nexport async function charge(stripe: Stripe, amount: number): Promise<Stripe.Charge> {\n  return stripe.charges.create({ amount, currency: 'eur' });\n}\n";
const ENV_READ = "export async function refundLimit(orderId: string): Promise<number> {\n  return Number(process.env.REFUND_LIMIT) + orderId.length;\n}\n";

describe('coupling and abstraction rules judge business logic by the layer the model inferred', () => {
  it('a module the model calls business is business logic whatever its folder', () => {
    const path = 'src/orders/cancel-order.ts';
    expect(lines(check('domain-imports-vendor-sdk', 'typescript', STRIPE_IMPORT, { path }))).toEqual([]);
    expect(lines(check('domain-imports-vendor-sdk', 'typescript', STRIPE_IMPORT, { path, layer: 'business' }))).toEqual([1]);
    expect(lines(check('vendor-type-in-exported-signature', 'typescript', STRIPE_IMPORT, { path, layer: 'business' }))).toEqual([3]);
    expect(lines(check('env-read-in-business-logic', 'typescript', ENV_READ, { path, layer: 'business' }))).toEqual([2]);
  });

  it('a module under services/ that the model finds to be an adapter, an edge or an entry point is not', () => {
    const path = 'src/services/billing.ts';
    expect(lines(check('domain-imports-vendor-sdk', 'typescript', STRIPE_IMPORT, { path }))).toEqual([1]);
    for (const layer of ['adapter', 'edge', 'entry'] as const) {
      expect(lines(check('domain-imports-vendor-sdk', 'typescript', STRIPE_IMPORT, { path, layer })), layer).toEqual([]);
      expect(lines(check('env-read-in-business-logic', 'typescript', ENV_READ, { path, layer })), layer).toEqual([]);
    }
  });

  it('an unknown layer falls back to the folder heuristics', () => {
    expect(lines(check('domain-imports-vendor-sdk', 'typescript', STRIPE_IMPORT, { path: 'src/services/billing.ts', layer: 'unknown' }))).toEqual([1]);
    expect(lines(check('domain-imports-vendor-sdk', 'typescript', STRIPE_IMPORT, { path: 'src/orders/cancel-order.ts', layer: 'unknown' }))).toEqual([]);
  });
});
