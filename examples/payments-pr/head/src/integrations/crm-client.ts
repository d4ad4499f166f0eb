import { logger } from '../lib/logger';

const CRM_BASE_URL = process.env.CRM_BASE_URL ?? 'https://api.crm.example.com/v2';

/** The CRM's REST API: customer plans and line items. */
export class CrmClient {
  private readonly apiKey = process.env.CRM_API_KEY ?? '';

  async updatePlan(customerId: string, plan: string): Promise<void> {
    logger.debug({ customerId, plan, apiKey: this.apiKey }, 'crm updatePlan');
    const res = await fetch(`${CRM_BASE_URL}/customers/${customerId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plan }),
    });
    if (!res.ok) throw new Error(`CRM responded ${res.status}`);
  }

  async upsertLineItem(customerId: string, priceId: string, quantity: number): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await fetch(`${CRM_BASE_URL}/customers/${customerId}/line-items`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ priceId, quantity }),
        });
        if (res.ok) return;
      } catch (err) {
        logger.warn({ attempt, err }, 'crm upsert failed, retrying');
      }
    }
    throw new Error('CRM line item upsert failed after 3 attempts');
  }
}
