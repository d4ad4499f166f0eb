import type { SgNode } from '@ast-grep/napi';
import { importedNames } from '../ast/import-bindings.js';
import { enclosingFunction, functionName, languageFamily, type LanguageFamily } from '../ast/function-scope.js';
import { lineOf as startLine } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { isBusinessContext, isCompositionRoot } from './business-layer.js';

interface EnvRead {
  node: SgNode;
  /** The variable's name when it is a literal (`STRIPE_KEY`), else the expression. */
  name: string;
}

/** `X` of `process.env.X`, `"X"` of `os.environ["X"]`, … : the literal name, else the expression text. */
function literalName(n: SgNode | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.kind() === 'property_identifier') return n.text();
  const t = n.text();
  const m = /^["'`]([^"'`]*)["'`]$/.exec(t) ?? /^"([^"]*)"$/.exec(t);
  return m ? m[1] : t;
}

function firstArgument(call: SgNode): SgNode | undefined {
  return call.field('arguments')?.children().find((c) => c.isNamed());
}

function jsReads(root: SgNode): EnvRead[] {
  const out: EnvRead[] = [];
  for (const n of root.findAll({ rule: { any: [{ kind: 'member_expression' }, { kind: 'subscript_expression' }] } })) {
    if (n.field('object')?.text().replace(/\s/g, '') !== 'process.env') continue;
    const key = n.kind() === 'member_expression' ? n.field('property') : n.field('index');
    out.push({ node: n, name: literalName(key) ?? n.text() });
  }
  // `const { STRIPE_KEY, STRIPE_WEBHOOK_SECRET } = process.env`
  for (const d of root.findAll({ rule: { kind: 'variable_declarator' } })) {
    if (d.field('value')?.text().replace(/\s/g, '') !== 'process.env' || d.field('name')?.kind() !== 'object_pattern') continue;
    const keys = d.field('name')?.namedChildren().map((c) => (c.field('key') ?? c).text()) ?? [];
    out.push({ node: d, name: keys.join('`, `') || 'process.env' });
  }
  return out;
}

function pythonReads(ctx: RuleContext): EnvRead[] {
  const names = importedNames(ctx.root, ctx.language);
  const localFor = (qualified: string): string[] => {
    const out: string[] = [];
    for (const [local, { module, imported }] of names) if (`${module}.${imported}` === qualified) out.push(local);
    return out;
  };
  const environ = new Set(['os.environ', ...localFor('os.environ')]);
  const getters = new Set(['os.getenv', 'os.environ.get', ...localFor('os.getenv'), ...[...environ].map((e) => `${e}.get`)]);
  const out: EnvRead[] = [];
  for (const n of ctx.root.root().findAll({ rule: { any: [{ kind: 'subscript' }, { kind: 'call' }] } })) {
    if (n.kind() === 'subscript') {
      if (!environ.has(n.field('value')?.text() ?? '')) continue;
      out.push({ node: n, name: literalName(n.field('subscript')) ?? n.text() });
    } else if (getters.has(n.field('function')?.text() ?? '')) {
      out.push({ node: n, name: literalName(firstArgument(n)) ?? n.text() });
    }
  }
  return out;
}

function goReads(root: SgNode): EnvRead[] {
  return root
    .findAll({ rule: { kind: 'call_expression' } })
    .filter((c) => /^os\.(Getenv|LookupEnv)$/.test(c.field('function')?.text() ?? ''))
    .map((c) => ({ node: c, name: literalName(firstArgument(c)) ?? c.text() }));
}

function javaReads(root: SgNode): EnvRead[] {
  return root
    .findAll({ rule: { kind: 'method_invocation' } })
    .filter((c) => c.field('object')?.text() === 'System' && c.field('name')?.text() === 'getenv' && firstArgument(c))
    .map((c) => ({ node: c, name: literalName(firstArgument(c)) ?? c.text() }));
}

/** A default parameter value (`key = process.env.KEY`) is an overridable default, i.e. already injectable. */
function inParameterList(n: SgNode, fn: SgNode): boolean {
  const params = fn.field('parameters');
  if (!params) return false;
  const r = params.range();
  const p = n.range();
  return p.start.index >= r.start.index && p.end.index <= r.end.index;
}

/** Runtime-mode switches read everywhere by convention; flagging them would be noise, not architecture. */
const MODE_VARIABLES = new Set(['NODE_ENV', 'APP_ENV', 'ENV', 'ENVIRONMENT', 'GO_ENV', 'DEBUG', 'CI']);

function describe(fn: SgNode, family: LanguageFamily): string {
  if (fn.kind() === 'constructor_declaration' || functionName(fn, family) === 'constructor' || functionName(fn, family) === '__init__') return 'the constructor';
  const name = functionName(fn, family);
  return name ? `\`${name}()\`` : 'this function';
}

