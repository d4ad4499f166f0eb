import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'domain-imports-vendor-sdk';

describe('domain-imports-vendor-sdk (TypeScript/JavaScript)', () => {
  it('flags a domain service importing Stripe and the AWS SDK, once per vendor', () => {
    const src = `import Stripe from 'stripe';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Order } from './order.js';

export class CheckoutService {
  constructor(private readonly stripe: Stripe, private readonly s3: S3Client) {}
}
`;
    const findings = check(RULE, 'typescript', src, { path: 'src/domain/checkout/checkout-service.ts' });
    expect(lines(findings)).toEqual([1, 2]);
    expect(findings[0]?.title).toBe('Business logic imports the Stripe SDK directly');
    expect(findings[1]?.body).toContain('`@aws-sdk/client-s3`, `@aws-sdk/s3-request-presigner` (AWS SDK)');
    expect(findings[1]?.body).toContain('port');
    expect(findings[0]?.category).toBe('coupling');
  });

  it('flags a CommonJS require of Twilio in a use case', () => {
    const src = `const twilio = require('twilio');

async function sendOtp(user) {
  const client = twilio(process.env.TWILIO_SID, process.env.TWILIO_TOKEN);
  await client.messages.create({ to: user.phone, from: '+15550100', body: user.otp });
}

module.exports = { sendOtp };
`;
    expect(lines(check(RULE, 'javascript', src, { path: 'src/usecases/send-otp.js' }))).toEqual([1]);
  });

  it('accepts the same imports in an integration adapter, or in a service named after the vendor', () => {
    const src = `import Stripe from 'stripe';

export function createStripeGateway(stripe: Stripe) {
  return { charge: (cents: number) => stripe.paymentIntents.create({ amount: cents, currency: 'usd' }) };
}
`;
    expect(check(RULE, 'typescript', src, { path: 'src/integrations/stripe/gateway.ts' })).toEqual([]);
    expect(check(RULE, 'typescript', src, { path: 'src/services/payments/stripe.ts' })).toEqual([]);
    expect(check(RULE, 'typescript', src, { path: 'src/services/payment-gateway.ts' })).toEqual([]);
  });

  it('accepts a domain module that depends on its own port', () => {
    const src = `import type { PaymentGateway } from './ports.js';
import { z } from 'zod';

export async function checkout(gateway: PaymentGateway, cents: number) {
  return gateway.charge(z.number().int().positive().parse(cents));
}
`;
    expect(check(RULE, 'typescript', src, { path: 'src/domain/checkout.ts' })).toEqual([]);
  });

  it('does not report an import on a line the change did not touch', () => {
    const src = `import Stripe from 'stripe';

export const fee = (cents: number) => Math.round(cents * 0.029) + 30;
`;
    expect(check(RULE, 'typescript', src, { changed: [3] })).toEqual([]);
  });
});

describe('domain-imports-vendor-sdk (Python)', () => {
  it('flags boto3 and twilio imported into a service module', () => {
    const src = `import logging
import boto3
from twilio.rest import Client

from app.domain.orders import Order

log = logging.getLogger(__name__)
`;
    const findings = check(RULE, 'python', src, { path: 'app/services/notifications.py' });
    expect(lines(findings)).toEqual([2, 3]);
    expect(findings[1]?.body).toContain('`twilio.rest` (Twilio SDK)');
  });

  it('reports vendors imported on the same line as one finding', () => {
    const findings = check(RULE, 'python', 'import stripe, boto3\n', { path: 'app/domain/billing.py' });
    expect(lines(findings)).toEqual([1]);
    expect(findings[0]?.title).toBe('Business logic imports the Stripe and AWS SDKs directly');
  });

  it('accepts vendor imports in an adapters package and relative imports in the domain', () => {
    const src = `import boto3
from . import ports
`;
    expect(check(RULE, 'python', src, { path: 'app/adapters/s3_storage.py' })).toEqual([]);
    expect(check(RULE, 'python', `from .ports import Storage\nfrom dataclasses import dataclass\n`, { path: 'app/domain/invoices.py' })).toEqual([]);
  });
});

