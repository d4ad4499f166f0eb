import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { parseSource } from '../parse-source.js';
import { memoised, memoisedForNode } from '../ast/file-memo.js';

/**
 * Small syntax helpers the security rules share: string literal values, call arguments, the name an
 * expression ends in, and one-hop "what was assigned to this variable" lookups, per language.
 */

const JS_STRINGS = ['string', 'template_string'];

/** Node kinds of string literals, per language. */
export const STRING_KINDS: Record<RuleLanguage, readonly string[]> = {
  typescript: JS_STRINGS,
  tsx: JS_STRINGS,
  javascript: JS_STRINGS,
  python: ['string'],
  go: ['interpreted_string_literal', 'raw_string_literal'],
  java: ['string_literal'],
};

/** Node kinds of comments, per language. */
export const COMMENT_KINDS: Record<RuleLanguage, readonly string[]> = {
  typescript: ['comment'],
  tsx: ['comment'],
  javascript: ['comment'],
  python: ['comment'],
  go: ['comment'],
  java: ['line_comment', 'block_comment'],
};

const validKinds = new Map<string, boolean>();

/** True when the grammar of `language` has node kind `kind` (probed once on an empty tree, then cached). */
function hasKind(language: RuleLanguage, kind: string): boolean {
  const key = `${language}:${kind}`;
  let ok = validKinds.get(key);
  if (ok === undefined) {
    try {
      parseSource(language, '').root().findAll({ rule: { kind } });
      ok = true;
    } catch {
      ok = false;
    }
    validKinds.set(key, ok);
  }
  return ok;
}

/**
 * Every node of one of `kinds` under `node`, in source order, in one traversal. Kinds the grammar of
 * `language` does not have (`new_expression` in Go, `function` in TypeScript) are left out instead of
 * failing the whole rule.
 */
export function findKinds(node: SgNode, kinds: Iterable<string>, language: RuleLanguage, also?: Record<string, unknown>): SgNode[] {
  const valid = [...new Set(kinds)].filter((k) => hasKind(language, k));
  if (valid.length === 0) return [];
  // `also`: further conditions every node must meet (`regex`, `has`), tested natively.
  return node.findAll({ rule: { any: valid.map((kind) => ({ kind })), ...also } });
}

/** True when `node` is a string literal of `language` (interpolated or not). */
export const isStringNode = (node: SgNode, language: RuleLanguage): boolean => STRING_KINDS[language].includes(kindOf(node));

/** The text of a string literal: `value` is the static text (interpolations left out), as written in source. */
export interface StringValue {
  value: string;
  /** True for template literals with `${}` and f-strings with `{}`: the value is built at run time. */
  interpolated: boolean;
  /** Interpolated expressions, in order. */
  parts: SgNode[];
}

/** The value of a string literal node, or null when `node` is not one. */
export function stringValue(node: SgNode, language: RuleLanguage): StringValue | null {
  const k = kindOf(node);
  if (!STRING_KINDS[language].includes(k)) return null;
  const text = node.text();
  if (k === 'template_string' || k === 'string' && language === 'python') {
    // One children() call and one kind() per child: both cross into native code.
    const children = node.children().map((c) => ({ c, kind: kindOf(c) }));
    const parts = children.filter((x) => x.kind === 'template_substitution' || x.kind === 'interpolation').map((x) => x.c);
    if (k === 'template_string' && parts.length === 0) return { value: text.slice(1, -1), interpolated: false, parts: [] };
    const fragments = children.filter((x) => x.kind === 'string_fragment' || x.kind === 'string_content' || x.kind === 'escape_sequence').map((x) => x.c);
    const exprs = parts.map((p) => p.children().find((c) => c.isNamed() && kindOf(c) !== 'format_specifier' && kindOf(c) !== 'type_conversion') ?? p);
    return { value: fragments.map((f) => f.text()).join(''), interpolated: parts.length > 0, parts: exprs };
  }
  if (k === 'string_literal' && text.startsWith('"""')) return { value: text.slice(3, -3), interpolated: false, parts: [] };
  return { value: text.slice(1, -1), interpolated: false, parts: [] };
}

