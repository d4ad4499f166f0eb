import { importStatements } from '../ast/import-bindings.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { isBusinessContext, isNamedAfterVendor } from './business-layer.js';
import { vendorOfModule } from './vendor-sdks.js';

/**
 * A domain or service module (under `domain/`, `services/`, `usecases/`, `models/`, … and not under
 * `adapters/`, `integrations/`, `infrastructure/`, …) that imports a vendor SDK directly.
 */
export const domainImportsVendorSdk: Rule = {
  id: 'domain-imports-vendor-sdk',
  category: 'coupling',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Business logic imports a vendor SDK directly',
  // Real-world corpus (issue 8): 3 TP / 3, too few to measure: 0.85 is an estimate.
  confidence: 0.85,
  exemptions:
    'Files that are not business logic: adapters and client wrappers (under `adapters/`, `integrations/`, `providers/`, `clients/`…, named `*Client`/`*Gateway`/`*Adapter`, or a class implementing a port, provider or storage base), modules named after the vendor (`services/stripe.ts`), tests, scripts, migrations, entry points and config modules. Business logic is recognised by folder (`domain/`, `services/`, `usecases/`, `models/`…) or by content (use-case classes, transactional Spring services, JPA entities, Django models).',
  why:
    'Business rules now compile against the vendor\'s API: an SDK major bump or API-version change ripples through every domain file that touches it, switching or adding a provider means rewriting business logic, and the logic cannot be unit-tested without mocking the SDK.',
  fix:
    'Define a small port in the domain (e.g. `PaymentGateway { charge(order): Promise<ChargeResult> }`) in your own types, implement it in an adapter under `integrations/` (or `adapters/`) that owns the SDK, its config, timeouts and error mapping, and inject the adapter at the composition root.',
  check(ctx: RuleContext): RuleMatch[] {
    if (!isBusinessContext(ctx)) return [];
    // One finding per vendor, on its first import: a second import of an SDK the file already depends on adds no new coupling.
    const byVendor = new Map<string, { line: number; endLine: number; modules: string[]; typeOnly: boolean; name: string }>();
    for (const imp of importStatements(ctx.root, ctx.language)) {
      const vendor = vendorOfModule(ctx.language, imp.module);
      // `services/stripe.ts` or `services/slack/notify.py` is that vendor's adapter, whatever its folder.
      if (!vendor || isNamedAfterVendor(ctx.path, vendor.keys)) continue;
      const seen = byVendor.get(vendor.name);
      if (seen) {
        if (!seen.modules.includes(imp.module)) seen.modules.push(imp.module);
        seen.typeOnly &&= imp.typeOnly;
      } else byVendor.set(vendor.name, { line: imp.line, endLine: imp.endLine, modules: [imp.module], typeOnly: imp.typeOnly, name: vendor.name });
    }
    // Vendors first imported on the same line (`import stripe, boto3`) share one finding: one comment per line.
    const byLine = new Map<number, (typeof byVendor extends Map<string, infer V> ? V : never)[]>();
    for (const v of byVendor.values()) byLine.set(v.line, [...(byLine.get(v.line) ?? []), v]);
    const out: RuleMatch[] = [];
    for (const group of byLine.values()) {
      const first = group[0] as (typeof group)[number];
      const modules = group.flatMap((v) => v.modules);
      const listed = modules.slice(0, 3).map((m) => `\`${m}\``).join(', ') + (modules.length > 3 ? ', …' : '');
      const names = group.map((v) => v.name);
      const vendors = names.length === 1 ? `the ${names[0]} SDK` : `the ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} SDKs`;
      out.push({
        line: first.line,
        ...(first.endLine > first.line ? { endLine: first.endLine } : {}),
        title: `Business logic imports ${vendors} directly`,
        detail: `\`${ctx.path}\` is business logic but ${group.every((v) => v.typeOnly) ? 'imports types from' : 'imports'} ${listed} (${names.join(', ')} SDK${names.length > 1 ? 's' : ''}) directly, so this module is bound to ${names.join(' and ')}'s client, types and error classes.`,
      });
    }
    return out;
  },
};
