import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeOf, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { argumentsOf, assignmentsTo, findKinds, isLiteral, lastName, parametersOf, stringValue, unwrap } from './syntax.js';
import { memoised } from '../ast/file-memo.js';

/** A string built at run time from static text and values. */
export interface DynamicString {
  /** The static text, pieces joined with a space. */
  staticText: string;
  /** Values spliced in that are not known to be safe (constants, numbers, generated placeholders are left out). */
  unsafe: SgNode[];
  /** How it is built: `a template literal`, `concatenation`, `an f-string`, `fmt.Sprintf`… */
  how: string;
  /** Set when the string was built in a variable first: the variable name and the assignment. */
  via?: { name: string; statement: SgNode };
}

/** Where values are looked up: the enclosing function (or the file) of the expression. */
export interface Scope {
  node: SgNode;
  language: RuleLanguage;
}

/** Format verbs that only ever print numbers or booleans: `%d`, `%f`, `%t`… (Go and Python `%`). */
const NUMERIC_VERB = /^%[-+# 0-9.*]*[dfFgGeExXbotiu]$/;

/**
 * How `expr` builds a string, or null when it is a plain literal or something else. Follows one hop
 * through a local variable (`const sql = \`…${id}\`; db.query(sql)`), including later `+=` appends.
 */
export function dynamicString(expr: SgNode, scope: Scope, depth = 0): DynamicString | null {
  const e = unwrap(expr);
  const { language } = scope;
  const k = kindOf(e);

  const s = stringValue(e, language);
  if (s) {
    if (!s.interpolated) return null;
    return { staticText: s.value, unsafe: s.parts.filter((p) => !isSafeValue(p, scope)), how: isTsLike(language) ? 'a template literal' : 'an f-string' };
  }

  if ((k === 'binary_expression' || k === 'binary_operator') && fieldOf(e, 'operator')?.text() === '+') {
    const operands = flattenPlus(e);
    const statics: string[] = [];
    const unsafe: SgNode[] = [];
    let sawString = false;
    for (const o of operands) {
      const v = stringValue(o, language);
      if (v) {
        sawString = true;
        statics.push(v.value);
        unsafe.push(...v.parts.filter((p) => !isSafeValue(p, scope)));
      } else if (!isSafeValue(o, scope)) unsafe.push(o);
    }
    return sawString ? { staticText: statics.join(' '), unsafe, how: 'string concatenation' } : null;
  }

  if (language === 'python' && k === 'binary_operator' && fieldOf(e, 'operator')?.text() === '%') {
    const left = fieldOf(e, 'left');
    const right = fieldOf(e, 'right');
    const fmt = left ? stringValue(left, language) : null;
    if (!fmt || !right) return null;
    const values = kindOf(right) === 'tuple' ? right.namedChildren() : [right];
    return { staticText: fmt.value, unsafe: pairVerbs(fmt.value, values).filter((v) => !isSafeValue(v, scope)), how: '`%` formatting' };
  }

  if (k === CALL_KIND[language]) {
    const segs = calleeSegments(e, language);
    const method = segs[segs.length - 1] ?? '';
    const args = argumentsOf(e);
    // Python `"…".format(x)`, Java `"…".formatted(x)`: the receiver is the template.
    if ((language === 'python' && method === 'format') || (language === 'java' && method === 'formatted')) {
      const receiver = fieldOf(calleeOf(e, language), 'object');
      const fmt = receiver ? stringValue(receiver, language) : null;
      if (!fmt) return null;
      const values = args.map((a) => (kindOf(a) === 'keyword_argument' ? (fieldOf(a, 'value') ?? a) : a));
      return { staticText: fmt.value, unsafe: values.filter((v) => !isSafeValue(v, scope)), how: `\`.${method}()\`` };
    }
    // Java `sb.toString()` of a StringBuilder filled with `sb.append(…)`: the appended pieces are the text.
    if (language === 'java' && method === 'toString' && args.length === 0) {
      const receiver = fieldOf(e, 'object');
      return receiver && kindOf(receiver) === 'identifier' ? builderString(receiver, scope) : null;
    }
    const isSprintf = language === 'go' && segs.length === 2 && segs[0] === 'fmt' && method === 'Sprintf';
    const isStringFormat = language === 'java' && segs.length === 2 && segs[0] === 'String' && method === 'format';
    if (isSprintf || isStringFormat) {
      const fmt = args[0] ? stringValue(args[0], language) : null;
      if (!fmt) return null;
      const values = args.slice(1);
      const unsafe = (isSprintf ? pairVerbs(fmt.value, values) : values).filter((v) => !isSafeValue(v, scope));
      return { staticText: fmt.value, unsafe, how: `\`${segs.join('.')}\`` };
    }
    return null;
  }

  if (k === 'identifier' && depth === 0) {
    const assignments = assignmentsTo(e.text(), scope.node, language, e.range().start.line);
    const statics: string[] = [];
    const unsafe: SgNode[] = [];
    let built: DynamicString | null = null;
    for (const a of assignments) {
      const inner = dynamicString(a.value, scope, depth + 1);
      const lit = stringValue(unwrap(a.value), language);
      if (inner) {
        built ??= inner;
        statics.push(inner.staticText);
        unsafe.push(...inner.unsafe);
      } else if (lit) statics.push(lit.value);
      else if (a.augmented && !isSafeValue(a.value, scope)) unsafe.push(a.value);
    }
    const first = assignments.find((a) => unsafe.some((u) => within(u, a.statement)));
    if (!built && unsafe.length === 0) return null;
    return {
      staticText: statics.join(' '),
      unsafe,
      how: built?.how ?? 'string concatenation',
      via: { name: e.text(), statement: (first ?? assignments[0])?.statement ?? e },
    };
  }
  return null;
}

/** The root of an `append` chain: `qs` in `qs.append(a).append(b)`. */
function appendChainRoot(call: SgNode): SgNode | null {
  let n: SgNode | null = call;
  while (n && kindOf(n) === 'method_invocation' && fieldOf(n, 'name')?.text() === 'append') n = fieldOf(n, 'object');
  return n;
}

/** The text a Java StringBuilder `builder` holds before it is turned into a string: its constructor argument and every `append` before that line. */
function builderString(builder: SgNode, scope: Scope): DynamicString | null {
  const { language } = scope;
  const name = builder.text();
  const line = builder.range().start.line;
  const created = assignmentsTo(name, scope.node, language, line).some((a) => /^new\s+String(Builder|Buffer)\b/.test(a.value.text()));
  if (!created) return null;
  const pieces: SgNode[] = [];
  for (const a of assignmentsTo(name, scope.node, language, line)) pieces.push(...argumentsOf(a.value));
  for (const call of scope.node.findAll({ rule: { kind: 'method_invocation', has: { field: 'name', regex: '^append$' } } })) {
    if (call.range().start.line > line || appendChainRoot(call)?.text() !== name) continue;
    pieces.push(...argumentsOf(call));
  }
  const statics: string[] = [];
  const unsafe: SgNode[] = [];
  for (const piece of pieces.flatMap((p) => flattenPlus(unwrap(p)))) {
    const v = stringValue(piece, language);
    if (v) statics.push(v.value);
    else if (!isSafeValue(piece, scope)) unsafe.push(piece);
  }
  return { staticText: statics.join(' '), unsafe, how: 'a `StringBuilder`' };
}

const within = (inner: SgNode, outer: SgNode): boolean =>
  inner.range().start.index >= outer.range().start.index && inner.range().end.index <= outer.range().end.index;

/** The operands of a chain of `+` (string concatenation), left to right; any other node is its own only operand. */
export function flattenPlus(n: SgNode): SgNode[] {
  const k = kindOf(n);
  if ((k === 'binary_expression' || k === 'binary_operator') && fieldOf(n, 'operator')?.text() === '+') {
    const l = fieldOf(n, 'left');
    const r = fieldOf(n, 'right');
    return [...(l ? flattenPlus(unwrap(l)) : []), ...(r ? flattenPlus(unwrap(r)) : [])];
  }
  return [n];
}

/** The values printed by non-numeric verbs: `%d` cannot inject SQL, `%s` can. */
function pairVerbs(format: string, values: SgNode[]): SgNode[] {
  const verbs = [...format.matchAll(/%(?:\([^)]*\))?[-+# 0-9.*]*[a-zA-Z%]/g)].map((m) => m[0]).filter((v) => v !== '%%');
  return values.filter((_, i) => {
    const verb = verbs[i];
    return !verb || !NUMERIC_VERB.test(verb.replace(/\([^)]*\)/, ''));
  });
}

/** Casts and measures that always yield a number (or a fixed word): their output cannot carry SQL. */
const NUMERIC_CALL = /^(Number|parseInt|parseFloat|int|float|len|Itoa|FormatInt|FormatFloat|parseLong|min|max|floor|ceil|round|abs|size|length|count|toFixed|bool|Boolean)$/;
/** Helpers that escape or quote a value for SQL. */
const ESCAPING_CALL = /escape|quote|sanitiz|ident|literal|allowed|whitelist|allowlist/i;

/** Declared types whose values cannot carry SQL. */
const SAFE_TYPE = /^(number|bigint|boolean|int|int8|int16|int32|int64|uint|uint8|uint16|uint32|uint64|float32|float64|bool|long|Long|Integer|short|Short|double|Double|float|Float|Boolean|UUID|LocalDate|LocalDateTime|Instant|BigDecimal|Date|time\.Time)$/;
/** A generated placeholder list: `ids.map(() => '?')`, `['%s'] * len(ids)`, `strings.Repeat("?,", n)`, `$${i + 1}`. */
const PLACEHOLDER_TEXT = /placeholder|['"`]\s*\?\s*,?\s*['"`]|['"`]\s*%s\s*['"`]|\$\$\{|['"`]\$['"`]\s*\+|['"`]\s*:\w+\s*['"`]/i;

/**
 * True when a value spliced into SQL cannot carry attacker text: a literal, an UPPER_CASE constant, a
 * number (by cast or declared type), generated placeholders, a choice between literals
 * (`asc ? 'ASC' : 'DESC'`), a local only ever assigned such values, or a list joined from literal fragments.
 */
export function isSafeValue(node: SgNode, scope: Scope, depth = 0): boolean {
  const { language } = scope;
  const n = unwrap(node);
  const k = kindOf(n);
  if (isLiteral(n, language)) return true;
  const s = stringValue(n, language);
  if (s) return s.parts.every((p) => isSafeValue(p, scope, depth + 1));
  const name = lastName(n, language);
  if (name && /^[A-Z][A-Z0-9_]*$/.test(name) && name.length > 1) return true;
  if (name && /^(length|size)$/.test(name)) return true;
  // Table and schema names come from the code's own configuration (`this.tableName`, `self.schema`).
  if (name && (k === 'member_expression' || k === 'attribute' || k === 'selector_expression' || k === 'field_access') && /^(this|self)\b/.test(n.text()) && /table|schema/i.test(name)) return true;
  if (PLACEHOLDER_TEXT.test(n.text())) return true;
  if (k === 'ternary_expression' || k === 'conditional_expression') {
    const branches = k === 'ternary_expression' ? [fieldOf(n, 'consequence'), fieldOf(n, 'alternative')] : n.namedChildren().filter((_, i) => i !== 1);
    return branches.every((b) => !!b && isSafeValue(b, scope, depth + 1));
  }
  if (k === 'binary_expression' || k === 'binary_operator' || k === 'boolean_operator') {
    const op = fieldOf(n, 'operator')?.text() ?? '';
    const left = fieldOf(n, 'left');
    // Arithmetic and comparisons yield numbers and booleans; `a || b` and `+` yield one of their operands.
    if (/^(-|\*|\/|<|>|<=|>=|==|===|!=|!==|&|\||\^|<<|>>|\*\*|\/\/)$/.test(op)) return true;
    if (op === '%') return !(left && stringValue(left, language));
    const operands = op === '+' ? flattenPlus(n) : [left, fieldOf(n, 'right')];
    return operands.every((o) => !!o && isSafeValue(o, scope, depth + 1));
  }
  // Unary `+x`, `-x`, `~x`, `!x` yield numbers and booleans.
  if ((k === 'unary_expression' || k === 'unary_operator' || k === 'not_operator') && /^[-+~!]|^not\b/.test(n.text())) return true;
  // A lookup in a constant map is an allow-list: `SORT_COLUMNS[sortBy]`, `ALLOWED.get(col)`.
  if (isConstantLookup(n, language)) return true;
  if (k === CALL_KIND[language]) {
    const segs = calleeSegments(n, language);
    const method = segs[segs.length - 1] ?? '';
    if (NUMERIC_CALL.test(method)) return true;
    // A function of the same file declared to return a number: `toDbVersion(version)` returning `long`.
    if (segs.length <= 2 && (segs.length === 1 || /^(this|self)$/.test(segs[0] ?? '')) && returnsSafeType(method, scope)) return true;
    // Escaped or quoted by a helper: `pg.escapeIdentifier(col)`, `mysql.escape(v)`, `quoteSchemaName(schema)`.
    if (ESCAPING_CALL.test(method)) return true;
    if (/^(join|Join)$/.test(method)) return joinedFromLiterals(n, scope, depth);
    return false;
  }
  if (k === 'identifier' && depth < 2) {
    const declared = declaredType(n.text(), scope);
    if (declared && SAFE_TYPE.test(declared.replace(/^\*/, ''))) return true;
    if (checkedAgainstAllowList(n, scope)) return true;
    const assignments = assignmentsInEnclosingScopes(n, scope);
    return assignments.length > 0 && assignments.every((a) => isSafeValue(a.value, scope, depth + 1));
  }
  return false;
}

/**
 * The assignments to identifier `n` in the innermost scope that has any: its own function, then the
 * functions around it (a callback reading `const fnName = '…'` of its outer function), then the file.
 */
function assignmentsInEnclosingScopes(n: SgNode, scope: Scope): ReturnType<typeof assignmentsTo> {
  const { language } = scope;
  const line = n.range().start.line;
  let fn = enclosingFunction(n, language);
  for (let hops = 0; hops < 4; hops++) {
    const node = fn ?? scope.node.getRoot().root();
    const found = assignmentsTo(n.text(), node, language, line);
    if (found.length > 0 || !fn) return found;
    fn = enclosingFunction(fn, language);
  }
  return [];
}

const UPPER_CONSTANT = /^[A-Z][A-Z0-9_]*$/;

/** `COLUMNS[key]`, `ALLOWED.get(key)`, `allowedSorts[key]` (a map named as an allow-list): the value comes from the map, not the key. */
function isConstantLookup(n: SgNode, language: RuleLanguage): boolean {
  const k = kindOf(n);
  let map: SgNode | null = null;
  if (k === 'subscript_expression' || k === 'subscript' || k === 'index_expression') map = fieldOf(n, 'object') ?? fieldOf(n, 'value') ?? fieldOf(n, 'operand');
  else if (k === CALL_KIND[language]) {
    const segs = calleeSegments(n, language);
    if (segs.length === 2 && /^(get|getOrDefault)$/.test(segs[1] ?? '')) return isAllowListName(segs[0] ?? '');
  }
  return !!map && isAllowListName(lastName(map, language) ?? '');
}

const isAllowListName = (name: string): boolean => (UPPER_CONSTANT.test(name) && name.length > 1) || /allow|whitelist|permitted|valid|known|sortable|columns?Map|fields?Map/i.test(name);

/** The list an identifier is checked against: an UPPER_CASE constant, a literal list, or a name that says allow-list. */
const ALLOW_LIST_TEXT = /\b[A-Z][A-Z0-9_]+\b|[[({]\s*['"]|[Aa]llow|[Ww]hitelist|[Pp]ermitted|[Vv]alid|[Kk]nown|[Ss]ortable/;

/**
 * True when the function checks `name` against an allow-list before use and leaves otherwise:
 * `if (!ALLOWED.includes(col)) throw`, `if col not in ALLOWED: raise`, `if !allowed[col] { return }`,
 * `if (!ALLOWED.contains(col)) throw`, or a `switch` on it whose cases are literals.
 */
function checkedAgainstAllowList(n: SgNode, scope: Scope): boolean {
  const name = n.text();
  const fn = enclosingFunction(n, scope.language) ?? scope.node;
  const esc = name.replace(/[$]/g, '\\$');
  const membership = new RegExp(`\\.(includes|contains|has|indexOf|containsKey)\\(\\s*${esc}\\s*\\)|\\b${esc}\\s+(not\\s+)?in\\s+[\\w.]+|\\w\\[\\s*${esc}\\s*\\]|\\b(slices\\.Contains|contains)\\(\\s*[\\w.]+\\s*,\\s*${esc}\\s*\\)`);
  const before = n.range().start.index;
  for (const cond of conditionsIn(fn, scope.language)) {
    if (cond.start >= before) break;
    if (cond.test !== null && membership.test(cond.test) && ALLOW_LIST_TEXT.test(cond.test) && /\b(throw|raise|return|abort|panic)\b|assert/.test(cond.text())) return true;
  }
  return false;
}

/** An `if` or `assert` of a function: where it starts, its test's text, and its own text on demand. */
interface Condition {
  start: number;
  test: string | null;
  text: () => string;
}

const CONDITIONS = {};

/** The `if` and `assert` statements under `fn`, in source order, found once per function. */
function conditionsIn(fn: SgNode, language: RuleLanguage): Condition[] {
  const r = fn.range();
  return memoised(CONDITIONS, `${language}:${kindOf(fn)}:${r.start.index}:${r.end.index}`, () => findConditions(fn, language));
}

function findConditions(fn: SgNode, language: RuleLanguage): Condition[] {
  return findKinds(fn, ['if_statement', 'assert_statement'], language).map((cond) => {
    const test = fieldOf(cond, 'condition') ?? cond.children().find((c) => c.isNamed()) ?? null;
    let text: string | undefined;
    return { start: cond.range().start.index, test: test ? test.text() : null, text: () => (text ??= cond.text()) };
  });
}

/** True when a function or method named `name` in the file is declared to return a number, boolean or other non-text type. */
function returnsSafeType(name: string, scope: Scope): boolean {
  const root = scope.node.getRoot().root();
  const kinds = ['method_declaration', 'function_declaration', 'method_definition', 'function_definition'];
  for (const d of findKinds(root, kinds, scope.language)) {
    if (fieldOf(d, 'name')?.text() !== name) continue;
    const type = (fieldOf(d, 'type') ?? fieldOf(d, 'return_type') ?? fieldOf(d, 'result'))?.text().replace(/^[:\s]+|^->\s*/g, '') ?? '';
    return SAFE_TYPE.test(type.replace(/^Promise<(.*)>$/, '$1'));
  }
  return false;
}

/** The declared type of a parameter or local, when the language writes one. */
function declaredType(name: string, scope: Scope): string | null {
  const param = parametersOf(scope.node, scope.language).find((p) => p.name === name);
  if (param) return param.type || null;
  if (scope.language === 'java') {
    for (const d of scope.node.findAll({ rule: { kind: 'local_variable_declaration' } })) {
      if (d.children().some((c) => kindOf(c) === 'variable_declarator' && fieldOf(c, 'name')?.text() === name)) return fieldOf(d, 'type')?.text() ?? null;
    }
  }
  return null;
}

/**
 * True for `conditions.join(' AND ')` (and Python `" AND ".join(conditions)`, Go `strings.Join`, Java
 * `String.join`) when every fragment pushed into the list is itself safe: the dynamic-filter builder
 * that adds `'status = ?'` and binds the value separately.
 */
function joinedFromLiterals(call: SgNode, scope: Scope, depth: number): boolean {
  const { language } = scope;
  const args = argumentsOf(call);
  let list: SgNode | null | undefined;
  if (isTsLike(language)) list = fieldOf(calleeOf(call, language), 'object');
  else if (language === 'python') list = args[0];
  else if (language === 'go') list = args[0];
  else list = args[1];
  if (!list) return false;
  list = unwrap(list);
  if (kindOf(list) === 'array' || kindOf(list) === 'list') return list.namedChildren().every((c) => isSafeValue(c, scope, depth + 1));
  if (kindOf(list) !== 'identifier') return false;
  const name = list.text();
  const pushed: SgNode[] = [];
  for (const c of scope.node.findAll({ rule: { kind: CALL_KIND[language] } })) {
    const segs = calleeSegments(c, language);
    const method = segs[segs.length - 1] ?? '';
    const cargs = argumentsOf(c);
    if (segs.length === 2 && segs[0] === name && /^(push|append|add|extend|unshift|insert)$/.test(method)) pushed.push(...cargs);
    if (language === 'go' && segs.length === 1 && method === 'append' && cargs[0]?.text() === name) pushed.push(...cargs.slice(1));
  }
  for (const a of assignmentsTo(name, scope.node, language, call.range().start.line)) {
    const v = unwrap(a.value);
    if (/^(array|list|composite_literal|array_creation_expression)$/.test(kindOf(v))) {
      const body = kindOf(v) === 'composite_literal' ? fieldOf(v, 'body') : v;
      pushed.push(...(body?.children().filter((c) => c.isNamed() && kindOf(c) !== 'comment').map((c) => (kindOf(c) === 'literal_element' ? (c.children()[0] ?? c) : c)) ?? []));
    }
  }
  return pushed.length > 0 && pushed.every((p) => isSafeValue(p, scope, depth + 1));
}