/** True for literals whose value is fixed in source: strings without interpolation, numbers, booleans, null/None/nil. */
export function isLiteral(node: SgNode, language: RuleLanguage): boolean {
  const s = stringValue(node, language);
  if (s) return !s.interpolated;
  return /^(number|integer|float|int_literal|float_literal|decimal_integer_literal|hex_integer_literal|decimal_floating_point_literal|true|false|null|undefined|none|nil|null_literal|rune_literal|character_literal|concatenated_string)$/.test(kindOf(node));
}

const COMMENT_KIND = /comment$/;

/** The argument expressions of a call or constructor call, comments left out (Python keyword arguments included as-is). */
export function argumentsOf(call: SgNode): readonly SgNode[] {
  return memoisedForNode(ARGUMENTS, call, () => {
    const args = fieldOf(call, 'arguments');
    if (!args) return [];
    const kind = kindOf(args);
    if (kind !== 'arguments' && kind !== 'argument_list') return [];
    return Object.freeze(args.children().filter((c) => c.isNamed() && !COMMENT_KIND.test(kindOf(c))));
  });
}
const ARGUMENTS = {};

/** True for a JS tagged template call (`sql\`…\``, `prisma.$queryRaw\`…\``), whose interpolations are bound parameters. */
export const isTaggedTemplate = (call: SgNode): boolean => kindOf(call) === 'call_expression' && kindOf(fieldOf(call, 'arguments') ?? call) === 'template_string';

/** The text of a call before its argument list (`log.WithField(…).Info`, `db.QueryContext`): a cheap prefilter before walking the callee. */
export function callHead(call: SgNode): string {
  const text = call.text();
  const args = fieldOf(call, 'arguments');
  // The argument list always closes the call, so the callee is everything before it.
  return args ? text.slice(0, text.length - args.text().length) : text;
}

/** The Python keyword argument `name=` of a call, if present. */
export function keywordArgument(call: SgNode, name: string): SgNode | null {
  for (const a of argumentsOf(call)) {
    if (kindOf(a) === 'keyword_argument' && fieldOf(a, 'name')?.text() === name) return fieldOf(a, 'value');
  }
  return null;
}

/**
 * The name an expression ends in: `config.apiKey` → `apiKey`, `req.headers['authorization']` →
 * `authorization`, `os.environ["TOKEN"]` → `TOKEN`, a Java getter `cfg.getApiKey()` → `ApiKey`. Null
 * when it does not end in a name (a call, a slice, a number index).
 */
