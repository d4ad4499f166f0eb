import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { isFunctionNode } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { isSecretName, splitWords } from './secret-names.js';
import { ACCESS_KINDS, argumentsOf, isLiteral, lastName, stringValue } from './syntax.js';

/** Calls that hand their argument's text on unchanged: `JSON.stringify(x)`, `str(x)`, `fmt.Sprintf`, `String.valueOf`. */
const PASS_THROUGH = /^(stringify|String|inspect|format|str|repr|dict|dumps|list|Sprintf|Sprint|Sprintln|valueOf|toString|formatted)$/;

/** Structured-logging field helpers whose first argument names the second: `zap.String("token", t)`, `slog.Any("key", k)`. */
const FIELD_HELPERS = /^(String|Any|Reflect|ByteString|Stringer|Binary)$/;

/** Calls that read a named value: a header, an env var, a config entry, a dict key. */
const NAMED_GETTERS = /^(get|header|getHeader|Get|Values|getenv|Getenv|getProperty|getString|get_header)$/;

/** Comparison and boolean-producing operators: `token != null` logs a boolean, not the token. */
const TEST_OPERATORS = /^(==|===|!=|!==|<|>|<=|>=|in|instanceof|is|is not|not in|&&|and)$/;

/** Header containers of an incoming request: logging them whole logs `Authorization` and cookies. */
function isRequestHeaders(node: SgNode): boolean {
  const text = node.text().replace(/\s+/g, '');
  return /^(req|request|ctx\.request|ctx\.req|c\.req|event)\.(headers|META)$/.test(text) || /^(r|req|request)\.Header$/.test(text);
}

const isSecretHeader = (name: string): boolean => isSecretName(name) || /^(set-)?cookie$/i.test(name) || /^http_authorization$/i.test(name);

/**
 * Expressions under `node` whose value is a credential and would be written out as-is: names like
 * `token`, `user.password`, `req.headers.authorization`, `os.environ["API_KEY"]`, object keys like
 * `{ apiKey: key }`, whole request header maps. Values that only say something ABOUT a secret are
 * left out: `token.length`, `!!token`, `token != null`, `mask(token)`, `token.slice(-4)`, `len(token)`.
 */
export function secretReferences(node: SgNode, language: RuleLanguage): SgNode[] {
  const out: SgNode[] = [];
  visit(node, language, out);
  return out;
}

/** Final words of a value's name that say it is not the credential itself: `{ token: token.id }` logs an id. */
const DESCRIPTIVE = new Set(['id', 'ids', 'type', 'kind', 'length', 'len', 'count', 'size', 'name', 'expires', 'expiry', 'at', 'status', 'url', 'prefix', 'suffix', 'hash', 'hint', 'last4', 'masked', 'redacted', 'scope', 'scopes', 'version', 'present', 'valid', 'set', 'fingerprint']);

/**
 * True when a value under a credential-named key carries no other meaning of its own (`{ apiKey: key }`,
 * `zap.String("token", t)`), so the key tells what it is; `{ token: token.id }` names an id instead.
 */
export function namesNothingElse(value: SgNode, language: RuleLanguage): boolean {
  if (!ACCESS_KINDS.has(kindOf(value))) return false;
  const words = splitWords(lastName(value, language) ?? '');
  return !DESCRIPTIVE.has(words[words.length - 1] ?? '') && !words.some((w) => w === 'masked' || w === 'redacted');
}

function visit(n: SgNode, language: RuleLanguage, out: SgNode[]): void {
  const k = kindOf(n);
  if (isFunctionNode(n, language) || isLiteral(n, language)) return;

  if (k === CALL_KIND[language] || k === 'new_expression' || k === 'object_creation_expression') {
    visitCall(n, language, out);
    return;
  }
  if (ACCESS_KINDS.has(k)) {
    const name = lastName(n, language);
    if ((name && isSecretName(name)) || isRequestHeaders(n)) out.push(n);
    return;
  }
  if (k === 'pair' || k === 'keyword_argument' || k === 'keyed_element') {
    const key = k === 'keyword_argument' ? fieldOf(n, 'name') : k === 'keyed_element' ? (fieldOf(n, 'key')?.children().find((c) => c.isNamed()) ?? null) : fieldOf(n, 'key');
    const value = k === 'keyed_element' ? (fieldOf(n, 'value')?.children().find((c) => c.isNamed()) ?? null) : fieldOf(n, 'value');
    if (!value) return;
    const keyName = key ? (stringValue(key, language)?.value ?? key.text()) : '';
    const before = out.length;
    visit(value, language, out);
    if (out.length === before && isSecretName(keyName) && namesNothingElse(value, language)) out.push(value);
    return;
  }
  if (k === 'binary_expression' || k === 'comparison_operator' || k === 'boolean_operator') {
    const op = fieldOf(n, 'operator')?.text() ?? n.children().find((c) => !c.isNamed() && TEST_OPERATORS.test(c.text()))?.text();
    if (op && TEST_OPERATORS.test(op)) return;
  }
  if (/^(unary_expression|not_operator|unary_operator|instanceof_expression)$/.test(k)) return;
  if (k === 'ternary_expression') {
    for (const f of ['consequence', 'alternative']) {
      const b = fieldOf(n, f);
      if (b) visit(b, language, out);
    }
    return;
  }
  if (k === 'conditional_expression') {
    // Python `a if cond else b`: the condition is not logged.
    const [body, , alt] = n.namedChildren();
    for (const b of [body, alt]) if (b) visit(b, language, out);
    return;
  }
  for (const c of n.children()) if (c.isNamed()) visit(c, language, out);
}

function visitCall(call: SgNode, language: RuleLanguage, out: SgNode[]): void {
  const segs = calleeSegments(call, language);
  const method = segs[segs.length - 1] ?? '';
  const args = argumentsOf(call);
  const first = args[0] ? stringValue(args[0], language) : null;

  // A getter with a literal name: `req.get('Authorization')`, `os.Getenv("API_KEY")`, `request.getHeader("Cookie")`.
  if (NAMED_GETTERS.test(method) && first && !first.interpolated && isSecretHeader(first.value)) {
    out.push(call);
    return;
  }
  // A Java getter: `props.getPassword()`.
  if (kindOf(call) === 'method_invocation' && args.length === 0 && /^get[A-Z]/.test(method)) {
    if (isSecretName(method.slice(3))) out.push(call);
    return;
  }
  if (FIELD_HELPERS.test(method) && segs.length === 2 && args.length === 2 && first && args[1]) {
    const before = out.length;
    visit(args[1], language, out);
    if (out.length === before && isSecretName(first.value) && namesNothingElse(args[1], language)) out.push(args[1]);
    return;
  }
  if (!PASS_THROUGH.test(method)) return;
  if (method === 'toString') {
    // `token.toString()` logs its receiver.
    const receiver = fieldOf(fieldOf(call, 'function') ?? call, 'object');
    if (receiver) visit(receiver, language, out);
  }
  for (const a of args) visit(a, language, out);
}
