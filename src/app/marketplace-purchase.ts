/**
 * GitHub Marketplace plan changes (`marketplace_purchase` webhooks), which GitHub sends to a listed
 * app's webhook URL. arch-review has no paid features to switch, so it only records them: one log line
 * and `marketplace_events_total{action}`. The log names the account by login and the plan; it never
 * carries the billing email or the sender's details that the payload also holds.
 */

/** The actions GitHub sends for `marketplace_purchase`. */
export const MARKETPLACE_ACTIONS = ['purchased', 'changed', 'cancelled', 'pending_change', 'pending_change_cancelled'] as const;

export type MarketplaceAction = (typeof MARKETPLACE_ACTIONS)[number];

/** The part of a `marketplace_purchase` payload this module reads (checked at the webhook edge). */
export interface MarketplacePurchasePayload {
  action: string;
  effective_date?: string | null;
  marketplace_purchase: MarketplacePurchase;
  previous_marketplace_purchase?: Partial<MarketplacePurchase> | null;
}

interface MarketplacePurchase {
  account: { login: string; type: string };
  plan: { id: number; name: string };
  billing_cycle?: string | null;
  unit_count?: number | null;
  on_free_trial?: boolean | null;
}

/** What one `marketplace_purchase` delivery is logged with: the account login, never its email. */
export interface MarketplaceLogFields {
  action: string;
  account: string;
  accountType: string;
  plan: string;
  planId: number;
  billingCycle?: string;
  units?: number;
  freeTrial?: boolean;
  previousPlan?: string;
  effectiveDate?: string;
}

/**
 * The metric label for an action: one of {@link MARKETPLACE_ACTIONS}, or `other` so that a new action
 * GitHub may add cannot grow the label set without bound.
 *
 * @example marketplaceActionLabel('purchased') // 'purchased'
 */
export function marketplaceActionLabel(action: string): MarketplaceAction | 'other' {
  return (MARKETPLACE_ACTIONS as readonly string[]).includes(action) ? (action as MarketplaceAction) : 'other';
}

/**
 * The log fields of a `marketplace_purchase` delivery, chosen field by field so no billing email or
 * other personal data in the payload reaches the log.
 *
 * @example
 * marketplaceLogFields(payload)
 * // { action: 'changed', account: 'acme', accountType: 'Organization', plan: 'Team', planId: 7, previousPlan: 'Free', … }
 */
export function marketplaceLogFields(payload: MarketplacePurchasePayload): MarketplaceLogFields {
  const p = payload.marketplace_purchase;
  const previous = payload.previous_marketplace_purchase?.plan?.name;
  return {
    action: payload.action,
    account: p.account.login,
    accountType: p.account.type,
    plan: p.plan.name,
    planId: p.plan.id,
    ...(p.billing_cycle ? { billingCycle: p.billing_cycle } : {}),
    ...(typeof p.unit_count === 'number' ? { units: p.unit_count } : {}),
    ...(typeof p.on_free_trial === 'boolean' ? { freeTrial: p.on_free_trial } : {}),
    ...(previous ? { previousPlan: previous } : {}),
    ...(payload.effective_date ? { effectiveDate: payload.effective_date } : {}),
  };
}
