import type { Finding } from '../review/finding.js';
import { fingerprint } from '../review/fingerprint.js';
import { importStatements } from '../rules/ast/import-bindings.js';
import { vendorTypeSignatures } from '../rules/abstraction/vendor-type-in-exported-signature.js';
import { isNamedAfterVendor } from '../rules/coupling/business-layer.js';
import { UMBRELLA_VENDORS, vendorOfModule, vendorSdks } from '../rules/coupling/vendor-sdks.js';
import {
  adapterBypass,
  duplicateRetryForWrappedService,
  newIntegrationWithoutResilience,
  vendorSdkOutsideAdapter,
  vendorTypeCrossesAdapter,
} from '../rules/families/repository.js';
import { hasFileRole, isOutsideRuntime, nameWords } from '../rules/file-role.js';
import { DEFAULT_RULE_CONFIDENCE, ruleFindingBody } from '../rules/run-rules.js';
import type { Rule, RuleContext } from '../rules/types.js';
import { isModuleOutsideRuntime } from './build-model.js';
import { parseFile } from './extract-points.js';
import { vendorClientsOf } from './file-facts.js';
import { moduleOf, resolveImport } from './module-graph.js';
import type { SgNode } from '@ast-grep/napi';
import type { Adapter, IntegrationModel, IntegrationPoint, SourceFile } from './types.js';

export interface RepositoryFindingsInput {
  /** The repository at the head: the base snapshot with the changed files' head versions. */
  model: IntegrationModel;
  /** The repository at the base, to tell a new service or a new retry from one the base has. */
  baseModel?: IntegrationModel;
  /** Added head lines per changed path: a finding is only ever on one of them. */
  added: ReadonlyMap<string, ReadonlySet<number>>;
  /** Head versions of the changed files (for imports, signatures and the code a fingerprint hashes). */
  files?: ReadonlyMap<string, SourceFile>;
  /** Only these repository rules run (by id); default: all five. */
  ruleIds?: ReadonlySet<string>;
}

/** How much lower a finding on a point the model only guesses is remote (`certainty: 'probable'`) is trusted. */
const PROBABLE_PENALTY = 0.15;

/** Kinds of points the repository keeps behind adapters and clients (databases and caches are not judged). */
const JUDGED_KINDS = new Set<IntegrationPoint['kind']>(['http', 'sdk', 'messaging']);

// Umbrella vendors (`UMBRELLA_VENDORS`: AWS, Google Cloud, …) never make an adapter-bypass or an SDK-outside-adapter finding.

/**
 * Vendors whose SDK clients retry with backoff (and bound each try) unless told not to: AWS (standard mode,
 * 3 attempts), Azure (`StorageRetryOptions`: 4 tries, exponential), Google Cloud (gax retry settings for
 * idempotent calls). A new dependency on them is never "without a retry policy".
 */
const RETRYING_SDKS = new Set(['AWS', 'Google Cloud', 'Azure']);

/**
 * A service the model named with an identity that holds across files: a vendor SDK, a host, a broker. Not a
 * guess from a receiver (`paymentsClient` → `payments API`, often the repository's own wrapper), a URL
 * variable's name (`webhookURL` in one file, `postURL` in the next), an unresolved host, or an unknown
 * external call.
 */
export function isNamedService(p: IntegrationPoint): boolean {
  if (!JUDGED_KINDS.has(p.kind) || p.direction !== 'outbound') return false;
  if (p.kind === 'http') return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(p.service);
  return !/ API$|\(external\)$|^message broker$/.test(p.service);
}

/**
 * Findings that need the repository model, on the lines a change added: a direct call around the
 * repository's adapter for a service (`adapter-bypass`), a vendor SDK imported outside its adapter
 * (`vendor-sdk-outside-adapter`), a vendor type in the public signature of an adapter that business modules
 * use (`vendor-type-crosses-adapter`), a second retry around a service whose wrapper retries
 * (`duplicate-retry-for-wrapped-service`), and a new service reached with no timeout, retry or error
 * translation (`new-integration-without-resilience`). Never on tests, scripts, migrations or CLI entry points.
 *
 * @example repositoryFindings({ model, added: new Map([['src/orders/cancel.ts', new Set([12])]]) })
 */
