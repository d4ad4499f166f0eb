import type { SgNode } from '@ast-grep/napi';
import { importStatements } from '../ast/import-bindings.js';
import { isBusinessContext, isNamedAfterVendor } from '../coupling/business-layer.js';
import { vendorOfModule, type VendorSdk } from '../coupling/vendor-sdks.js';
import { enclosingFunction, languageFamily } from '../ast/function-scope.js';
import { lineOf as startLine } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';

/** A public declaration whose types callers see: a function, method, interface, struct or type alias. */
interface Signature {
  /** How to name it in the finding: "`chargeOrder()`", "interface `PaymentGateway`". */
  label: string;
  /** The type annotations that make up its public shape. */
  types: SgNode[];
}

/** Local names bound to vendor SDK imports; `qualifiedPrefixes` are vendor packages for fully qualified Java types. */
interface VendorNames {
  locals: Map<string, VendorSdk>;
  qualifiedPrefixes: { prefix: string; sdk: VendorSdk }[];
}

function vendorNames(ctx: RuleContext): VendorNames {
  const locals = new Map<string, VendorSdk>();
  const qualifiedPrefixes: { prefix: string; sdk: VendorSdk }[] = [];
  for (const imp of importStatements(ctx.root, ctx.language)) {
    const sdk = vendorOfModule(ctx.language, imp.module);
    if (!sdk) continue;
    for (const n of imp.names) locals.set(n.local, sdk);
  }
  if (ctx.language === 'java') {
    for (const p of ['com.stripe.', 'com.amazonaws.', 'software.amazon.awssdk.', 'com.twilio.', 'com.slack.api.', 'com.sendgrid.', 'com.braintreegateway.', 'com.paypal.']) {
      const sdk = vendorOfModule('java', `${p}x`);
      if (sdk) qualifiedPrefixes.push({ prefix: p, sdk });
    }
  }
  return { locals, qualifiedPrefixes };
}

