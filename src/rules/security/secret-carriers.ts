import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isFunctionNode } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { isSecretName } from './secret-names.js';
import { secretReferences } from './secret-references.js';
import { argumentsOf, assignmentsTo, findKinds, isLiteral, stringValue } from './syntax.js';
import { memoised } from '../ast/file-memo.js';

/**
 * One level of local data flow for `secret-in-log`: a logged variable that does not look like a secret
 * by name but was built from one earlier in the function — a payload dict or object holding
 * `"psw": self.password`, a URL formatted with the token (`f"{base}?api_key={self.api_key}"`), a copy of
 * such a dict, or the return value of a same-file helper that builds it (`params = self._base_params()`).
 */

/** A secret found inside a logged variable: the variable and the secret expression it holds. */
export interface CarriedSecret {
  carrier: SgNode;
  secret: SgNode;
}

/** Calls that hand their arguments' content on: `dict(x)`, `x.copy()`, `JSON.stringify(x)`, `Object.assign({}, x)`, `urlencode(x)`, `new URLSearchParams(x)`. */
const COPYING = /^(dict|copy|deepcopy|stringify|dumps|assign|urlencode|URLSearchParams|format|Sprintf|String|str|join|concat|toString|formatted|valueOf)$/;

/** Mutations that add entries: `params.update({...})`, `Object.assign(params, {...})`, `params.put("k", v)`, `q.set("k", v)`, `q.Add("k", v)`. */
const ADDING = /^(update|put|set|append|Set|Add|setdefault)$/;

/**
 * The secrets carried by the plain variables `arg` writes out (at most `depth` hops through
 * assignments and same-file helpers). Names that are secrets themselves are `secretReferences`' job.
 */
export function carriedSecrets(arg: SgNode, language: RuleLanguage, depth = 2): CarriedSecret[] {
  const out: CarriedSecret[] = [];
  for (const id of carriedIdentifiers(arg, language)) {
    const secret = secretHeldBy(id, language, depth);
    if (secret) out.push({ carrier: id, secret });
  }
  return out;
}

/** Plain identifiers whose content `node` writes out: as itself, interpolated, concatenated, as an object value or through a copying call. */
function carriedIdentifiers(node: SgNode, language: RuleLanguage): SgNode[] {
  const k = kindOf(node);
  if (isFunctionNode(node, language) || isLiteral(node, language)) return [];
  if (k === 'identifier' || k === 'shorthand_property_identifier') return isSecretName(node.text()) ? [] : [node];
  if (k === CALL_KIND[language] || k === 'new_expression') {
    const segs = calleeSegments(node, language);
    const method = segs[segs.length - 1] ?? '';
    if (!COPYING.test(method)) return [];
    const receiver = segs.length === 2 && /^(copy|format|join|toString|formatted)$/.test(method) ? fieldOf(fieldOf(node, 'function') ?? node, 'object') : null;
    return [...(receiver ? carriedIdentifiers(receiver, language) : []), ...argumentsOf(node).flatMap((a) => carriedIdentifiers(a, language))];
  }
  if (/^(member_expression|attribute|selector_expression|field_access|subscript_expression|subscript|index_expression)$/.test(k)) return [];
  if (/^(unary_expression|not_operator|unary_operator|comparison_operator|boolean_operator|instanceof_expression)$/.test(k)) return [];
  if (k === 'binary_expression' && !/^\+$/.test(fieldOf(node, 'operator')?.text() ?? '')) return [];
  if (k === 'pair' || k === 'keyword_argument') {
    const value = fieldOf(node, 'value');
    return value ? carriedIdentifiers(value, language) : [];
  }
  return node.namedChildren().flatMap((c) => carriedIdentifiers(c, language));
}

/** The first secret the variable `id` holds where it is used: from its assignments before that line, or entries added to it. */
function secretHeldBy(id: SgNode, language: RuleLanguage, depth: number): SgNode | null {
  if (depth <= 0) return null;
  const fn = enclosingFunction(id, language);
  if (!fn) return null;
  const name = id.text();
  const line = id.range().start.line;
  for (const a of reachingAssignments(assignmentsTo(name, fn, language, line))) {
    const found = secretIn(a.value, language, depth);
    if (found) return found;
  }
  return secretAddedTo(name, fn, language, line);
}

/**
 * The assignments whose value the variable still holds: the last plain assignment before the use (an
 * earlier `msg = '…'.format(api_key)` is overwritten by the next `msg = …`) and the `+=` appends after it.
 */
function reachingAssignments(all: ReturnType<typeof assignmentsTo>): ReturnType<typeof assignmentsTo> {
  let last = -1;
  all.forEach((a, i) => {
    if (!a.augmented) last = i;
  });
  return last < 0 ? all : all.slice(last);
}

