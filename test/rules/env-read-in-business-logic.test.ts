import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'env-read-in-business-logic';

describe('env-read-in-business-logic (TypeScript/JavaScript)', () => {
  it('flags process.env reads inside a service method, one finding per function', () => {
    const src = `export class RefundService {
  async refund(orderId: string) {
    const key = process.env.STRIPE_SECRET_KEY;
    const webhook = process.env['REFUND_WEBHOOK_URL'];
    const order = await this.orders.get(orderId);
    if (order.total > Number(process.env.MAX_AUTO_REFUND)) throw new Error('needs review');
    return { key, webhook };
  }
}
`;
    const findings = check(RULE, 'typescript', src, { path: 'src/services/refund-service.ts' });
    expect(findings.map((f) => [f.line, f.endLine])).toEqual([[3, 6]]);
    expect(findings[0]?.body).toContain('`refund()` in the business module `src/services/refund-service.ts` reads `STRIPE_SECRET_KEY`, `REFUND_WEBHOOK_URL`');
    expect(findings[0]?.severity).toBe('low');
  });

  it('flags destructuring process.env inside a function', () => {
    const src = `function mailer() {
  const { SMTP_HOST, SMTP_PORT } = process.env;
  return { host: SMTP_HOST, port: Number(SMTP_PORT) };
}
`;
    expect(lines(check(RULE, 'javascript', src, { path: 'src/domain/mail.js' }))).toEqual([2]);
  });

  it('accepts reads at module level, in a config module, or as an overridable default', () => {
    const moduleLevel = `const MAX_AUTO_REFUND = Number(process.env.MAX_AUTO_REFUND ?? 100);
export const canAutoRefund = (cents: number) => cents <= MAX_AUTO_REFUND;
`;
    expect(check(RULE, 'typescript', moduleLevel, { path: 'src/services/refunds.ts' })).toEqual([]);
    const config = `export function readConfig() {
  return { stripeKey: process.env.STRIPE_SECRET_KEY };
}
`;
    expect(check(RULE, 'typescript', config, { path: 'src/services/config.ts' })).toEqual([]);
    expect(check(RULE, 'typescript', config, { path: 'src/config/env.ts' })).toEqual([]);
    expect(check(RULE, 'typescript', config, { path: 'src/adapters/stripe.ts' })).toEqual([]);
    const injected = `export function makeRefunds(limit = Number(process.env.MAX_AUTO_REFUND)) {
  return (cents: number) => cents <= limit;
}
`;
    expect(check(RULE, 'typescript', injected, { path: 'src/services/refunds.ts' })).toEqual([]);
  });

  it('accepts feature-flag modules, storage adapters behind a port and test utilities', () => {
    const flag = `export class GetFeatureFlag {
  execute(command: { key: string }) {
    return process.env[command.key] === 'true';
  }
}
`;
    expect(check(RULE, 'typescript', flag, { path: 'apps/api/src/app/feature-flags/usecases/get-feature-flag/get-feature-flag.usecase.ts' })).toEqual([]);
    const storage = `export class GCSStorageService extends StorageService {
  async upload(key: string, body: Buffer) {
    return this.gcs.bucket(process.env.GCS_BUCKET_NAME).file(key).save(body);
  }
}
`;
    expect(check(RULE, 'typescript', storage, { path: 'apps/api/src/app/shared/services/storage/storage.service.ts' })).toEqual([]);
    const utils = `export function testEnv() {
  return process.env.DB_TEMP_NAME;
}
`;
    expect(check(RULE, 'typescript', utils, { path: 'packages/core/medusa-test-utils/src/services/utils.ts' })).toEqual([]);
  });

  it('is summary-only, below the default min_confidence', () => {
    const src = `export class InviteUseCase {
  execute() {
    return process.env.HUBSPOT_TOKEN;
  }
}
`;
    const findings = check(RULE, 'typescript', src, { path: 'src/usecases/invite.usecase.ts' });
    expect(findings[0]?.confidence).toBe(0.1);
    expect(findings[0]?.demotion?.reason).toBe('low-confidence');
  });

  it('does not report a read on a line the change did not touch', () => {
    const src = `export function key() {
  return process.env.STRIPE_SECRET_KEY;
}
`;
    expect(check(RULE, 'typescript', src, { changed: [1, 3] })).toEqual([]);
  });
});

describe('env-read-in-business-logic (Python)', () => {
  it('flags os.environ and os.getenv inside a service function', () => {
    const src = `import os
from os import getenv

def charge(order):
    api_key = os.environ["STRIPE_API_KEY"]
    currency = os.environ.get("DEFAULT_CURRENCY", "usd")
    region = getenv("AWS_REGION")
    return api_key, currency, region
`;
    const findings = check(RULE, 'python', src, { path: 'app/services/billing.py' });
    expect(findings.map((f) => [f.line, f.endLine])).toEqual([[5, 7]]);
    expect(findings[0]?.body).toContain('`STRIPE_API_KEY`, `DEFAULT_CURRENCY`, `AWS_REGION`');
  });

  it('accepts settings.py and module-level reads', () => {
    const src = `import os

STRIPE_API_KEY = os.environ["STRIPE_API_KEY"]

def stripe_key():
    return os.environ["STRIPE_API_KEY"]
`;
    expect(check(RULE, 'python', src, { path: 'app/core/settings.py' })).toEqual([]);
    expect(check(RULE, 'python', 'import os\n\nTIMEOUT = float(os.getenv("HTTP_TIMEOUT", "10"))\n', { path: 'app/services/http.py' })).toEqual([]);
  });
});

describe('env-read-in-business-logic (Go)', () => {
  it('flags os.Getenv inside a domain function', () => {
    const src = `package billing

import "os"

func FeeCents(amount int64) int64 {
	if os.Getenv("FEE_WAIVER") == "true" {
		return 0
	}
	return amount * 29 / 1000
}
`;
    const findings = check(RULE, 'go', src, { path: 'internal/domain/billing/fees.go' });
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.body).toContain('`FeeCents()`');
  });

  it('accepts os.Getenv under cmd/', () => {
    const src = `package main

import "os"

func main() {
	addr := os.Getenv("ADDR")
	_ = addr
}
`;
    expect(check(RULE, 'go', src, { path: 'cmd/api/main.go' })).toEqual([]);
    expect(check(RULE, 'go', src, { path: 'internal/service/main.go' })).toEqual([]);
  });
});

describe('env-read-in-business-logic (Java)', () => {
  it('flags System.getenv inside a service method', () => {
    const src = `package com.acme.billing.service;

public class InvoiceService {
  public String bucket() {
    return System.getenv("INVOICE_BUCKET");
  }
}
`;
    const findings = check(RULE, 'java', src, { path: 'src/main/java/com/acme/billing/service/InvoiceService.java' });
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('`INVOICE_BUCKET`');
  });

  it('accepts System.getenv in a *Config class', () => {
    const src = `package com.acme.billing.service;

public class BillingConfig {
  public String bucket() {
    return System.getenv("INVOICE_BUCKET");
  }
}
`;
    expect(check(RULE, 'java', src, { path: 'src/main/java/com/acme/billing/service/BillingConfig.java' })).toEqual([]);
  });
});
