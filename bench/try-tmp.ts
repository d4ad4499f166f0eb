import { buildIntegrationModel } from '../src/integration/build-model.js';
import { repositoryFindings } from '../src/integration/model-findings.js';
import { inferLayers } from '../src/integration/layers.js';
import { loadFixture } from '../test/integration/load-fixture.js';
const files = loadFixture('ts-shop');
const base = buildIntegrationModel(files);
const headSrc = `import Stripe from 'stripe';
import { refund } from '../lib/payments';
import { findOrder, markCancelled } from './order-repository';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '');

export async function cancelOrder(orderId: string): Promise<void> {
  const order = await findOrder(orderId);
  await stripe.refunds.create({ charge: order.chargeId });
  await markCancelled(orderId);
}
`;
const head = files.map((f) => (f.path === 'src/orders/cancel-order.ts' ? { ...f, source: headSrc } : f));
const model = buildIntegrationModel(head);
console.log(model.adapters.map(a=>[a.service,a.module]));
console.log(inferLayers(model, head));
const f = repositoryFindings({ model, baseModel: base, added: new Map([['src/orders/cancel-order.ts', new Set([1, 5, 9])]]), files: new Map(head.map((x) => [x.path, x])) });
console.log(JSON.stringify(f.map(x=>[x.ruleId,x.path,x.line,x.title,x.body.split('\n')[0],x.confidence]),null,1));
