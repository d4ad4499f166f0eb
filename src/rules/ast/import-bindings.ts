import type { SgNode, SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';

/** One name an import brings into scope. */
export interface ImportedName {
  /** The name used in this file (`Stripe`, `b3`, `S3Client`). */
  local: string;
  /**
   * What it refers to: `default` or `*` for the module itself (JS default/namespace/CommonJS, Python
   * `import x`, Go package, Java type), else the imported member (`S3Client`, `Client`).
   */
  imported: string;
}

/** One import (or `require`) of a module, with the names it binds. */
export interface ImportStatement {
  /** The module as written: `stripe`, `@aws-sdk/client-s3`, `twilio.rest`, `github.com/stripe/stripe-go/v76`, `com.stripe.model.Charge`. */
  module: string;
  /** 1-based first and last line of the statement. */
  line: number;
  endLine: number;
  /** `import type` in TypeScript: it does not exist at run time. */
  typeOnly: boolean;
  names: ImportedName[];
}

const TS_JS = new Set<RuleLanguage>(['typescript', 'tsx', 'javascript']);

/**
 * The imports of a file, in source order, for TS/JS (ES imports, `require`, dynamic `import()`),
 * Python (`import`, `from … import`; relative imports are left out: they are the project's own code),
 * Go (import specs) and Java (import declarations).
 */
export function importStatements(root: SgRoot, language: RuleLanguage, opts: { dependencies?: boolean } = {}): ImportStatement[] {
  // Every dependency of the file, for dependency judgements (`architecture:`): also Python's relative imports
  // (`from .models import Order`, the project's own code, which rules about third-party modules skip) and
  // JS/TS re-exports (`export { x } from './y'`, which bind no local name).
  if (opts.dependencies && language === 'python') return pythonImports(root.root(), true);
  if (opts.dependencies && TS_JS.has(language)) return [...memo(root, language).statements, ...reExports(root.root())].sort((a, b) => a.line - b.line);
  return [...memo(root, language).statements];
}

/** `export { a } from './a'`, `export * from './b'`: dependencies that bind no local name. */
function reExports(root: SgNode): ImportStatement[] {
  const out: ImportStatement[] = [];
  for (const st of root.findAll({ rule: { kind: 'export_statement', has: { field: 'source', kind: 'string' } } })) {
    const module = stringValue(st.field('source'));
    if (module) out.push({ module, ...lines(st), typeOnly: st.children().some((c) => c.text() === 'type' && !c.isNamed()), names: [] });
  }
  return out;
}

interface Imports {
  statements: ImportStatement[];
  names?: Map<string, { module: string; imported: string }>;
}

/** Several rules read the imports of the same file: walk them once per parsed tree (and language). */
const cache = new WeakMap<SgRoot, Map<RuleLanguage, Imports>>();

function memo(root: SgRoot, language: RuleLanguage): Imports {
  let byLanguage = cache.get(root);
  if (!byLanguage) cache.set(root, (byLanguage = new Map()));
  let found = byLanguage.get(language);
  if (!found) byLanguage.set(language, (found = { statements: readImports(root, language) }));
  return found;
}

function readImports(root: SgRoot, language: RuleLanguage): ImportStatement[] {
  if (TS_JS.has(language)) return jsImports(root.root());
  if (language === 'python') return pythonImports(root.root());
  if (language === 'go') return goImports(root.root());
  return javaImports(root.root());
}

/**
 * Local name → the module it stands for, for every name an import binds (Python: the qualified name,
 * e.g. `Client` → `twilio.rest.Client`; Java: the fully qualified type).
 */
export function importedNames(root: SgRoot, language: RuleLanguage): Map<string, { module: string; imported: string }> {
  const imports = memo(root, language);
  if (!imports.names) {
    imports.names = new Map();
    for (const s of imports.statements) {
      for (const n of s.names) imports.names.set(n.local, { module: s.module, imported: n.imported });
    }
  }
  return new Map(imports.names);
}

/** `b3.client` with `import boto3 as b3` → `boto3.client`; `Client` with `from twilio.rest import Client` → `twilio.rest.Client`. */
export function qualifyPython(text: string, names: Map<string, { module: string; imported: string }>): string {
  const [head, ...rest] = text.split('.');
  const b = head ? names.get(head) : undefined;
  if (!b) return text;
  const base = b.imported === '*' ? b.module : `${b.module}.${b.imported}`;
  return [base, ...rest].join('.');
}

function lines(n: SgNode): { line: number; endLine: number } {
  const r = n.range();
  return { line: r.start.line + 1, endLine: r.end.line + 1 };
}

function stringValue(n: SgNode | null): string | undefined {
  if (!n || n.kind() !== 'string') return undefined;
  const t = n.text();
  return t.length >= 2 ? t.slice(1, -1) : undefined;
}

function jsImports(root: SgNode): ImportStatement[] {
  const out: ImportStatement[] = [];
  for (const st of root.findAll({ rule: { kind: 'import_statement' } })) {
    const module = stringValue(st.field('source'));
    if (!module) continue;
    const parts = st.children();
    const typeOnly = parts.some((c) => c.text() === 'type' && !c.isNamed());
    const names: ImportedName[] = [];
    const clause = parts.find((c) => c.kind() === 'import_clause');
    for (const c of clause?.children() ?? []) {
      if (c.kind() === 'identifier') names.push({ local: c.text(), imported: 'default' });
      else if (c.kind() === 'namespace_import') {
        const id = c.find({ rule: { kind: 'identifier' } });
        if (id) names.push({ local: id.text(), imported: '*' });
      } else if (c.kind() === 'named_imports') {
        for (const spec of c.findAll({ rule: { kind: 'import_specifier' } })) {
          const name = spec.field('name')?.text();
          if (!name) continue;
          names.push({ local: spec.field('alias')?.text() ?? name, imported: name });
        }
      }
    }
    out.push({ module, ...lines(st), typeOnly, names });
  }
  // CommonJS and dynamic imports: `const Stripe = require('stripe')`, `const { Pool } = require('pg')`, `await import('openai')`.
  // The callee is matched in ast-grep (not per call in JS): a file has many calls and few requires.
  const requireOrImport = { kind: 'call_expression', has: { field: 'function', any: [{ regex: '^require$' }, { kind: 'import' }] } };
  // Without the word `require` or an `import(` in the file there is nothing to search for.
  const calls = /require|import\s*[(/]/.test(root.text()) ? root.findAll({ rule: requireOrImport }) : [];
  for (const call of calls) {
    const fn = call.field('function');
    if (!fn || (fn.text() !== 'require' && fn.kind() !== 'import')) continue;
    const args = call.field('arguments')?.namedChildren() ?? [];
    const module = stringValue(args[0] ?? null);
    if (!module || args.length !== 1) continue;
    const names: ImportedName[] = [];
    const decl = call.parent()?.kind() === 'variable_declarator' ? call.parent() : null;
    const target = decl?.field('name');
    if (target?.kind() === 'identifier') names.push({ local: target.text(), imported: '*' });
    else if (target?.kind() === 'object_pattern') {
      for (const p of target.children()) {
        if (p.kind() === 'shorthand_property_identifier_pattern') names.push({ local: p.text(), imported: p.text() });
        else if (p.kind() === 'pair_pattern') {
          const key = p.field('key')?.text();
          const value = p.field('value');
          if (key && value?.kind() === 'identifier') names.push({ local: value.text(), imported: key });
        }
      }
    }
    const stmt = decl?.parent() ?? call;
    out.push({ module, ...lines(stmt), typeOnly: false, names });
  }
  return out.sort((a, b) => a.line - b.line);
}

function pythonImports(root: SgNode, relative = false): ImportStatement[] {
  const out: ImportStatement[] = [];
  for (const st of root.findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } })) {
    if (st.kind() === 'import_statement') {
      // `import a.b, c as d`: one statement per module, as each is its own dependency.
      for (const item of st.fieldChildren('name')) {
        if (item.kind() === 'aliased_import') {
          const module = item.field('name')?.text();
          const alias = item.field('alias')?.text();
          if (module && alias) out.push({ module, ...lines(st), typeOnly: false, names: [{ local: alias, imported: '*' }] });
        } else {
          const module = item.text();
          out.push({ module, ...lines(st), typeOnly: false, names: [{ local: module.split('.')[0] ?? module, imported: '*' }] });
        }
      }
      continue;
    }
    const modNode = st.field('module_name');
    if (!modNode || (modNode.kind() === 'relative_import' && !relative)) continue;
    const module = modNode.text();
    const names: ImportedName[] = [];
    for (const item of st.fieldChildren('name')) {
      if (item.kind() === 'aliased_import') {
        const name = item.field('name')?.text();
        const alias = item.field('alias')?.text();
        if (name && alias) names.push({ local: alias, imported: name });
      } else names.push({ local: item.text(), imported: item.text() });
    }
    out.push({ module, ...lines(st), typeOnly: false, names });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The name a Go package is used by when imported without an alias: `stripe-go/v76` → `stripe`, `go-redis/v9` → `redis`. */
export function goPackageName(path: string): string {
  const segments = path.split('/').filter((s) => !/^v\d+$/.test(s));
  const last = segments[segments.length - 1] ?? path;
  return last.replace(/^go-/, '').replace(/-go$/, '').replace(/\.v\d+$/, '').replace(/-/g, '');
}

function goImports(root: SgNode): ImportStatement[] {
  const out: ImportStatement[] = [];
  for (const spec of root.findAll({ rule: { kind: 'import_spec' } })) {
    const pathNode = spec.field('path');
    if (!pathNode) continue;
    const module = pathNode.text().replace(/^["`]|["`]$/g, '');
    const alias = spec.field('name')?.text();
    const local = alias && alias !== '.' && alias !== '_' ? alias : goPackageName(module);
    out.push({ module, ...lines(spec), typeOnly: false, names: alias === '_' ? [] : [{ local, imported: '*' }] });
  }
  return out;
}

function javaImports(root: SgNode): ImportStatement[] {
  const out: ImportStatement[] = [];
  for (const st of root.findAll({ rule: { kind: 'import_declaration' } })) {
    const parts = st.children();
    const id = parts.find((c) => c.kind() === 'scoped_identifier' || c.kind() === 'identifier');
    if (!id) continue;
    const module = id.text();
    const wildcard = parts.some((c) => c.kind() === 'asterisk');
    const isStatic = parts.some((c) => c.text() === 'static');
    const simple = module.split('.').pop() ?? module;
    const names = wildcard || isStatic ? [] : [{ local: simple, imported: '*' }];
    out.push({ module, ...lines(st), typeOnly: false, names });
  }
  return out;
}