describe('domain-imports-vendor-sdk (Go)', () => {
  it('flags stripe-go imported into a domain package', () => {
    const src = `package billing

import (
	"context"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/paymentintent"
)

func Charge(ctx context.Context, cents int64) error {
	_, err := paymentintent.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(cents)})
	return err
}
`;
    const findings = check(RULE, 'go', src, { path: 'internal/domain/billing/charge.go' });
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.body).toContain('`github.com/stripe/stripe-go/v76`, `github.com/stripe/stripe-go/v76/paymentintent`');
  });

  it('accepts the SDK in an infrastructure package', () => {
    const src = `package stripeadapter

import "github.com/stripe/stripe-go/v76"

var _ = stripe.Key
`;
    expect(check(RULE, 'go', src, { path: 'internal/infrastructure/payments/adapter.go' })).toEqual([]);
  });
});

describe('domain-imports-vendor-sdk (Java)', () => {
  it('flags Stripe model classes imported into a service', () => {
    const src = `package com.acme.billing.service;

import com.stripe.model.PaymentIntent;
import com.stripe.param.PaymentIntentCreateParams;
import java.util.List;

public class BillingService {
}
`;
    const findings = check(RULE, 'java', src, { path: 'src/main/java/com/acme/billing/service/BillingService.java' });
    expect(lines(findings)).toEqual([3]);
    expect(findings[0]?.title).toBe('Business logic imports the Stripe SDK directly');
  });

  it('accepts the SDK in a gateway class and JDK imports in a service', () => {
    const src = `package com.acme.billing.gateway;

import com.stripe.model.PaymentIntent;
`;
    expect(check(RULE, 'java', src, { path: 'src/main/java/com/acme/billing/gateway/StripeGateway.java' })).toEqual([]);
    expect(check(RULE, 'java', 'import java.util.List;\nimport org.springframework.stereotype.Service;\n', { path: 'src/main/java/com/acme/billing/service/BillingService.java' })).toEqual([]);
  });
});

describe('domain-imports-vendor-sdk (business module by name and content)', () => {
  it('flags a use-case file, a transactional Spring service and a Django model outside business folders', () => {
    const ts = `import Stripe from 'stripe';\nexport class CreateOrderUseCase {}\n`;
    expect(lines(check(RULE, 'typescript', ts, { path: 'apps/api/src/app/orders/create-order.usecase.ts' }))).toEqual([1]);
    const java = `package com.acme.orders;

import com.stripe.model.PaymentIntent;

@Service
public class OrderManager {
  @Transactional
  public void place(Order o) {}
}
`;
    expect(lines(check(RULE, 'java', java, { path: 'src/main/java/com/acme/orders/OrderManager.java' }))).toEqual([3]);
    const nest = `import { Injectable } from '@nestjs/common';
import { WebClient } from '@slack/web-api';

@Injectable()
export class TeamInvitationService {
  constructor(private readonly prisma: PrismaService) {}
}
`;
    expect(lines(check(RULE, 'typescript', nest, { path: 'src/team-invitation/team-invitation.service.ts' }))).toEqual([2]);
    const repo = `import com.github.qcloudsms.SmsSingleSender;

@Service
public class AdminOrderService {
  private final OrderRepository orders;
}
`;
    expect(lines(check(RULE, 'java', repo, { path: 'admin/src/main/java/org/acme/admin/AdminOrderService.java' }))).toEqual([1]);
    const py = `import stripe\nfrom django.db import models\n\nclass Order(models.Model):\n    total = models.IntegerField()\n`;
    expect(lines(check(RULE, 'python', py, { path: 'shop/orders/order.py' }))).toEqual([1]);
  });

  it('does not treat a monorepo packages/core folder, a port implementation or a plain class as business logic', () => {
    const ts = `import Stripe from 'stripe';\nexport function charge() {}\n`;
    expect(check(RULE, 'typescript', ts, { path: 'packages/core/utils/src/charge.ts' })).toEqual([]);
    expect(check(RULE, 'typescript', ts, { path: 'src/orders/charge.ts' })).toEqual([]);
    const mailer = `import { Injectable } from '@nestjs/common';\nimport { Resend } from 'resend';\n\n@Injectable()\nexport class MailService {\n  send() {}\n}\n`;
    expect(check(RULE, 'typescript', mailer, { path: 'src/mail/mail.service.ts' })).toEqual([]);
    const adapter = `import Stripe from 'stripe';\nexport class StripeGateway implements PaymentGateway {}\n`;
    expect(check(RULE, 'typescript', adapter, { path: 'src/services/payments.ts' })).toEqual([]);
  });
});
