import { db } from '../lib/db';
import { logger } from '../lib/logger';

export interface InvoiceRow {
  id: string;
  customerId: string;
  status: 'open' | 'paid' | 'void';
  totalCents: number;
}

/** Billing rules: which invoices a customer owes, and what happens when one is paid. */
export class BillingService {
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
}
