import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'vendor-type-in-exported-signature';

describe('vendor-type-in-exported-signature (TypeScript)', () => {
  it('flags exported functions, public methods and interfaces that expose Stripe and AWS types', () => {
    const src = `import Stripe from 'stripe';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';

export async function chargeOrder(order: Order): Promise<Stripe.PaymentIntent> {
  return gateway.charge(order);
}

export const fetchInvoicePdf = async (key: string): Promise<GetObjectCommandOutput> => storage.get(key);

export interface Receipt {
  orderId: string;
  charge: Stripe.Charge;
}

export class RefundService {
  constructor(private readonly stripe: Stripe, private readonly s3: S3Client) {}
  async refund(refund: Stripe.RefundCreateParams): Promise<void> {}
  private toDomain(r: Stripe.Refund): Refund {
    return { id: r.id };
  }
}
`;
    const findings = check(RULE, 'typescript', src, { path: 'src/services/billing.ts' });
    expect(lines(findings)).toEqual([4, 8, 12, 17]);
    expect(findings[0]?.title).toBe('`chargeOrder()` exposes Stripe SDK types');
    expect(findings[0]?.body).toContain('`Stripe.PaymentIntent`');
    expect(findings[1]?.body).toContain('`GetObjectCommandOutput` from the AWS SDK');
    expect(findings[2]?.title).toBe('interface `Receipt` exposes Stripe SDK types');
    expect(findings[3]?.title).toBe('`RefundService.refund()` exposes Stripe SDK types');
    expect(findings[0]?.category).toBe('abstraction');
  });

  it('accepts domain types in the signature, a private mapper, a constructor-injected client and Prisma types', () => {
    const src = `import Stripe from 'stripe';
import type { Order } from '@prisma/client';

export interface PaymentResult { id: string; status: 'succeeded' | 'failed'; amountCents: number }

export class CheckoutService {
  constructor(private readonly stripe: Stripe) {}
  async charge(order: Order): Promise<PaymentResult> {
    return this.toResult(await this.stripe.paymentIntents.create({ amount: order.totalCents, currency: 'usd' }));
  }
  private toResult(pi: Stripe.PaymentIntent): PaymentResult {
    return { id: pi.id, status: pi.status === 'succeeded' ? 'succeeded' : 'failed', amountCents: pi.amount };
  }
}
`;
    expect(check(RULE, 'typescript', src, { path: 'src/services/checkout.ts' })).toEqual([]);
  });

  it('accepts vendor types in an adapter module', () => {
    const src = `import Stripe from 'stripe';
export async function createIntent(stripe: Stripe, cents: number): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({ amount: cents, currency: 'usd' });
}
`;
    expect(check(RULE, 'typescript', src, { path: 'src/adapters/payments.ts' })).toEqual([]);
  });

  it('does not report a signature on a line the change did not touch', () => {
    const src = `import Stripe from 'stripe';
export function last4(card: Stripe.PaymentMethod.Card): string {
  return card.last4;
}
`;
    expect(check(RULE, 'typescript', src, { changed: [3] })).toEqual([]);
    expect(lines(check(RULE, 'typescript', src, { changed: [2] }))).toEqual([2]);
  });
});

describe('vendor-type-in-exported-signature (Python)', () => {
  it('flags public functions and methods annotated with stripe and mypy_boto3 types', () => {
    const src = `import stripe
from mypy_boto3_s3 import S3Client

def charge_order(order: Order) -> stripe.PaymentIntent:
    ...

class InvoiceStore:
    def __init__(self, s3: S3Client) -> None:
        self._s3 = s3

    def upload(self, client: "S3Client", key: str) -> None:
        ...

    def _to_domain(self, pi: stripe.PaymentIntent) -> Payment:
        ...
`;
    const findings = check(RULE, 'python', src, { path: 'app/services/billing.py' });
    expect(lines(findings)).toEqual([4, 11]);
    expect(findings[0]?.body).toContain('`stripe.PaymentIntent`');
    expect(findings[1]?.title).toBe('`InvoiceStore.upload()` exposes AWS SDK types');
  });

  it('accepts private helpers and domain dataclasses', () => {
    const src = `import stripe
from dataclasses import dataclass

@dataclass
class Payment:
    id: str
    amount_cents: int

def charge_order(order) -> Payment:
    return _to_domain(stripe.PaymentIntent.create(amount=order.total, currency="usd"))

def _to_domain(pi: stripe.PaymentIntent) -> Payment:
    return Payment(id=pi.id, amount_cents=pi.amount)
`;
    expect(check(RULE, 'python', src, { path: 'app/services/billing.py' })).toEqual([]);
  });
});

describe('vendor-type-in-exported-signature (Go)', () => {
  it('flags exported functions and interfaces using stripe-go and S3 types', () => {
    const src = `package billing

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stripe/stripe-go/v76"
)

type Gateway interface {
	Charge(ctx context.Context, cents int64) (*stripe.PaymentIntent, error)
}

func Download(ctx context.Context, key string) (*s3.GetObjectOutput, error) {
	return nil, nil
}

func NewService(client *s3.Client) *Service { return &Service{s3: client} }

func toDomain(pi *stripe.PaymentIntent) Payment { return Payment{ID: pi.ID} }
`;
    const findings = check(RULE, 'go', src, { path: 'internal/service/billing.go' });
    expect(lines(findings)).toEqual([11, 14]);
    expect(findings[0]?.title).toBe('interface `Gateway` exposes Stripe SDK types');
    expect(findings[1]?.body).toContain('`s3.GetObjectOutput`');
  });

  it('accepts exported functions that use only domain types', () => {
    const src = `package billing

import (
	"context"

	"github.com/stripe/stripe-go/v76"
)

type Payment struct{ ID string }

func Charge(ctx context.Context, cents int64) (Payment, error) {
	return Payment{}, nil
}

func toDomain(pi *stripe.PaymentIntent) Payment { return Payment{ID: pi.ID} }
`;
    expect(check(RULE, 'go', src, { path: 'internal/service/billing.go' })).toEqual([]);
  });
});

describe('vendor-type-in-exported-signature (Java)', () => {
  it('flags a public method returning a Stripe model type', () => {
    const src = `package com.acme.billing.service;

import com.stripe.model.PaymentIntent;
import java.util.List;

public class BillingService {
  public PaymentIntent charge(Order order) {
    return null;
  }

  public List<com.stripe.model.Refund> refunds(String orderId) {
    return List.of();
  }

  private PaymentIntent lookup(String id) {
    return null;
  }
}
`;
    const findings = check(RULE, 'java', src, { path: 'src/main/java/com/acme/billing/service/BillingService.java' });
    expect(lines(findings)).toEqual([7, 11]);
    expect(findings[0]?.title).toBe('`BillingService.charge()` exposes Stripe SDK types');
  });

  it('accepts public methods with domain types and vendor types in private methods', () => {
    const src = `package com.acme.billing.service;

import com.stripe.model.PaymentIntent;

public class BillingService {
  public Payment charge(Order order) {
    return toDomain(create(order));
  }

  private Payment toDomain(PaymentIntent intent) {
    return new Payment(intent.getId());
  }
}
`;
    expect(check(RULE, 'java', src, { path: 'src/main/java/com/acme/billing/service/BillingService.java' })).toEqual([]);
  });
});