export function repositoryFindings(input: RepositoryFindingsInput): Finding[] {
  const ctx = context(input);
  const on = (r: Rule): boolean => !input.ruleIds || input.ruleIds.has(r.id);
  const out: Finding[] = [];
  if (on(adapterBypass)) out.push(...bypasses(ctx));
  if (on(vendorSdkOutsideAdapter)) out.push(...sdkImports(ctx));
  if (on(vendorTypeCrossesAdapter)) {
    const typed = vendorTypesForAdapterValues(ctx);
    // On the same import line, the crossing type is the sharper finding: it names the adapter that leaks it.
    const at = new Set(typed.map((f) => `${f.path}:${f.line}`));
    out.splice(0, out.length, ...out.filter((f) => f.ruleId !== vendorSdkOutsideAdapter.id || !at.has(`${f.path}:${f.line}`)));
    out.push(...crossingTypes(ctx), ...typesThroughAdapters(ctx), ...typed);
  }
  if (on(duplicateRetryForWrappedService)) out.push(...duplicateRetries(ctx), ...duplicateRefreshes(ctx));
  if (on(newIntegrationWithoutResilience)) out.push(...newIntegrations(ctx));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

interface Ctx {
  input: RepositoryFindingsInput;
  adaptersOf: Map<string, Adapter[]>;
  adapterModules: Set<string>;
  /** module → modules that import it. */
  importers: Map<string, Set<string>>;
  isAdded(path: string, line: number): boolean;
  /** A changed file that is runtime code (not a test, script, migration or CLI entry point). */
  isRuntime(path: string): boolean;
  /** The vendors whose clients a changed file builds itself (see `vendorClientsOf`), read once per file. */
  builtClients(path: string, parsed?: RuleContext): ReadonlySet<string>;
  /** `path\0vendor` of the files `adapter-bypass` already told to use a client factory (their SDK import says no more). */
  toldToUseFactory: Set<string>;
}

function context(input: RepositoryFindingsInput): Ctx {
  const adaptersOf = new Map<string, Adapter[]>();
  for (const a of input.model.adapters) adaptersOf.set(a.service, [...(adaptersOf.get(a.service) ?? []), a]);
  const importers = new Map<string, Set<string>>();
  for (const [from, targets] of input.model.imports) for (const t of targets) importers.set(t, (importers.get(t) ?? new Set()).add(from));
  const built = new Map<string, Set<string>>();
  return {
    input,
    adaptersOf,
    adapterModules: new Set(input.model.adapters.map((a) => a.module)),
    importers,
    isAdded: (path, line) => input.added.get(path)?.has(line) ?? false,
    isRuntime: (path) => input.added.has(path) && !isOutsideRuntime(path, input.files?.get(path)?.source ?? ''),
    builtClients: (path, given) => {
      let vendors = built.get(path);
      if (!vendors) {
        const file = input.files?.get(path);
        const parsed = given ? { ctx: given } : file ? parseFile(file) : undefined;
        vendors = new Set(parsed && !('error' in parsed) ? vendorClientsOf(parsed.ctx).map((c) => c.vendor) : []);
        built.set(path, vendors);
      }
      return vendors;
    },
    toldToUseFactory: new Set(),
  };
}

/**
 * A point on an added line of a runtime file, in a module that is not an adapter (by the model or by name)
 * nor named after the vendor it calls: `stripe/get-invoices.ts`, `stripe-webhook.ts` are the vendor's own
 * code (a folder of one-function files, a webhook handler), not business logic around its adapter.
 */
function newPointsOutsideAdapters(ctx: Ctx): IntegrationPoint[] {
  return ctx.input.model.points.filter(
    (p) =>
      isNamedService(p) &&
      !UMBRELLA_VENDORS.has(p.service) &&
      ctx.isAdded(p.path, p.line) &&
      ctx.isRuntime(p.path) &&
      !ctx.adapterModules.has(p.module) &&
      !hasFileRole(p.path, sourceOf(ctx, p.path), 'adapter') &&
      !isNearVendorName(p.path, serviceKeys(p.service)),
  );
}

/**
 * The file, its folder or the folder above is named after the vendor (`stripe-webhook.ts`,
 * `stripe/get-invoices.ts`, `stripe/webhook/on-checkout.ts`): the vendor's own code. Only the nearest folders
 * count: in `apps/stripe/src/app/…/use-case.ts` (a whole app for one vendor) the use case is business logic.
 */
function isNearVendorName(path: string, keys: readonly string[]): boolean {
  const parts = path.split('/');
  const near = [...parts.slice(-3, -1), parts[parts.length - 1]!.replace(/\.[^.]+$/, '')];
  const words = new Set(near.flatMap(nameWords));
  return keys.some((k) => words.has(k));
}

const sourceOf = (ctx: Ctx, path: string): string => ctx.input.files?.get(path)?.source ?? '';

/** The adapters of `service` that `module` does not belong to and that do not use `module` as a helper. */
function otherAdapters(ctx: Ctx, service: string, module: string): Adapter[] {
  return (ctx.adaptersOf.get(service) ?? []).filter((a) => a.module !== module && !ctx.input.model.imports.get(a.module)?.has(module));
}

function bypasses(ctx: Ctx): Finding[] {
  const out: Finding[] = [];
  for (const p of newPointsOutsideAdapters(ctx)) {
    const adapter = otherAdapters(ctx, p.service, p.module)[0];
    if (!adapter || existedInBase(ctx, p)) continue;
    const provider = clientProviderFor(ctx, p.service, p.path, p.module);
    if (provider) {
      // One problem per file: the client built again, not each call made on it.
      const told = `${p.path}\u0000${p.service}`;
      if (ctx.toldToUseFactory.has(told)) continue;
      ctx.toldToUseFactory.add(told);
      out.push(
        finding(ctx, adapterBypass, p.path, p.line, {
          title: `Direct ${p.service} call on a client built here instead of \`${provider.name}\` of \`${provider.module}\``,
          detail: `${p.label} calls ${p.service} on a client this file builds itself. ${useProvider(p.service, provider)}`,
          confidence: confidenceOf(adapterBypass, p),
        }),
      );
      continue;
    }
    const fn = adapterFunction(ctx, adapter, p);
    const where = fn ? `\`${fn}\` in \`${adapter.module}\`` : `\`${adapter.module}\``;
    const sets = setsText(adapter);
    const share = Math.round(adapter.share * 100);
    out.push(
      finding(ctx, adapterBypass, p.path, p.line, {
        title: `Direct ${p.service} call bypasses the repository's adapter \`${adapter.module}\``,
        detail: `${p.label} calls ${p.service} directly, but the repository reaches ${p.service} through \`${adapter.module}\` (${share} % of its calls, imported by ${adapter.importedBy.length} module${adapter.importedBy.length === 1 ? '' : 's'}). Use ${where}${sets ? `, which already sets ${sets}` : ''}.`,
        confidence: confidenceOf(adapterBypass, p),
      }),
    );
  }
  return out;
}

function sdkImports(ctx: Ctx): Finding[] {
  const out: Finding[] = [];
  for (const [path, file] of ctx.input.files ?? []) {
    if (!ctx.isRuntime(path) || hasFileRole(path, file.source, 'adapter')) continue;
    const module = moduleOf(path, file.language);
    if (ctx.adapterModules.has(module)) continue;
    const parsed = parseFile(file);
    if ('error' in parsed) continue;
    const seen = new Set<string>();
    for (const imp of importStatements(parsed.ctx.root, file.language)) {
      const vendor = vendorOfModule(file.language, imp.module);
      if (!vendor || UMBRELLA_VENDORS.has(vendor.name) || seen.has(vendor.name) || !ctx.isAdded(path, imp.line) || isNamedAfterVendor(path, vendor.keys)) continue;
      const adapter = otherAdapters(ctx, vendor.name, module)[0];
      if (!adapter) continue;
      seen.add(vendor.name);
      const provider = clientProviderFor(ctx, vendor.name, path, module, parsed.ctx);
      if (provider) {
        // The calls on the client it builds make the one finding (`adapter-bypass`), which names the same factory.
        if (ctx.toldToUseFactory.has(`${path}\u0000${vendor.name}`)) continue;
        out.push(
          finding(ctx, vendorSdkOutsideAdapter, path, imp.line, {
            title: `${vendor.name} SDK imported to build a second client beside \`${provider.name}\` of \`${provider.module}\``,
            detail: `\`${path}\` now imports \`${imp.module}\`. ${useProvider(vendor.name, provider)}`,
            confidence: vendorSdkOutsideAdapter.confidence ?? DEFAULT_RULE_CONFIDENCE,
          }),
        );
        continue;
      }
      const sets = setsText(adapter);
      out.push(
        finding(ctx, vendorSdkOutsideAdapter, path, imp.line, {
          title: `${vendor.name} SDK imported outside the repository's ${vendor.name} adapter \`${adapter.module}\``,
          detail: `\`${path}\` now ${imp.typeOnly ? 'imports types from' : 'imports'} \`${imp.module}\`, but the repository keeps ${vendor.name} behind \`${adapter.module}\`${sets ? ` (which sets ${sets})` : ''}, imported by ${adapter.importedBy.length} module${adapter.importedBy.length === 1 ? '' : 's'}.`,
          confidence: (vendorSdkOutsideAdapter.confidence ?? DEFAULT_RULE_CONFIDENCE) - (imp.typeOnly ? 0.1 : 0),
        }),
      );
    }
  }
  return out;
}

function crossingTypes(ctx: Ctx): Finding[] {
  const out: Finding[] = [];
  for (const [path, file] of ctx.input.files ?? []) {
    if (!ctx.isRuntime(path)) continue;
    const module = moduleOf(path, file.language);
    const adapters = ctx.input.model.adapters.filter((a) => a.module === module);
    if (adapters.length === 0) continue;
    // Who uses the adapter: business modules, not other adapters, tests or scripts.
    const users = [...(ctx.importers.get(module) ?? [])].filter((m) => !ctx.adapterModules.has(m) && !hasFileRole(`${m}.ts`, '', 'adapter') && !isModuleOutsideRuntime(m));
    if (users.length === 0) continue;
    const parsed = parseFile(file);
    if ('error' in parsed) continue;
    // A port and its implementations in one file repeat the same signature: one finding, on the first.
    const said = new Set<string>();
    for (const sig of vendorTypeSignatures(parsed.ctx)) {
      const added = sig.refs.filter((r) => ctx.isAdded(path, r.line));
      const method = sig.label.replace(/[`()]/g, '').split('.').pop() ?? sig.label;
      const key = `${method} ${[...new Set(sig.refs.map((r) => r.text))].sort().join(' ')}`;
      if (added.length === 0 || said.has(key)) continue;
      // Modules named after the vendor (its webhook handler, `stripe/…`) are the vendor's own code, not callers it must be hidden from.
      const vendorNames = [...new Set(added.map((r) => r.vendor))];
      const callers = users.filter((u) => !vendorNames.some((v) => isNearVendorName(u, vendorKeys(v))));
      if (callers.length === 0) continue;
      said.add(key);
      const vendors = vendorNames.join(', ');
      const types = [...new Set(added.map((r) => r.text))];
      const listed = callers.slice(0, 3).map((u) => `\`${u}\``).join(', ') + (callers.length > 3 ? ', …' : '');
      out.push(
        finding(ctx, vendorTypeCrossesAdapter, path, added[0]!.line, {
          title: `Adapter ${sig.label} exposes ${vendors} SDK types to its callers`,
          detail: `\`${module}\` is the repository's adapter for ${adapters.map((a) => a.service).join(', ')}, and ${sig.label} is public with ${types.slice(0, 3).join(', ')}${types.length > 3 ? ', …' : ''} in its signature, so ${listed} now depend on the ${vendors} SDK through it.`,
        }),
      );
    }
  }
  return out;
}

/**
 * A business module that imports, on an added line, a vendor type through the adapter: a name the adapter
 * re-exports or aliases from the vendor SDK (`import { StripeCharge } from '../lib/payments'`,
 * `from app.payments.gateway import Charge`, Go `payments.Charge` of `type Charge = stripe.Charge`).
 */
function typesThroughAdapters(ctx: Ctx): Finding[] {
  const exported = ctx.input.model.vendorTypes;
  if (!exported || exported.size === 0) return [];
  const index = { modules: new Set(exported.keys()) };
  const out: Finding[] = [];
  for (const [path, file] of ctx.input.files ?? []) {
    if (!ctx.isRuntime(path) || hasFileRole(path, file.source, 'adapter')) continue;
    const module = moduleOf(path, file.language);
    if (ctx.adapterModules.has(module) || file.language === 'java') continue;
    const parsed = parseFile(file);
    if ('error' in parsed) continue;
    for (const imp of importStatements(parsed.ctx.root, file.language, { dependencies: true })) {
      const target = resolveImport(file, imp.module, index);
      if (!target || !isAdapterModule(ctx, target)) continue;
      const types = exported.get(target) ?? [];
      const uses: Array<{ line: number; name: string; t: (typeof types)[number] }> = [];
      if (file.language === 'go') {
        // A package import binds no names: the aliased types are used as `payments.Charge` on added lines.
        const local = imp.names[0]?.local;
        if (!local) continue;
        for (const q of parsed.ctx.root.root().findAll({ rule: { kind: 'qualified_type' } })) {
          const t = q.field('package')?.text() === local ? types.find((x) => x.name === q.field('name')?.text()) : undefined;
          const line = q.range().start.line + 1;
          if (t && ctx.isAdded(path, line) && !uses.some((u) => u.name === t.name)) uses.push({ line, name: `${local}.${t.name}`, t });
        }
      } else {
        const line = firstAdded(ctx, path, imp.line, imp.endLine);
        if (line === undefined) continue;
        for (const n of imp.names) {
          const t = types.find((x) => x.name === n.imported);
          if (t) uses.push({ line, name: n.local, t });
        }
      }
      for (const u of uses) {
        if (isNamedAfterVendor(path, vendorKeys(u.t.vendor))) continue;
        out.push(
          finding(ctx, vendorTypeCrossesAdapter, path, u.line, {
            title: `${u.t.vendor} type \`${u.t.name}\` crosses the adapter \`${target}\` into \`${module}\``,
            detail: `\`${target}\` is the repository's ${u.t.vendor} adapter, and \`${u.t.name}\` there is the ${u.t.vendor} SDK's \`${u.t.type}\` (${u.t.type.endsWith(`.${u.t.name}`) || u.t.type === u.t.name ? 're-exported' : 'an alias'}), so \`${path}\` now depends on the ${u.t.vendor} SDK through it (\`${u.name}\`).`,
          }),
        );
      }
    }
  }
  return out;
}

/**
 * A business module that imports, on an added line, a vendor SDK type straight from the SDK to type what an
 * adapter it uses returns or takes: the name is in a public signature of that adapter, the module uses it
 * as a type on an added line, and never as a value (`Refund r = gateway.refund(id)`, not `Refund.create(…)`).
 * TS, Python and Java.
 */
function vendorTypesForAdapterValues(ctx: Ctx): Finding[] {
  const signatures = ctx.input.model.signatureTypes;
  if (!signatures || signatures.size === 0) return [];
  const out: Finding[] = [];
  for (const [path, file] of ctx.input.files ?? []) {
    if (!ctx.isRuntime(path) || hasFileRole(path, file.source, 'adapter') || file.language === 'go') continue;
    const module = moduleOf(path, file.language);
    if (ctx.adapterModules.has(module)) continue;
    const used = [...(ctx.input.model.imports.get(module) ?? [])].filter((m) => signatures.has(m) && isAdapterModule(ctx, m));
    if (used.length === 0) continue;
    const parsed = parseFile(file);
    if ('error' in parsed) continue;
    const root = parsed.ctx.root.root();
    for (const imp of importStatements(parsed.ctx.root, file.language)) {
      const sdk = vendorOfModule(file.language, imp.module);
      const line = sdk ? firstAdded(ctx, path, imp.line, imp.endLine) : undefined;
      if (!sdk || line === undefined || isNamedAfterVendor(path, sdk.keys)) continue;
      for (const n of imp.names) {
        const whole = n.imported === '*' || n.imported === 'default';
        // Java binds the class by its simple name with `imported: '*'`.
        const own = file.language === 'java' ? imp.module.split('.').pop()! : n.imported;
        for (const adapter of used) {
          const types = (signatures.get(adapter) ?? []).filter((t) => t.vendor === sdk.name);
          const hit = types.find((t) => (whole && file.language !== 'java' ? typeUse(root, file.language, `${n.local}.${t.name}`, ctx, path) : t.name === own && typeUse(root, file.language, n.local, ctx, path) && !valueUse(root, file.language, n.local)));
          if (!hit) continue;
          out.push(
            finding(ctx, vendorTypeCrossesAdapter, path, line, {
              title: `${sdk.name} type \`${hit.name}\` crosses the adapter \`${adapter}\` into \`${module}\``,
              detail: `\`${adapter}\` is the repository's adapter for ${sdk.name}, and its public API hands out the ${sdk.name} SDK's \`${hit.name}\`, so \`${path}\` now imports \`${imp.module}\` to type what it gets from the adapter.`,
            }),
          );
          break;
        }
      }
    }
  }
  return out;
}

const TYPE_KINDS: Record<string, string[]> = { js: ['type_identifier', 'nested_type_identifier'], java: ['type_identifier', 'scoped_type_identifier'], python: ['type'] };

/** `name` is used as a type (an annotation, a declared type) on an added line of the file. */
function typeUse(root: SgNode, language: SourceFile['language'], name: string, ctx: Ctx, path: string): boolean {
  const family = language === 'python' ? 'python' : language === 'java' ? 'java' : 'js';
  for (const n of root.findAll({ rule: { any: TYPE_KINDS[family]!.map((kind) => ({ kind })) } })) {
    const text = n.text();
    const hit = family === 'python' ? new RegExp(`(^|[^\\w.])${name.replace(/\./g, '\\.')}(?![\\w])`).test(text) : text === name;
    if (hit && ctx.isAdded(path, n.range().start.line + 1)) return true;
  }
  return false;
}

/** `name` is called or constructed (`Refund.create(…)`, `new Refund(…)`, `Refund(…)`) somewhere in the file. */
function valueUse(root: SgNode, language: SourceFile['language'], name: string): boolean {
  const callee = language === 'java' ? ['method_invocation', 'object_creation_expression'] : language === 'python' ? ['call'] : ['call_expression', 'new_expression'];
  return root.findAll({ rule: { any: callee.map((kind) => ({ kind })) } }).some((c) => {
    const target = (c.field('object') ?? c.field('type') ?? c.field('function') ?? c.field('constructor'))?.text() ?? '';
    return target === name || target.startsWith(`${name}.`);
  });
}

/** An adapter by the model, or a module whose name or folder says it is one. */
const isAdapterModule = (ctx: Ctx, module: string): boolean => ctx.adapterModules.has(module) || hasFileRole(`${module}.x`, '', 'adapter');

/** The first added line in [from, to]. */
function firstAdded(ctx: Ctx, path: string, from: number, to: number): number | undefined {
  for (let l = from; l <= to; l++) if (ctx.isAdded(path, l)) return l;
  return undefined;
}

const vendorKeys = (vendor: string): readonly string[] => vendorSdks().find((v) => v.name === vendor)?.keys ?? [];

/** The words a module named after a service uses: a vendor's keys, or a host's name (`api.notion.com` → `notion`). */
function serviceKeys(service: string): readonly string[] {
  const labels = service.toLowerCase().split('.');
  if (labels.length < 2) return vendorKeys(service);
  // `api.foo.co.uk`: the name before a second-level suffix.
  const i = labels.length >= 3 && /^(co|com|org|net|gov|ac|edu)$/.test(labels[labels.length - 2]!) ? labels.length - 3 : labels.length - 2;
  return [labels[i]!];
}

function duplicateRetries(ctx: Ctx): Finding[] {
  const out: Finding[] = [];
  for (const p of newPointsOutsideAdapters(ctx)) {
    if (p.facts.retry === undefined) continue;
    const wrapper = otherAdapters(ctx, p.service, p.module).find((a) => a.sets.retry);
    if (!wrapper || retriedInBase(ctx, p)) continue;
    const fn = adapterFunction(ctx, wrapper, p);
    out.push(
      finding(ctx, duplicateRetryForWrappedService, p.path, p.line, {
        title: `Second retry for ${p.service}: \`${wrapper.module}\` already retries it`,
        detail: `${p.label} is retried here (${p.facts.retry === 'backoff' ? 'with backoff' : 'with fixed delays'}), but ${p.service}'s client wrapper \`${wrapper.module}\` already retries every call${fn ? ` (use \`${fn}\`)` : ''}.`,
        confidence: confidenceOf(duplicateRetryForWrappedService, p),
      }),
    );
  }
  return out;
}

/**
 * A hand-written token request (OAuth refresh or client-credentials grant) on an added line of a business
 * module, for a service whose adapter already requests its token (the same detection on the adapter's code).
 */
function duplicateRefreshes(ctx: Ctx): Finding[] {
  const refreshes = ctx.input.model.tokenRefreshes ?? [];
  if (refreshes.length === 0) return [];
  const out: Finding[] = [];
  for (const r of refreshes) {
    if (!ctx.isAdded(r.path, r.line) || !ctx.isRuntime(r.path) || ctx.adapterModules.has(r.module) || hasFileRole(r.path, sourceOf(ctx, r.path), 'adapter')) continue;
    const point = ctx.input.model.points.find((p) => p.path === r.path && p.line === r.line && isNamedService(p) && r.services.includes(p.service));
    if (!point || UMBRELLA_VENDORS.has(point.service)) continue;
    // The adapter that requests the same service's token: an adapter module (of any service: a token host is
    // often not the API host) that is not this module and does not use it as a helper.
    const theirs = refreshes.find(
      (a) => a.module !== r.module && a.services.includes(point.service) && ctx.adapterModules.has(a.module) && !ctx.input.model.imports.get(a.module)?.has(r.module),
    );
    if (!theirs || refreshedInBase(ctx, r)) continue;
    const service = ctx.input.model.adapters.find((a) => a.module === theirs.module && a.service === point.service)?.service ?? point.service;
    out.push(
      finding(ctx, duplicateRetryForWrappedService, r.path, r.line, {
        title: `Second token refresh for ${service}: \`${theirs.module}\` already refreshes it`,
        detail: `\`${r.function || 'this function'}\` requests a ${service} token here, but \`${theirs.module}\` already refreshes the ${service} token (\`${theirs.function}\`); a second refresh races it and doubles token requests. Use the adapter, or take the token from it.`,
        confidence: confidenceOf(duplicateRetryForWrappedService, point),
      }),
    );
  }
  return out;
}

function refreshedInBase(ctx: Ctx, r: { path: string; function: string }): boolean {
  return ctx.input.baseModel?.tokenRefreshes?.some((b) => b.path === r.path && b.function === r.function) ?? false;
}

function newIntegrations(ctx: Ctx): Finding[] {
  const base = ctx.input.baseModel;
  // Without a base model, a service reached anywhere outside the added lines was there before.
  // Head points on lines the change did not add were in the base too, even when the base model missed them
  // (a base file without integration signals is not parsed; its head version always is). Only points the
  // model knows are remote: a receiver's guessed service can take the name of an SDK the change imports.
  const unchanged = ctx.input.model.points.filter((p) => !ctx.isAdded(p.path, p.line));
  const before = base ? [...base.points, ...unchanged.filter((p) => p.certainty === 'known')] : unchanged;
  const known = new Set(before.map((p) => p.service));
  // A call through a client the repository already had (documenso's shared `stripe` instance, imported from
  // its own module) adds no dependency, whatever the model names the base's calls through it (or missed
  // them); a client the change builds itself, or a client module it adds, is a new one.
  const reachedBefore = (p: IntegrationPoint): boolean => known.has(p.service) || (base !== undefined && p.kind === 'sdk' && receiverFromRepository(ctx, p));
  const byService = new Map<string, IntegrationPoint[]>();
  for (const p of ctx.input.model.points) {
    if (!isNamedService(p) || RETRYING_SDKS.has(p.service) || !ctx.isAdded(p.path, p.line) || !ctx.isRuntime(p.path) || reachedBefore(p)) continue;
    byService.set(p.service, [...(byService.get(p.service) ?? []), p]);
  }
  const out: Finding[] = [];
  for (const [service, points] of byService) {
    const all = ctx.input.model.points.filter((p) => p.service === service);
    if (all.some((p) => p.facts.timeout === true || p.facts.retry !== undefined || p.facts.errorTranslation || p.facts.breaker)) continue;
    const first = points[0]!;
    const where = points.length > 1 ? ` (${points.length} calls, first here)` : '';
    out.push(
      finding(ctx, newIntegrationWithoutResilience, first.path, first.line, {
        title: `New dependency on ${service} with no timeout, retry or error translation`,
        detail: `This change makes the repository reach ${service} for the first time${where}: ${first.label} has no timeout, no retry policy and no translation of its errors.`,
        confidence: confidenceOf(newIntegrationWithoutResilience, first),
      }),
    );
  }
  return out;
}

/**
 * The SDK call's receiver (`stripe` of `stripe.prices.search(…)`) is a client the file imports, not one it builds:
 * from a module of the repository that the change did not add (no changed file of that module is wholly
 * added), or from a module the model cannot resolve that is not the vendor SDK (a workspace package).
 */
function receiverFromRepository(ctx: Ctx, p: IntegrationPoint): boolean {
  const file = ctx.input.files?.get(p.path);
  const receiver = /^`?(?:await\s+)?(?:this\.)?([\w$]+)/.exec(p.label)?.[1];
  if (!file || !receiver) return false;
  const parsed = parseFile(file);
  if ('error' in parsed) return false;
  const modules = new Set(ctx.input.model.points.map((q) => q.module));
  for (const [from, targets] of ctx.input.model.imports) {
    modules.add(from);
    for (const t of targets) modules.add(t);
  }
  const added = new Set<string>();
  for (const [path, f] of ctx.input.files ?? []) if ((ctx.input.added.get(path)?.size ?? 0) >= f.source.replace(/\n$/, '').split('\n').length) added.add(moduleOf(path, f.language));
  return importStatements(parsed.ctx.root, file.language).some((imp) => {
    if (!imp.names.some((n) => n.local === receiver)) return false;
    // A workspace package (`@documenso/lib/…`) may not resolve: any import but the vendor SDK itself is a client built elsewhere.
    const target = resolveImport(file, imp.module, { modules });
    return target !== undefined ? !added.has(target) : vendorOfModule(file.language, imp.module) === undefined;
  });
}

/**
 * The same call is in the base model: in this file (re-touched), or the same service, function and call
 * outside the adapters in another file (moved by a refactoring): not new.
 */
function existedInBase(ctx: Ctx, p: IntegrationPoint): boolean {
  const base = ctx.input.baseModel;
  if (!base) return false;
  const adapters = new Set(base.adapters.map((a) => a.module));
  return base.points.some((b) => b.service === p.service && b.function === p.function && b.label === p.label && (b.path === p.path || !adapters.has(b.module)));
}

function retriedInBase(ctx: Ctx, p: IntegrationPoint): boolean {
  return ctx.input.baseModel?.points.some((b) => b.path === p.path && b.service === p.service && b.function === p.function && b.facts.retry !== undefined) ?? false;
}

/** The adapter function to call instead: the one making the most similar call (same method), else its first. */
function adapterFunction(ctx: Ctx, adapter: Adapter, p: IntegrationPoint): string | undefined {
  const own = ctx.input.model.points.filter((q) => q.module === adapter.module && q.service === adapter.service && q.function);
  const method = lastSegment(p.label);
  return (own.find((q) => lastSegment(q.label) === method) ?? own[0])?.function;
}

const lastSegment = (label: string): string => /([\w$]+)\s*\(/.exec(label.replace(/\(…\)`?$/, '(').split('.').pop() ?? '')?.[1] ?? label;

/** What an adapter sets on its calls, in words: "a timeout and an idempotency key". */
function setsText(a: Adapter): string {
  const parts = [a.sets.timeout && 'a timeout', a.sets.retry && 'a retry policy', a.sets.idempotencyKey && 'an idempotency key', a.sets.errorTranslation && 'error translation'].filter(
    (x): x is string => typeof x === 'string',
  );
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

const confidenceOf = (rule: Rule, p: IntegrationPoint): number => (rule.confidence ?? DEFAULT_RULE_CONFIDENCE) - (p.certainty === 'probable' ? PROBABLE_PENALTY : 0);

function finding(ctx: Ctx, rule: Rule, path: string, line: number, m: { title: string; detail: string; confidence?: number }): Finding {
  const source = ctx.input.files?.get(path)?.source;
  const code = source !== undefined ? [source.split('\n')[line - 1] ?? ''] : [m.detail];
  return {
    path,
    line,
    side: 'RIGHT',
    category: rule.category,
    severity: rule.severity,
    title: m.title.length > 200 ? `${m.title.slice(0, 199)}…` : m.title,
    body: ruleFindingBody(rule, { detail: m.detail }),
    source: 'rule',
    ruleId: rule.id,
    fingerprint: fingerprint({ ruleId: rule.id, category: rule.category, path, code }),
    confidence: Math.min(1, Math.max(0, m.confidence ?? rule.confidence ?? DEFAULT_RULE_CONFIDENCE)),
  };
}

/**
 * The module that hands out the repository's client for `vendor` (`getStripeClient` in `billing/stripe-client`),
 * when the changed file builds its own client of that vendor instead: the nearest such module (by shared
 * folders, then by its runtime importers) other than the file's own, and not one that uses the file as a helper.
 */
function clientProviderFor(ctx: Ctx, vendor: string, path: string, module: string, parsed?: RuleContext): { name: string; module: string; importers: number } | undefined {
  if (!ctx.builtClients(path, parsed).has(vendor)) return undefined;
  const shared = (a: string): number => {
    const x = a.split('/');
    const y = path.split('/');
    let i = 0;
    while (i < x.length - 1 && i < y.length - 1 && x[i] === y[i]) i++;
    return i;
  };
  const candidates = (ctx.input.model.clientProviders?.get(vendor) ?? [])
    .filter((c) => c.module !== module && !ctx.input.model.imports.get(c.module)?.has(module))
    .map((c) => ({ name: c.name, module: c.module, path: c.path, importers: [...(ctx.importers.get(c.module) ?? [])].filter((m) => m !== module && !isModuleOutsideRuntime(m)).length }))
    .filter((c) => c.importers > 0)
    .sort((a, b) => shared(b.path) - shared(a.path) || b.importers - a.importers);
  return candidates[0];
}

/** The sentence a finding ends with when the repository hands out a client of the vendor the file builds again. */
const useProvider = (vendor: string, p: { name: string; module: string; importers: number }): string =>
  `This file builds its own ${vendor} client, while \`${p.module}\` hands one out as \`${p.name}\` (used by ${p.importers} module${p.importers === 1 ? '' : 's'}): use it, so this call gets the same configuration (keys, API version, timeouts, retries) and a change there reaches every call.`;