/** A secret inside an assigned value: named directly, carried by another local, or returned by a same-file helper. */
function secretIn(value: SgNode, language: RuleLanguage, depth: number): SgNode | null {
  const direct = secretReferences(value, language)[0];
  if (direct) return direct;
  for (const id of carriedIdentifiers(value, language)) {
    const found = secretHeldBy(id, language, depth - 1);
    if (found) return found;
  }
  return kindOf(value) === CALL_KIND[language] ? secretReturnedBy(value, language, depth - 1) : null;
}

/** `self._base_params()`, `this.buildQuery()`, `buildParams()`: a secret in what the same-file helper returns. */
function secretReturnedBy(call: SgNode, language: RuleLanguage, depth: number): SgNode | null {
  if (depth <= 0) return null;
  const segs = calleeSegments(call, language);
  if (segs.length > 2 || (segs.length === 2 && !/^(this|self)$/.test(segs[0] ?? ''))) return null;
  const method = segs[segs.length - 1] ?? '';
  const root = call.getRoot().root();
  const decl = findKinds(root, ['function_definition', 'method_definition', 'function_declaration', 'method_declaration'], language).find((d) => fieldOf(d, 'name')?.text() === method);
  if (!decl) return null;
  for (const ret of findKinds(decl, ['return_statement'], language)) {
    if (enclosingFunction(ret, language)?.range().start.index !== decl.range().start.index) continue;
    const value = ret.children().find((c) => c.isNamed());
    const found = value ? (secretReferences(value, language)[0] ?? carriedIdentifiers(value, language).map((v) => secretHeldBy(v, language, depth)).find((s) => !!s)) : null;
    if (found) return found;
  }
  return null;
}

/** Where a function adds entries to its locals: subscript assignments and adding calls (`q.set(…)`), found once per function. */
interface Additions {
  assignments: { line: number; left: SgNode; value: SgNode; target: string }[];
  calls: { line: number; call: SgNode; receiver: string }[];
}

const ADDITIONS = {};

function additionsIn(fn: SgNode, language: RuleLanguage): Additions {
  const r = fn.range();
  return memoised(ADDITIONS, `${language}:${kindOf(fn)}:${r.start.index}:${r.end.index}`, () => findAdditions(fn, language));
}

function findAdditions(fn: SgNode, language: RuleLanguage): Additions {
  const found: Additions = { assignments: [], calls: [] };
  for (const a of findKinds(fn, ['assignment', 'assignment_expression'], language)) {
    const left = fieldOf(a, 'left');
    const value = fieldOf(a, 'right');
    if (!left || !value || !/^(subscript|subscript_expression|index_expression)$/.test(kindOf(left))) continue;
    const target = fieldOf(left, 'value') ?? fieldOf(left, 'object') ?? fieldOf(left, 'operand');
    found.assignments.push({ line: a.range().start.line, left, value, target: target?.text() ?? '' });
  }
  for (const c of findKinds(fn, [CALL_KIND[language]], language)) {
    const segs = calleeSegments(c, language);
    if (segs.length !== 2 || !ADDING.test(segs[1] ?? '')) continue;
    found.calls.push({ line: c.range().start.line, call: c, receiver: segs[0] ?? '' });
  }
  return found;
}

/** `params["psw"] = self.password`, `params.update({"password": pw})`, `q.set("api_key", key)` before `line`. */
function secretAddedTo(name: string, fn: SgNode, language: RuleLanguage, line: number): SgNode | null {
  const { assignments, calls } = additionsIn(fn, language);
  for (const { line: at, left, value, target } of assignments) {
    if (at > line) continue;
    // `params["psw"] = …` and `request.headers["X-Api-Key"] = …` both add to `params`/`request`.
    if (target !== name && !target.startsWith(`${name}.`)) continue;
    const index = fieldOf(left, 'subscript') ?? fieldOf(left, 'index');
    const key = index ? stringValue(index, language) : null;
    const found = secretReferences(value, language)[0] ?? (key && isSecretName(key.value) && !isLiteral(value, language) ? value : null);
    if (found) return found;
  }
  for (const { line: at, call: c, receiver } of calls) {
    if (at > line || receiver !== name) continue;
    const args = argumentsOf(c);
    const key = args.length === 2 && args[0] ? stringValue(args[0], language) : null;
    if (key && args[1] && isSecretName(key.value) && !isLiteral(args[1], language)) return args[1];
    const found = args.flatMap((x) => secretReferences(x, language))[0];
    if (found) return found;
  }
  return null;
}