/** Vendor types referenced inside a type annotation, as written (`Stripe.Charge`, `*s3.GetObjectOutput`, `Charge`). */
function vendorTypeRefs(typeNode: SgNode, names: VendorNames, language: RuleContext['language']): { text: string; node: SgNode; sdk: VendorSdk }[] {
  const out: { text: string; node: SgNode; sdk: VendorSdk }[] = [];
  const family = languageFamily(language);
  const visit = (n: SgNode): void => {
    const kind = n.kind();
    if (family === 'js') {
      if (kind === 'nested_type_identifier' || kind === 'type_identifier' || kind === 'generic_type' || kind === 'member_expression') {
        const root = n.text().split(/[.<]/)[0] ?? '';
        const sdk = names.locals.get(root);
        if (sdk && kind !== 'generic_type') {
          out.push({ text: n.text(), node: n, sdk });
          return;
        }
      }
    } else if (family === 'python') {
      if (kind === 'attribute' || kind === 'identifier') {
        const sdk = names.locals.get(n.text().split('.')[0] ?? '');
        if (sdk) {
          out.push({ text: n.text(), node: n, sdk });
          return;
        }
      }
      if (kind === 'string') {
        // A forward reference, `"stripe.Charge"`: the name is the same dependency.
        const content = n.text().replace(/^[rbuf]*["']+|["']+$/gi, '');
        const root = /^[A-Za-z_]\w*/.exec(content)?.[0];
        const sdk = root ? names.locals.get(root) : undefined;
        if (sdk) out.push({ text: content, node: n, sdk });
        return;
      }
    } else if (family === 'go') {
      if (kind === 'qualified_type') {
        const pkg = n.field('package')?.text() ?? n.text().split('.')[0] ?? '';
        const sdk = names.locals.get(pkg);
        if (sdk) {
          out.push({ text: n.text(), node: n, sdk });
          return;
        }
      }
    } else {
      if (kind === 'scoped_type_identifier') {
        const hit = names.qualifiedPrefixes.find((p) => n.text().replace(/\s/g, '').startsWith(p.prefix));
        if (hit) out.push({ text: n.text(), node: n, sdk: hit.sdk });
        return;
      }
      if (kind === 'type_identifier') {
        const sdk = names.locals.get(n.text());
        if (sdk) out.push({ text: n.text(), node: n, sdk });
        return;
      }
    }
    for (const c of n.children()) if (c.isNamed()) visit(c);
  };
  visit(typeNode);
  return out;
}

const isPublicJsMember = (m: SgNode): boolean => {
  const acc = m.children().find((c) => c.kind() === 'accessibility_modifier')?.text();
  const name = m.field('name');
  return acc !== 'private' && acc !== 'protected' && name?.kind() !== 'private_property_identifier';
};

/** The type annotations of a function's parameters and result (not default values, not bodies); TS/JS and Python name the fields alike. */
function functionTypes(fn: SgNode): SgNode[] {
  const types: SgNode[] = [];
  for (const p of fn.field('parameters')?.children() ?? []) {
    const t = p.field('type');
    if (t) types.push(t);
  }
  const ret = fn.field('return_type');
  if (ret) types.push(ret);
  return types;
}

function jsSignatures(root: SgNode): Signature[] {
  const out: Signature[] = [];
  for (const ex of root.findAll({ rule: { kind: 'export_statement' } })) {
    const decl = ex.field('declaration') ?? ex.children().find((c) => c.isNamed() && c.kind() !== 'decorator');
    if (!decl) continue;
    const kind = decl.kind();
    const name = decl.field('name')?.text() ?? 'default';
    if (kind === 'function_declaration' || kind === 'generator_function_declaration') {
      out.push({ label: `\`${name}()\``, types: functionTypes(decl) });
    } else if (kind === 'lexical_declaration' || kind === 'variable_declaration') {
      for (const d of decl.findAll({ rule: { kind: 'variable_declarator' } })) {
        const value = d.field('value');
        if (value && (value.kind() === 'arrow_function' || value.kind() === 'function_expression' || value.kind() === 'function')) {
          out.push({ label: `\`${d.field('name')?.text() ?? 'default'}()\``, types: functionTypes(value) });
        }
      }
    } else if (kind === 'class_declaration' || kind === 'abstract_class_declaration') {
      for (const m of decl.field('body')?.children() ?? []) {
        if (!isPublicJsMember(m)) continue;
        const member = m.field('name')?.text() ?? '';
        if (m.kind() === 'method_definition' && member !== 'constructor') {
          out.push({ label: `\`${name}.${member}()\``, types: functionTypes(m) });
        } else if (m.kind() === 'public_field_definition' || m.kind() === 'abstract_method_signature' || m.kind() === 'method_signature') {
          const t = m.field('type');
          const types = m.kind() === 'public_field_definition' ? (t ? [t] : []) : functionTypes(m);
          out.push({ label: `\`${name}.${member}\``, types });
        }
      }
    } else if (kind === 'interface_declaration') {
      out.push({ label: `interface \`${name}\``, types: decl.field('body') ? [decl.field('body') as SgNode] : [] });
    } else if (kind === 'type_alias_declaration') {
      const v = decl.field('value');
      out.push({ label: `type \`${name}\``, types: v ? [v] : [] });
    }
  }
  return out;
}

const isPublicPy = (name: string | undefined): boolean => !!name && !name.startsWith('_');

function pythonSignatures(root: SgNode): Signature[] {
  const out: Signature[] = [];
  const topLevel = root.children().map((c) => (c.kind() === 'decorated_definition' ? c.field('definition') ?? c : c));
  for (const d of topLevel) {
    const name = d.field('name')?.text();
    if (d.kind() === 'function_definition' && isPublicPy(name)) out.push({ label: `\`${name}()\``, types: functionTypes(d) });
    if (d.kind() === 'class_definition' && isPublicPy(name)) {
      for (const m of d.field('body')?.children() ?? []) {
        const fn = m.kind() === 'decorated_definition' ? m.field('definition') : m;
        const member = fn?.field('name')?.text();
        if (fn?.kind() === 'function_definition' && isPublicPy(member)) out.push({ label: `\`${name}.${member}()\``, types: functionTypes(fn) });
      }
    }
  }
  return out;
}

const isExportedGo = (name: string | undefined): boolean => !!name && /^[A-Z]/.test(name);

function goSignatures(root: SgNode): Signature[] {
  const out: Signature[] = [];
  for (const fn of root.findAll({ rule: { any: [{ kind: 'function_declaration' }, { kind: 'method_declaration' }] } })) {
    const name = fn.field('name')?.text();
    // `NewBillingService(client *stripe.Client)` is wiring at the composition root, not an API callers use.
    if (!isExportedGo(name) || /^New[A-Z_]?/.test(name ?? '')) continue;
    // A method of an unexported type is reachable only through an interface, which is checked on its own.
    const receiverType = fn.kind() === 'method_declaration' ? fn.field('receiver')?.find({ rule: { kind: 'type_identifier' } })?.text() : undefined;
    if (fn.kind() === 'method_declaration' && !isExportedGo(receiverType)) continue;
    const types = [fn.field('parameters'), fn.field('result')].filter((t): t is SgNode => !!t);
    out.push({ label: `\`${receiverType ? `${receiverType}.` : ''}${name}()\``, types });
  }
  for (const spec of root.findAll({ rule: { any: [{ kind: 'type_spec' }, { kind: 'type_alias' }] } })) {
    const name = spec.field('name')?.text();
    if (!isExportedGo(name) || enclosingFunction(spec, 'go')) continue;
    const t = spec.field('type');
    if (!t) continue;
    if (t.kind() === 'struct_type') {
      const fields = t.findAll({ rule: { kind: 'field_declaration' } }).filter((f) => isExportedGo(f.field('name')?.text()));
      out.push({ label: `struct \`${name}\``, types: fields.map((f) => f.field('type')).filter((x): x is SgNode => !!x) });
    } else if (t.kind() === 'interface_type') {
      out.push({ label: `interface \`${name}\``, types: [t] });
    } else {
      out.push({ label: `type \`${name}\``, types: [t] });
    }
  }
  return out;
}

const hasModifier = (decl: SgNode, word: string): boolean =>
  decl.children().some((c) => c.kind() === 'modifiers' && c.children().some((m) => m.text() === word));

function javaSignatures(root: SgNode): Signature[] {
  const out: Signature[] = [];
  for (const m of root.findAll({ rule: { kind: 'method_declaration' } })) {
    const owner = m.parent()?.parent();
    if (!owner) continue;
    const inInterface = owner.kind() === 'interface_declaration';
    const visible = inInterface ? !hasModifier(m, 'private') : hasModifier(m, 'public');
    if (!visible || !hasModifier(owner, 'public')) continue;
    const types = [m.field('type'), ...(m.field('parameters')?.children().map((p) => p.field('type')) ?? [])].filter((t): t is SgNode => !!t);
    out.push({ label: `\`${owner.field('name')?.text() ?? ''}.${m.field('name')?.text() ?? ''}()\``, types });
  }
  return out;
}

/**
 * A public function, method, interface or type of a domain/service module whose signature names a vendor
 * SDK type, so every caller depends on the vendor. Prisma-generated types are not flagged: they are the
 * project's own schema, versioned with its migrations, not a third party's API contract.
 */
export const vendorTypeInExportedSignature: Rule = {
  id: 'vendor-type-in-exported-signature',
  category: 'abstraction',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Public signature of business logic exposes a vendor SDK type',
  // No firing on the real-world corpus (issue 8): 0.75 is an estimate.
  confidence: 0.75,
  exemptions:
    'Private and unexported members, Go `New…` constructors (wiring at the composition root), methods of unexported Go types, Prisma-generated types, modules named after the vendor, and files that are not business logic (adapters, client wrappers, tests, scripts, migrations, entry points, config modules).',
  why:
    'The vendor type leaks to every caller: a field renamed or removed in an SDK or API-version bump breaks code far from the integration, tests of callers must build vendor objects, and switching or adding a provider changes the domain API instead of one adapter.',
  fix:
    'Declare the shape callers need as your own type (e.g. `PaymentResult { id, status, amountCents }`) and map the vendor object to it inside the adapter that owns the SDK; accept and return only domain types here, and inject the vendor client behind a port interface.',
  check(ctx: RuleContext): RuleMatch[] {
    if (!isBusinessContext(ctx)) return [];
    const out: RuleMatch[] = [];
    for (const sig of vendorTypeSignatures(ctx)) {
      // The module named after the vendor (`services/stripe.ts`) is that vendor's adapter.
      const leaking = sig.refs.filter((r) => !isNamedAfterVendor(ctx.path, r.keys));
      if (leaking.length === 0) continue;
      const texts = [...new Set(leaking.map((r) => r.text))];
      const vendors = [...new Set(leaking.map((r) => r.vendor))].join(', ');
      out.push({
        line: Math.min(...leaking.map((r) => r.line)),
        title: `${sig.label} exposes ${vendors} SDK types`,
        detail: `${sig.label} is public API of the business module \`${ctx.path}\`, and its signature uses ${texts.slice(0, 4).join(', ')}${texts.length > 4 ? ', …' : ''} from the ${vendors} SDK.`,
      });
    }
    return out;
  },
};

/** A public signature that uses vendor SDK types. */
export interface VendorTypeSignature {
  /** `` `refund()` ``, `` `class PaymentService` ``. */
  label: string;
  /** Each vendor type as written (quoted), its line (of its first token), vendor name, and the words naming its adapters. */
  refs: { text: string; line: number; vendor: string; keys: readonly string[]; index: number }[];
}

/** The public signatures of a file that use a vendor SDK's types, whatever the file's layer, by line. */
export function vendorTypeSignatures(ctx: RuleContext): VendorTypeSignature[] {
  const names = vendorNames(ctx);
  if (names.locals.size === 0 && names.qualifiedPrefixes.length === 0) return [];
  const family = languageFamily(ctx.language);
  const root = ctx.root.root();
  const signatures = family === 'js' ? jsSignatures(root) : family === 'python' ? pythonSignatures(root) : family === 'go' ? goSignatures(root) : javaSignatures(root);
  const out: VendorTypeSignature[] = [];
  for (const sig of signatures) {
    const refs = sig.types
      .flatMap((t) => vendorTypeRefs(t, names, ctx.language))
      .map((r) => ({ text: `\`${r.text.replace(/\s+/g, ' ')}\``, line: startLine(r.node), vendor: r.sdk.name, keys: r.sdk.keys, index: r.node.range().start.index }))
      .sort((a, b) => a.index - b.index);
    if (refs.length > 0) out.push({ label: sig.label, refs });
  }
  return out.sort((a, b) => a.refs[0]!.index - b.refs[0]!.index);
}