export function lastName(node: SgNode, language: RuleLanguage): string | null {
  const k = kindOf(node);
  switch (k) {
    case 'identifier':
    case 'property_identifier':
    case 'shorthand_property_identifier':
    case 'field_identifier':
    case 'private_property_identifier':
      return node.text().replace(/^#/, '');
    case 'member_expression':
      return fieldOf(node, 'property')?.text() ?? null;
    case 'attribute':
      return fieldOf(node, 'attribute')?.text() ?? null;
    case 'selector_expression':
      return fieldOf(node, 'field')?.text() ?? null;
    case 'field_access':
      return fieldOf(node, 'field')?.text() ?? null;
    case 'subscript_expression':
    case 'subscript':
    case 'index_expression': {
      const index = fieldOf(node, 'index') ?? fieldOf(node, 'subscript');
      const s = index ? stringValue(index, language) : null;
      return s && !s.interpolated ? s.value : null;
    }
    case 'method_invocation': {
      // Java getters read a property: `props.getPassword()`.
      const name = fieldOf(node, 'name')?.text() ?? '';
      return /^get[A-Z]/.test(name) && argumentsOf(node).length === 0 ? name.slice(3) : null;
    }
    case 'parenthesized_expression':
    case 'non_null_expression':
    case 'await_expression':
    case 'as_expression': {
      const inner = node.children().find((c) => c.isNamed());
      return inner ? lastName(inner, language) : null;
    }
    default:
      return null;
  }
}

/** Kinds of expressions that read a value through names: identifiers, member/attribute/selector access, subscripts. */
export const ACCESS_KINDS = new Set([
  'identifier',
  'member_expression',
  'subscript_expression',
  'attribute',
  'subscript',
  'selector_expression',
  'index_expression',
  'field_access',
  'shorthand_property_identifier',
]);

/** The first named child, skipping comments. */
export const firstNamedChild = (node: SgNode): SgNode | null => node.children().find((c) => c.isNamed() && !COMMENT_KIND.test(kindOf(c))) ?? null;

/** Strips parentheses, `await`, TS `!`/`as`: the expression that carries the value. */
export function unwrap(node: SgNode): SgNode {
  let n = node;
  for (;;) {
    const k = kindOf(n);
    if (k !== 'parenthesized_expression' && k !== 'await_expression' && k !== 'await' && k !== 'non_null_expression' && k !== 'as_expression' && k !== 'satisfies_expression') return n;
    const inner = firstNamedChild(n);
    if (!inner) return n;
    n = inner;
  }
}

/** One assignment of a value to a local name. */
export interface Assignment {
  /** The assigned expression. */
  value: SgNode;
  /** `+=`: the value is appended to what the variable held. */
  augmented: boolean;
  /** The declaration or assignment statement. */
  statement: SgNode;
}

/**
 * Every assignment to the plain variable `name` inside `scope` that starts before `beforeLine`
 * (0-based), in source order: declarations (`const q = …`, `q := …`, `String q = …`), plain
 * assignments and `+=`. Destructuring is not followed.
 */
export function assignmentsTo(name: string, scope: SgNode, language: RuleLanguage, beforeLine: number): Assignment[] {
  const all = assignmentIndex(scope, language).get(name);
  if (!all) return [];
  return all.filter((a) => a.statement.range().start.line <= beforeLine).sort((a, b) => a.start - b.start).map(({ value, augmented, statement }) => ({ value, augmented, statement }));
}

type IndexedAssignment = Assignment & { start: number };

/** Assignments under each scope of a parsed file, by assigned name: each scope is walked once, however many names are looked up in it. */
const ASSIGNMENTS = {};

function assignmentIndex(scope: SgNode, language: RuleLanguage): Map<string, IndexedAssignment[]> {
  const r = scope.range();
  return memoised(ASSIGNMENTS, `${language}:${kindOf(scope)}:${r.start.index}:${r.end.index}`, () => buildAssignmentIndex(scope, language));
}

/**
 * Every assignment to a plain variable inside `scope`, by name, in the order the per-kind searches find
 * them: declarations (`const q = …`, `q := …`, `String q = …`), plain assignments and `+=`.
 */
function buildAssignmentIndex(scope: SgNode, language: RuleLanguage): Map<string, IndexedAssignment[]> {
  const index = new Map<string, IndexedAssignment[]>();
  const nameOf = (n: SgNode | null): string | null => (n && kindOf(n) === 'identifier' ? n.text() : null);
  const push = (name: string | null, value: SgNode | null, augmented: boolean, statement: SgNode): void => {
    if (name === null || !value) return;
    let list = index.get(name);
    if (!list) index.set(name, (list = []));
    list.push({ value, augmented, statement, start: statement.range().start.index });
  };
  if (isTsLike(language)) {
    for (const d of scope.findAll({ rule: { kind: 'variable_declarator' } })) push(nameOf(fieldOf(d, 'name')), fieldOf(d, 'value'), false, d);
    for (const a of scope.findAll({ rule: { kind: 'assignment_expression' } })) push(nameOf(fieldOf(a, 'left')), fieldOf(a, 'right'), false, a);
    for (const a of scope.findAll({ rule: { kind: 'augmented_assignment_expression' } })) {
      const name = nameOf(fieldOf(a, 'left'));
      if (name !== null && fieldOf(a, 'operator')?.text() === '+=') push(name, fieldOf(a, 'right'), true, a);
    }
  } else if (language === 'python') {
    for (const a of scope.findAll({ rule: { kind: 'assignment' } })) push(nameOf(fieldOf(a, 'left')), fieldOf(a, 'right'), false, a);
    for (const a of scope.findAll({ rule: { kind: 'augmented_assignment' } })) {
      const name = nameOf(fieldOf(a, 'left'));
      if (name !== null && fieldOf(a, 'operator')?.text() === '+=') push(name, fieldOf(a, 'right'), true, a);
    }
  } else if (language === 'go') {
    for (const s of scope.findAll({ rule: { any: [{ kind: 'short_var_declaration' }, { kind: 'assignment_statement' }] } })) {
      const left = fieldOf(s, 'left')?.namedChildren() ?? [];
      const right = fieldOf(s, 'right')?.namedChildren() ?? [];
      if (right.length !== left.length) continue;
      const op = kindOf(s) === 'assignment_statement' ? fieldOf(s, 'operator')?.text() : ':=';
      if (!(op === '=' || op === ':=' || op === '+=')) continue;
      // The first position holding each name decides, as a lookup by name would find it.
      const names = left.map((l) => nameOf(l));
      names.forEach((name, i) => {
        if (name !== null && names.indexOf(name) === i) push(name, right[i] ?? null, op === '+=', s);
      });
    }
    for (const s of scope.findAll({ rule: { kind: 'var_spec' } })) {
      const names = s.children().filter((c) => kindOf(c) === 'identifier').map((c) => c.text());
      const values = fieldOf(s, 'value')?.namedChildren() ?? [];
      if (values.length !== names.length) continue;
      names.forEach((name, i) => {
        if (names.indexOf(name) === i) push(name, values[i] ?? null, false, s);
      });
    }
  } else {
    for (const d of scope.findAll({ rule: { kind: 'variable_declarator' } })) push(nameOf(fieldOf(d, 'name')), fieldOf(d, 'value'), false, d);
    for (const a of scope.findAll({ rule: { kind: 'assignment_expression' } })) {
      const op = fieldOf(a, 'operator')?.text();
      if (op === '=' || op === '+=') push(nameOf(fieldOf(a, 'left')), fieldOf(a, 'right'), op === '+=', a);
    }
  }
  return index;
}

/** Names of a function's parameters with their type text (empty when untyped), per language. */
export function parametersOf(fn: SgNode, language: RuleLanguage): { name: string; type: string; node: SgNode }[] {
  const params = fieldOf(fn, 'parameters') ?? fieldOf(fn, 'parameter');
  if (!params) return [];
  if (kindOf(params) === 'identifier') return [{ name: params.text(), type: '', node: params }];
  const out: { name: string; type: string; node: SgNode }[] = [];
  for (const p of params.namedChildren()) {
    const k = kindOf(p);
    if (language === 'python') {
      if (k === 'identifier') out.push({ name: p.text(), type: '', node: p });
      else {
        const nameNode = fieldOf(p, 'name') ?? p.children().find((c) => kindOf(c) === 'identifier') ?? null;
        if (nameNode) out.push({ name: nameNode.text(), type: fieldOf(p, 'type')?.text() ?? '', node: p });
      }
      continue;
    }
    if (language === 'go') {
      const type = fieldOf(p, 'type')?.text() ?? '';
      for (const n of p.children().filter((c) => kindOf(c) === 'identifier')) out.push({ name: n.text(), type, node: p });
      continue;
    }
    if (k === 'identifier') {
      out.push({ name: p.text(), type: '', node: p });
      continue;
    }
    const nameNode = fieldOf(p, 'name') ?? fieldOf(p, 'pattern');
    if (nameNode && kindOf(nameNode) === 'identifier') {
      const type = (fieldOf(p, 'type')?.text() ?? '').replace(/^:\s*/, '');
      out.push({ name: nameNode.text(), type, node: p });
    }
  }
  return out;
}
