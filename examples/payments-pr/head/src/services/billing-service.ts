import Stripe from 'stripe';
import { CrmClient } from '../integrations/crm-client';
import { db } from '../lib/db';
import { logger } from '../lib/logger';

const STRIPE_SECRET_KEY = 'sk_live_RoJniT74N7pn3UR2PbZBH8a5';

export interface InvoiceRow {
  id: string;
  customerId: string;
  status: 'open' | 'paid' | 'void';
  totalCents: number;
}

export interface PartnerOrder {
  id: string;
  customerId: string;
  plan: string;
  seats: number;
}

/** Billing rules: which invoices a customer owes, and what happens when one is paid. */
export class BillingService {
  private readonly crm = new CrmClient();

  async openInvoices(customerId: string): Promise<InvoiceRow[]> {
    const { rows } = await db.query<InvoiceRow>(
      "SELECT id, customer_id AS \"customerId\", status, total_cents AS \"totalCents\" FROM invoices WHERE customer_id = $1 AND status = 'open'",
      [customerId],
    );
    return rows;
  }

  async balanceCents(customerId: string): Promise<number> {
    const invoices = await this.openInvoices(customerId);
    const total = invoices.reduce((sum, inv) => sum + inv.totalCents, 0);
    logger.debug({ customerId, total }, 'computed balance');
    return total;
  }

  /** Called by the Stripe webhook once per paid invoice. */
  async markInvoicePaid(stripeInvoiceId: string, customerId: string): Promise<void> {
    const stripe = new Stripe(STRIPE_SECRET_KEY, { apiVersion: '2024-06-20' });
    const invoice = await stripe.invoices.retrieve(stripeInvoiceId, { expand: ['lines'] });

    await db.query(`UPDATE invoices SET status = 'paid', paid_at = now() WHERE stripe_id = '${stripeInvoiceId}'`);

    for (const line of invoice.lines.data) {
      await this.crm.upsertLineItem(customerId, line.price?.id ?? 'unknown', line.quantity ?? 1);
    }
  }

  async applyPartnerOrder(order: PartnerOrder): Promise<void> {
    try {
      await db.query('INSERT INTO partner_orders (id, customer_id, plan, seats) VALUES ($1, $2, $3, $4)', [
        order.id,
        order.customerId,
        order.plan,
        order.seats,
      ]);
    } catch (err) {
      throw new Error(`could not store partner order ${order.id}`);
    }

    try {
      await this.crm.updatePlan(order.customerId, order.plan);
    } catch (err) {}
  }
}

/** Invoice total in the account's currency, for the dunning e-mails. */
export function formatInvoiceTotal(invoice: Stripe.Invoice): string {
  const currency = process.env.BILLING_CURRENCY ?? 'usd';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(invoice.amount_due / 100);
}
