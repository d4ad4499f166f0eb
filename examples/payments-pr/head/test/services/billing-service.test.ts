import { describe, expect, it, vi } from 'vitest';
import { db } from '../../src/lib/db';
import { BillingService } from '../../src/services/billing-service';

vi.mock('../../src/lib/db', () => ({ db: { query: vi.fn() } }));

describe('BillingService', () => {
  it('sums the open invoices of a customer', async () => {
    vi.mocked(db.query).mockResolvedValue({ rows: [{ totalCents: 1200 }, { totalCents: 800 }] } as never);
    await expect(new BillingService().balanceCents('cus_123')).resolves.toBe(2000);
  });
});
