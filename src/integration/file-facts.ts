import type { SgNode } from '@ast-grep/napi';
import { importStatements } from '../rules/ast/import-bindings.js';
import { enclosingFunction, isFunctionNode, functionName, languageFamily } from '../rules/ast/function-scope.js';
import { fieldOf, kindOf, lineOf } from '../rules/ast/node-text.js';
import { vendorTypeSignatures } from '../rules/abstraction/vendor-type-in-exported-signature.js';
import { UMBRELLA_VENDORS, vendorOfModule } from '../rules/coupling/vendor-sdks.js';
import { clientConstructions } from '../rules/performance/client-constructors.js';
import type { RuleContext } from '../rules/types.js';
import type { IntegrationPoint } from './types.js';

/** A name a module exports that is provably a vendor SDK's type: a re-export of it, or a type alias of it. */
export interface VendorTypeExport {
  /** The name other modules import (`StripeCharge`). */
  name: string;
  /** The vendor (`Stripe`). */
  vendor: string;
  /** The vendor type as the module names it (`Stripe.Charge`, `stripe.Charge`). */
  type: string;
}

/** A vendor type in a public signature of the module (`refund(): Promise<Stripe.Refund>` → `Refund`, vendor `Stripe`). */
export interface SignatureVendorType {
  vendor: string;
  /** The type's own name, without its package or namespace (`Refund`). */
  name: string;
}

/** The vendor types the module's public signatures use, once each (see `vendorTypeSignatures`). */
export function signatureVendorTypes(ctx: RuleContext): SignatureVendorType[] {
  const out: SignatureVendorType[] = [];
  for (const sig of vendorTypeSignatures(ctx)) {
    for (const r of sig.refs) {
      const name = /([A-Za-z_]\w*)(?:<.*)?`?$/.exec(r.text.replace(/`/g, '').replace(/\[.*$/, ''))?.[1];
      if (name && !out.some((o) => o.vendor === r.vendor && o.name === name)) out.push({ vendor: r.vendor, name });
    }
  }
  return out;
}

/** A function that requests an OAuth/API token from a service: its name, the line of its token call, the services it calls. */
export interface TokenRefresh {
  function: string;
  line: number;
  services: string[];
}

/** Cheap test before a parse: the file may re-export or alias a vendor type, or request a token. */
export function mayHaveFileFacts(source: string): { vendorTypes: boolean; tokens: boolean } {
  return {
    vendorTypes: /\bexport\b|^\s*(?:from\s|type\s+[A-Z]|[A-Z]\w*\s*(?::\s*\w+\s*)?=)/m.test(source),
    tokens: /token/i.test(source),
  };
}

const CAPITALISED = /^[A-Z]/;

/**
 * The names a module exports that are a vendor SDK's types, provably: TS `export { Charge } from 'stripe'`,
 * `export type { Stripe }` of a vendor import, `export type StripeCharge = Stripe.Charge`; Python module-level
 * `from stripe import Charge` and `StripeCharge = stripe.Charge` (capitalised names: classes, not functions);
 * Go `type Charge = stripe.Charge` (exported aliases, not defined types). Java has no re-exports: none.
 */
