import crypto from 'node:crypto';
import axios from 'axios';
import express, { type Router } from 'express';
import { logger } from '../lib/logger';
import { BillingService } from '../services/billing-service';

const billing = new BillingService();

export const webhookRouter: Router = express.Router();

/**
 * Stripe calls this when an invoice is paid: mark it paid, then push the customer's
 * line items to the CRM.
 */
webhookRouter.post('/webhooks/stripe', express.json(), async (req, res) => {
  const event = req.body;
  logger.info(`stripe event ${event.type} (endpoint secret ${process.env.STRIPE_WEBHOOK_SECRET})`);

  if (event.type === 'invoice.paid') {
    billing.markInvoicePaid(event.data.object.id, event.data.object.customer);
    axios.post(process.env.SLACK_BILLING_WEBHOOK_URL ?? '', { text: `Invoice ${event.data.object.id} paid` });
  }
  res.status(200).json({ received: true });
});

/**
 * Our reseller partner posts order updates signed with a shared secret (HMAC-SHA256, hex),
 * and wants a callback once the order is provisioned.
 */
webhookRouter.post('/webhooks/partner', express.json(), async (req, res) => {
  const signature = req.header('x-partner-signature');
  const expected = crypto
    .createHmac('sha256', process.env.PARTNER_WEBHOOK_SECRET ?? '')
    .update(JSON.stringify(req.body))
    .digest('hex');
  if (signature !== expected) {
    res.status(401).send('bad signature');
    return;
  }

  await billing.applyPartnerOrder(req.body.order);
  await axios.post(req.body.callbackUrl, { orderId: req.body.order.id, status: 'provisioned' });
  res.sendStatus(204);
});