/**
 * An environment variable read inside a function of a domain/service module, instead of once at the
 * config module or composition root: one finding per function. Module-level reads, config, feature-flag and
 * adapter modules, tests and entry points are left alone.
 *
 * Summary-only: on the real-world corpus (issue 8) none of 24 findings was a true positive (17 DEBATABLE:
 * reading config in use-cases was each codebase's own convention; 7 FP: config, feature-flag and adapter
 * layers, test utilities). It is a design remark worth listing, not a comment worth posting on a line.
 */
export const envReadInBusinessLogic: Rule = {
  id: 'env-read-in-business-logic',
  category: 'coupling',
  severity: 'low',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Business logic reads the environment directly',
  // 0 TP of 24 judged (17 DEBATABLE); 0.1 rather than 0 keeps the remark listed, last, in the summary.
  confidence: 0.1,
  defaultMode: 'summary',
  exemptions:
    'Module-level reads (evaluated once at startup), reads as an overridable default parameter, runtime-mode switches (`NODE_ENV`, `DEBUG`, …), and files that are not business logic: config and settings modules, feature-flag modules, adapters and client wrappers (under `adapters/`, `integrations/`, `providers/`, named `*Client`/`*Adapter`, or a class implementing a port or storage base), composition roots (`main`, `app`, `cmd/`), tests and test utilities, scripts and migrations.',
  why:
    'Configuration read deep inside business logic is invisible at startup: a missing or misspelled variable only surfaces when the first request reaches this line (often as `undefined` handed to an SDK), each reader parses and validates the value its own way, and the code cannot be tested without mutating the process environment.',
  fix:
    'Read and validate configuration once at startup in the config module or composition root (a zod schema over `process.env`, pydantic `BaseSettings`, a Go `Config` struct loaded in `main`, Spring `@ConfigurationProperties`), then pass the typed values into this code through its constructor or parameters.',
  check(ctx: RuleContext): RuleMatch[] {
    if (!isBusinessContext(ctx) || isCompositionRoot(ctx.path)) return [];
    const family = languageFamily(ctx.language);
    const reads =
      family === 'js' ? jsReads(ctx.root.root()) : family === 'python' ? pythonReads(ctx) : family === 'go' ? goReads(ctx.root.root()) : javaReads(ctx.root.root());

    // One finding per function: five `process.env` reads in one use-case are one remark, not five.
    const groups: { fn: SgNode; first: number; last: number; names: string[] }[] = [];
    for (const r of reads.sort((a, b) => a.node.range().start.index - b.node.range().start.index)) {
      const fn = enclosingFunction(r.node, family);
      if (!fn || inParameterList(r.node, fn) || MODE_VARIABLES.has(r.name)) continue;
      const line = startLine(r.node);
      const prev = groups.find((g) => g.fn.id() === fn.id());
      if (prev) {
        prev.last = line;
        if (!prev.names.includes(r.name)) prev.names.push(r.name);
      } else groups.push({ fn, first: line, last: line, names: [r.name] });
    }
    return groups.map((g) => ({
      line: g.first,
      ...(g.last > g.first ? { endLine: g.last } : {}),
      detail: `${describe(g.fn, family)} in the business module \`${ctx.path}\` reads \`${g.names.join('`, `')}\` from the environment at call time instead of receiving it from the config module.`,
    }));
  },
};