export function exportedVendorTypes(ctx: RuleContext): VendorTypeExport[] {
  const family = languageFamily(ctx.language);
  if (family === 'java') return [];
  const root = ctx.root.root();
  const locals = new Map<string, { vendor: string; module: string; imported: string }>();
  const topLines = family === 'python' ? new Set(root.children().map((c) => lineOf(c))) : undefined;
  for (const imp of importStatements(ctx.root, ctx.language)) {
    const sdk = vendorOfModule(ctx.language, imp.module);
    if (!sdk) continue;
    if (topLines && !topLines.has(imp.line)) continue;
    for (const n of imp.names) locals.set(n.local, { vendor: sdk.name, module: imp.module, imported: n.imported });
  }
  const out: VendorTypeExport[] = [];
  const add = (name: string | undefined, vendor: string, type: string): void => {
    if (name && CAPITALISED.test(name) && !out.some((o) => o.name === name)) out.push({ name, vendor, type });
  };
  const vendorOfType = (t: SgNode): string | undefined => {
    const rootName = t.text().split(/[.<[]/)[0] ?? '';
    return locals.get(rootName)?.vendor;
  };
  if (family === 'js') {
    for (const ex of root.children().filter((c) => c.kind() === 'export_statement')) {
      const source = ex.field('source');
      const fromModule = source ? source.text().slice(1, -1) : undefined;
      const clause = ex.children().find((c) => c.kind() === 'export_clause');
      if (clause) {
        const sdk = fromModule !== undefined ? vendorOfModule(ctx.language, fromModule) : undefined;
        if (fromModule !== undefined && !sdk) continue;
        for (const spec of clause.children().filter((c) => c.kind() === 'export_specifier')) {
          const ids = spec.namedChildren();
          const name = ids[0]?.text() ?? '';
          const exported = ids[1]?.text() ?? name;
          if (sdk) add(exported, sdk.name, `${fromModule}.${name}`);
          else {
            const local = locals.get(name);
            if (local) add(exported, local.vendor, name);
          }
        }
        continue;
      }
      const decl = ex.field('declaration');
      if (decl?.kind() === 'type_alias_declaration') {
        const value = decl.field('value');
        const vendor = value && ['type_identifier', 'nested_type_identifier', 'generic_type'].includes(String(value.kind())) ? vendorOfType(value) : undefined;
        if (vendor && value) add(decl.field('name')?.text(), vendor, value.text());
      }
    }
  } else if (family === 'python') {
    for (const [local, v] of locals) if (v.imported !== '*' && v.imported !== 'default') add(local, v.vendor, `${v.module}.${v.imported}`);
    for (const st of root.children().filter((c) => c.kind() === 'expression_statement')) {
      const a = st.children().find((c) => c.kind() === 'assignment');
      const left = a?.field('left');
      const right = a?.field('right');
      if (!left || !right || left.kind() !== 'identifier' || (right.kind() !== 'attribute' && right.kind() !== 'identifier')) continue;
      const last = right.text().split('.').pop() ?? '';
      const vendor = CAPITALISED.test(last) ? vendorOfType(right) : undefined;
      if (vendor) add(left.text(), vendor, right.text());
    }
  } else {
    for (const alias of root.findAll({ rule: { kind: 'type_alias' } })) {
      const t = alias.field('type');
      if (!t || t.kind() !== 'qualified_type') continue;
      const vendor = locals.get(t.field('package')?.text() ?? '')?.vendor;
      if (vendor) add(alias.field('name')?.text(), vendor, t.text());
    }
  }
  return out;
}

/** An OAuth token endpoint in a URL: `/oauth/token`, `/oauth2/token`, `/oauth2/v2.0/token`, `/services/oauth2/token`. */
const TOKEN_PATH = /\/oauth2?\/(?:[\w.-]+\/)*token\b/i;
/**
 * A module-level string constant (`const TOKEN_URL = '…'`, `TOKEN_URL = "…"`, Go `const tokenURL = "…"`, Java
 * `static final String TOKEN_URL = "…"`): not indented, or a Java `static final` field.
 */
const TOKEN_CONSTANT = /^(?:export\s+)?(?:(?:const|let|var)\s+)?([A-Za-z_]\w*)\s*(?::\s*[\w.]+\s*)?:?=\s*[rfb]?['"`].*$|^[ \t]*(?:(?:private|public|protected|static|final)\s+)+String\s+(\w+)\s*=\s*".*$/gm;
/** A token grant in a request body. */
const TOKEN_GRANT = /grant_type[\s\S]{0,200}?(?:refresh_token|client_credentials)|(?:refresh_token|client_credentials)[\s\S]{0,200}?grant_type/i;
/** A function named for what it does: `refreshToken`, `refresh_access_token`, `getAccessToken`, `fetch_token`. */
const TOKEN_FUNCTION = /^_*(?:refresh\w*token|get_?\w*access_?token|fetch_?\w*token|renew_?\w*token)$/i;

/**
 * The functions of a file that request a token from a service: a call (one of `points`) inside a function that
 * names a token endpoint or a refresh/client-credentials grant (in its body, or through a module-level constant
 * it uses), or that is named `refresh…Token`/`get…AccessToken`. One per function, on its first outbound call.
 */
export function tokenRefreshesOf(ctx: RuleContext, points: readonly IntegrationPoint[]): TokenRefresh[] {
  const outbound = points.filter((p) => p.direction === 'outbound' && p.kind !== 'database' && p.kind !== 'cache');
  if (outbound.length === 0) return [];
  // Module-level constants holding a token URL (`TOKEN_URL = "https://…/oauth/token"`).
  const tokenConstants = [...ctx.source.matchAll(TOKEN_CONSTANT)].filter((m) => TOKEN_PATH.test(m[0])).map((m) => m[1] ?? m[2]!);
  const out: TokenRefresh[] = [];
  const seen = new Set<number>();
  for (const fn of ctx.root.root().findAll({ rule: { any: functionKinds(ctx.language).map((kind) => ({ kind })) } })) {
    if (!isFunctionNode(fn, ctx.language)) continue;
    const start = lineOf(fn);
    const end = fn.range().end.line + 1;
    const inside = outbound.filter((p) => p.line >= start && p.line <= end);
    if (inside.length === 0) continue;
    const name = functionName(fn, ctx.language) ?? inside[0]!.function ?? '';
    const text = fn.text();
    const signal = TOKEN_PATH.test(text) || TOKEN_GRANT.test(text) || TOKEN_FUNCTION.test(name) || tokenConstants.some((c) => new RegExp(`\\b${c}\\b`).test(text));
    if (!signal) continue;
    const first = inside.sort((a, b) => a.line - b.line)[0]!;
    // Nested functions: the innermost one that qualifies keeps the call (found later in document order, replaces).
    if (seen.has(first.line)) {
      const i = out.findIndex((r) => r.line === first.line);
      out.splice(i, 1);
    }
    seen.add(first.line);
    out.push({ function: name, line: first.line, services: [...new Set(inside.map((p) => p.service))] });
  }
  return out.sort((a, b) => a.line - b.line);
}

function functionKinds(language: RuleContext['language']): string[] {
  const family = languageFamily(language);
  if (family === 'python') return ['function_definition'];
  if (family === 'go') return ['function_declaration', 'method_declaration', 'func_literal'];
  if (family === 'java') return ['method_declaration'];
  return ['function_declaration', 'method_definition', 'arrow_function', 'function_expression'];
}

/** A vendor client a module builds and hands out: `export const getStripeClient = () => new Stripe(…)`. */
export interface VendorClientProvider {
  vendor: string;
  /** The exported function or value that gives the client. */
  name: string;
  line: number;
}

/**
 * The vendor SDK clients a file builds (`new Stripe(…)`, `stripe.StripeClient(…)`, `twilio.NewRestClient()`),
 * each with the vendor it belongs to (the vendor SDK the file imports whose name the construction says) and,
 * when the construction is handed out (an exported function or value, a public top-level Python/Go function or
 * module value, a public Java method), the name it is handed out by.
 */
export function vendorClientsOf(ctx: RuleContext): Array<{ vendor: string; line: number; exported?: string }> {
  const vendors = [...new Map(importStatements(ctx.root, ctx.language).flatMap((imp) => {
    const v = vendorOfModule(ctx.language, imp.module);
    // A storage client is no CloudWatch client: umbrella vendors have no one provider for all.
    return v && !UMBRELLA_VENDORS.has(v.name) ? [[v.name, v] as const] : [];
  })).values()];
  if (vendors.length === 0) return [];
  const out: Array<{ vendor: string; line: number; exported?: string }> = [];
  for (const c of clientConstructions(ctx)) {
    const label = c.label.toLowerCase();
    const vendor = vendors.find((v) => v.keys.some((k) => label.includes(k)));
    if (!vendor) continue;
    const exported = handedOutAs(c.node, ctx.language);
    out.push({ vendor: vendor.name, line: lineOf(c.node), ...(exported ? { exported } : {}) });
  }
  return out;
}

/** Wrappers that leave a value as it is: `(new Stripe(…))`, `await x`, `x as Stripe`, `x!`. */
const TRANSPARENT = new Set(['parenthesized_expression', 'await_expression', 'as_expression', 'non_null_expression', 'satisfies_expression', 'unary_expression', 'expression_list']);

/**
 * The name by which a built client leaves its module, or undefined when it stays inside (a function that builds
 * a client to make its own calls hands out nothing). Handed out: the value of a module-level exported (Python:
 * public; Go: capitalised) declaration, or what an exported/public function returns — the construction itself
 * (`return new Stripe(…)`, an arrow whose body it is) or the local variable it was assigned to.
 */
function handedOutAs(node: SgNode, language: RuleContext['language']): string | undefined {
  let value = node;
  while (value.parent() && TRANSPARENT.has(kindOf(value.parent() as SgNode))) value = value.parent() as SgNode;
  const parent = value.parent();
  if (!parent) return undefined;
  const fn = enclosingFunction(node, language);
  const family = languageFamily(language);
  const pk = kindOf(parent);
  // Returned directly: `return new Stripe(…)`, `() => new Stripe(…)`.
  const returned = pk === 'return_statement' || (fn !== null && parent.id() === fn.id() && kindOf(fn) === 'arrow_function');
  // Assigned: `const stripe = new Stripe(…)`, `client = stripe.StripeClient(…)`, `c := stripe.New(…)`.
  const assigned = ['variable_declarator', 'assignment', 'short_var_declaration', 'var_spec', 'assignment_statement', 'variable_declarator_id'].includes(pk)
    ? (fieldOf(parent, 'name') ?? fieldOf(parent, 'left'))?.text().split(/[\s,]/)[0]
    : undefined;
  if (!fn) {
    if (!assigned) return undefined;
    if (family === 'js') return isExportedJs(parent) ? assigned : undefined;
    if (family === 'python') return assigned.startsWith('_') ? undefined : assigned;
    if (family === 'go') return /^[A-Z]/.test(assigned) ? assigned : undefined;
    return undefined;
  }
  const returnsVariable = assigned !== undefined && fn.findAll({ rule: { kind: 'return_statement' } }).some((r) => r.text().replace(/^return\s+|;$/g, '').trim() === assigned);
  if (!returned && !returnsVariable) return undefined;
  if (family === 'js') {
    // `export function getStripe()`, `export const getStripe = () => …`.
    if (enclosingFunction(fn, language) !== null || !isExportedJs(fn)) return undefined;
    return functionName(fn, language) ?? 'default export';
  }
  const name = functionName(fn, language);
  if (!name) return undefined;
  if (family === 'python') return enclosingFunction(fn, language) === null && !name.startsWith('_') ? name : undefined;
  if (family === 'go') return /^[A-Z]/.test(name) ? name : undefined;
  // Java: a public method, or a Spring `@Bean`.
  const head = fn.text().slice(0, Math.max(0, fn.text().indexOf('(')));
  return /\bpublic\b|@Bean\b/.test(head) ? name : undefined;
}

/** The node sits under an `export` statement of its module (JS/TS). */
function isExportedJs(node: SgNode): boolean {
  for (let p: SgNode | null = node.parent(); p; p = p.parent()) if (kindOf(p) === 'export_statement') return true;
  return false;
}
