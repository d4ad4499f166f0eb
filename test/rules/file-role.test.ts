import { describe, expect, it } from 'vitest';
import { fileRoles, hasFileRole, isOutsideRuntime } from '../../src/rules/file-role.js';

describe('fileRoles', () => {
  it('finds tests by path, name and content', () => {
    expect(fileRoles('src/orders/order.test.ts')).toContain('test');
    expect(fileRoles('pkg/services/smtp/smtp_test.go')).toContain('test');
    expect(fileRoles('hc/api/tests/test_notify.py')).toContain('test');
    expect(fileRoles('src/main/java/com/acme/PaymentServiceTest.java')).toContain('test');
    expect(fileRoles('packages/core/medusa-test-utils/src/utils.ts')).toContain('test');
    expect(fileRoles('src/orders/helpers.ts', "import { describe } from 'vitest';\n")).toContain('test');
    expect(fileRoles('src/orders/latest.ts')).not.toContain('test');
  });

  it('finds command-line entry points', () => {
    expect(fileRoles('shoutrrr/cmd/send/send.go')).toContain('cli');
    expect(fileRoles('hc/api/management/commands/sendalerts.py')).toContain('cli');
    expect(fileRoles('tool.go', 'package main\n\nimport "os"\n\nfunc main() {\n}\n')).toContain('cli');
    expect(fileRoles('app/run.py', 'import argparse\n')).toContain('cli');
    expect(fileRoles('src/run.ts', "import { Command } from 'commander';\n")).toContain('cli');
    expect(fileRoles('pkg/router/router.go', 'package router\n\nfunc main() {}\n')).not.toContain('cli');
    expect(fileRoles('src/app/orders/commands/create-order.command.ts')).not.toContain('cli');
  });

  it('finds config loading and validation', () => {
    expect(fileRoles('src/config/env.ts')).toContain('config');
    expect(fileRoles('hc/settings.py')).toContain('config');
    expect(fileRoles('src/main/java/com/acme/StripeConfig.java')).toContain('config');
    expect(fileRoles('src/app.config.ts')).toContain('config');
    expect(fileRoles('apps/api/src/app/feature-flags/use-cases/get-feature-flag/get-feature-flag.use-case.ts')).toContain('config');
    expect(fileRoles('packages/application-generic/src/usecases/get-feature-flag/get-use-merged-digest-id.use-case.ts')).toContain('config');
    expect(fileRoles('src/payments.py', 'class Settings(BaseSettings):\n    key: str\n')).toContain('config');
    expect(fileRoles('src/main/java/A.java', '@ConfigurationProperties(prefix = "stripe")\npublic class A {}')).toContain('config');
    expect(fileRoles('src/services/billing.ts')).not.toContain('config');
    expect(fileRoles('src/auth/strategies/github.strategy.ts', "import { ConfigService } from '@nestjs/config';\n")).not.toContain('config');
  });

  it('finds scripts and migrations', () => {
    expect(fileRoles('scripts/backfill.ts')).toContain('script');
    expect(fileRoles('examples/payments/main.py')).toContain('script');
    expect(fileRoles('setup.py')).toContain('script');
    expect(fileRoles('src/main/java/io/github/jhipster/sample/service/UserService.java')).not.toContain('script');
    expect(fileRoles('saleor/plugins/sendgrid/tasks.py')).not.toContain('script');
    expect(fileRoles('tools/auth/github.go')).not.toContain('script');
    expect(fileRoles('hc/api/migrations/0042_auto.py')).toContain('migration');
    expect(fileRoles('src/db/1700000000-AddOrders.ts', 'export class AddOrders implements MigrationInterface {}')).toContain('migration');
    expect(fileRoles('db/V12__add_column.java')).toContain('migration');
    expect(fileRoles('src/services/orders.ts')).toEqual([]);
  });

  it('finds adapters by folder, name and class shape', () => {
    expect(fileRoles('src/integrations/stripe/charge.ts')).toContain('adapter');
    expect(fileRoles('src/services/stripe-client.ts')).toContain('adapter');
    expect(fileRoles('hc/api/transports.py')).toContain('adapter');
    expect(fileRoles('apps/api/src/app/shared/services/storage/storage.service.ts', 'export class GCSStorageService extends StorageService {\n}')).toContain('adapter');
    expect(fileRoles('src/storage.ts', 'export class S3Adapter implements FileStoragePort {}')).toContain('adapter');
    expect(fileRoles('apprise/notify_x.py', 'class NotifyDiscord(NotifyBase):\n    pass\n')).toContain('adapter');
    expect(fileRoles('src/services/order.service.ts', 'export class OrderService implements IOrderService {}')).not.toContain('adapter');
  });

  it('answers role questions', () => {
    expect(hasFileRole('cmd/x/main.go', '', 'cli', 'test')).toBe(true);
    expect(isOutsideRuntime('scripts/x.py')).toBe(true);
    expect(isOutsideRuntime('internal/auth/github/config.go')).toBe(false);
    expect(isOutsideRuntime('src/integrations/stripe.ts')).toBe(false);
    expect(isOutsideRuntime('src/services/billing.ts')).toBe(false);
  });
});
