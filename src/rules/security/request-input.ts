import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { isUrlName } from './secret-names.js';
import { argumentsOf, assignmentsTo, lastName, parametersOf, stringValue, unwrap } from './syntax.js';

/** JS: request body, query string and path params in Express, Koa, Fastify, Hono and Next.js handlers. */
const JS_INPUT = [
  /^(req|request|ctx\.request|ctx|c\.req)\.(body|query|params)\b/,
  /^(req|c\.req)\.(query|param|params)\(/,
  /^(req|request)\.nextUrl\.searchParams\.get\(/,
  /^new URL\((req|request)\.url\)\.searchParams\.get\(/,
];

/** Python: Flask, Django, DRF and Starlette request data. */
const PY_INPUT = [/^request\.(args|form|values|json|GET|POST|data|query_params|get_json\(\))\s*[.[]/, /^\(\s*await\s+request\.json\(\)\s*\)\s*[.[]/];

/** Go: `net/http` request values, and gin/echo/fiber context accessors. */
const GO_HTTP_INPUT = /^(\w+)\.(URL\.Query\(\)\.Get|URL\.Query\(\)\[|FormValue|PostFormValue|Form\.Get|PostForm\.Get)/;
const GO_CTX_INPUT = /^(\w+)\.(Query|DefaultQuery|PostForm|DefaultPostForm|Param|Params|QueryParam|FormValue|GetQuery)\(/;

/** Spring annotations that bind request data to a parameter. */
const SPRING_BINDING = /@(RequestParam|PathVariable|RequestBody|RequestHeader|ModelAttribute)\b/;

/** Python route decorators: Flask `@app.route`, FastAPI `@router.post`, Blueprint `@bp.get`. */
const PY_ROUTE_DECORATOR = /^@\s*\w+(\.\w+)*\.(route|get|post|put|patch|delete|api_route)\s*\(/;

/** Wrappers that return their argument's text: the value is still the user's. */
const PASS_THROUGH = /^(String|str|decodeURIComponent|decodeURI|unquote|trim|strip|TrimSpace|toString)$/;

function paramType(fn: SgNode | null, name: string, language: RuleLanguage): { type: string; node: SgNode } | null {
  if (!fn) return null;
  const p = parametersOf(fn, language).find((x) => x.name === name);
  return p ? { type: p.type, node: p.node } : null;
}

function pythonRouteFunction(fn: SgNode | null): boolean {
  const parent = fn?.parent();
  return !!parent && kindOf(parent) === 'decorated_definition' && parent.children().some((d) => kindOf(d) === 'decorator' && PY_ROUTE_DECORATOR.test(d.text()));
}

/**
 * True when `node` reads request input directly: `req.body.url`, `req.query.target`, `request.args.get("url")`,
 * `r.URL.Query().Get("url")`, `c.Query("url")`, `request.getParameter("url")`, a Spring `@RequestParam String`
 * parameter, a FastAPI route parameter named like a URL, or a URL-named field of a bound request body.
 */
export function isRequestInput(node: SgNode, language: RuleLanguage): boolean {
  const n = unwrap(node);
  const text = n.text().replace(/\s+/g, ' ');
  const k = kindOf(n);
  if (isTsLike(language)) return JS_INPUT.some((re) => re.test(text));
  const fn = enclosingFunction(n, language);
  if (language === 'python') {
    if (PY_INPUT.some((re) => re.test(text))) return true;
    if (!pythonRouteFunction(fn)) return false;
    if (k === 'identifier') {
      const p = paramType(fn, n.text(), language);
      return !!p && isUrlName(n.text()) && !/Request|Depends|Header/.test(p.node.text());
    }
    if (k === 'attribute') {
      const object = fieldOf(n, 'object');
      const p = object && kindOf(object) === 'identifier' ? paramType(fn, object.text(), language) : null;
      return !!p && /^[A-Z]\w*$/.test(p.type) && p.type !== 'Request' && isUrlName(lastName(n, language) ?? '');
    }
    return false;
  }
  if (language === 'go') {
    const m = GO_HTTP_INPUT.exec(text) ?? GO_CTX_INPUT.exec(text);
    if (!m || (k !== 'call_expression' && k !== 'index_expression')) return false;
    const p = paramType(fn, m[1] ?? '', language);
    if (!p) return false;
    return GO_HTTP_INPUT.test(text) ? /\*http\.Request$/.test(p.type) : /gin\.Context|echo\.Context|fiber\.Ctx/.test(p.type);
  }
  // Java
  if (k === 'method_invocation') {
    const name = fieldOf(n, 'name')?.text() ?? '';
    if (name === 'getParameter') return true;
    const object = fieldOf(n, 'object');
    const p = object && kindOf(object) === 'identifier' ? paramType(fn, object.text(), language) : null;
    return !!p && /@RequestBody|@ModelAttribute/.test(p.node.text()) && /^get[A-Z]/.test(name) && isUrlName(name.slice(3));
  }
  if (k === 'identifier') {
    const p = paramType(fn, n.text(), language);
    return !!p && SPRING_BINDING.test(p.node.text()) && /^(String|URI|URL)$/.test(p.type);
  }
  return false;
}

/** Where a URL argument came from: the request-input expression, and the variable it went through. */
export interface InputOrigin {
  input: SgNode;
  via?: { name: string; statement: SgNode };
}

/** Parsers that keep the URL as it was given: `new URL(x)`, `new URI(x)`, `URI.create(x)`, `urlparse(x)`, `url.Parse(x)`. */
const URL_PARSER = /^(URL|URI|java\.net\.URL|java\.net\.URI)$/;

/** True when `n` is a pass-through wrapper call (or a URL parser); returns the wrapped value. */
function passThrough(n: SgNode, language: RuleLanguage): SgNode | null {
  const k = kindOf(n);
  if (k === 'new_expression' || k === 'object_creation_expression') {
    const type = (fieldOf(n, 'constructor') ?? fieldOf(n, 'type'))?.text() ?? '';
    return URL_PARSER.test(type) ? (argumentsOf(n)[0] ?? null) : null;
  }
  if (k !== CALL_KIND[language]) return null;
  const segs = calleeSegments(n, language);
  const joined = segs.join('.');
  if (/^(URI\.create|urlparse|urllib\.parse\.urlparse|parse\.urlparse|url\.Parse|url\.ParseRequestURI)$/.test(joined)) return argumentsOf(n)[0] ?? null;
  if (!PASS_THROUGH.test(segs[segs.length - 1] ?? '')) return null;
  const args = argumentsOf(n);
  if (args.length === 1) return args[0] ?? null;
  const callee = fieldOf(n, 'function') ?? n;
  return args.length === 0 ? (fieldOf(callee, 'object') ?? fieldOf(callee, 'operand')) : null;
}

/** The expression a URL starts with: the URL itself, the head of a concatenation, the first piece of a template. */
function head(n: SgNode, language: RuleLanguage): SgNode | null {
  const s = stringValue(n, language);
  if (s) {
    // `${base}/path`: the host comes from the first interpolation only when nothing precedes it.
    const text = n.text();
    return s.interpolated && /^(`\$\{|f["']\{|f"""\{)/.test(text) ? (s.parts[0] ?? null) : null;
  }
  const k = kindOf(n);
  if ((k === 'binary_expression' || k === 'binary_operator') && fieldOf(n, 'operator')?.text() === '+') {
    const left = fieldOf(n, 'left');
    return left ? head(unwrap(left), language) : null;
  }
  return n;
}

/**
 * The request input a URL argument is taken from, directly or through one local variable
 * (`const url = req.query.url`, `const { url } = req.body`, `target := r.FormValue("url")`), or null.
 * Only URLs whose host part comes from the input count: `https://api.stripe.com/v1/${req.params.id}` does not.
 */
export function requestInputOrigin(arg: SgNode, language: RuleLanguage): InputOrigin | null {
  let n: SgNode | null = unwrap(arg);
  for (let i = 0; n && i < 3; i++) {
    const inner = passThrough(n, language);
    if (!inner) break;
    n = unwrap(inner);
  }
  n = n ? head(n, language) : null;
  if (!n) return null;
  if (isRequestInput(n, language)) return { input: n };
  if (kindOf(n) !== 'identifier') return null;
  const name = n.text();
  const fn = enclosingFunction(n, language);
  if (!fn) return null;
  for (const a of assignmentsTo(name, fn, language, n.range().start.line)) {
    if (a.augmented) continue;
    let v: SgNode | null = unwrap(a.value);
    const inner = passThrough(v, language);
    if (inner) v = unwrap(inner);
    if (v && isRequestInput(v, language)) return { input: v, via: { name, statement: a.statement } };
  }
  if (isTsLike(language)) return destructured(name, fn);
  return null;
}

/** `const { url } = req.body` / `const { callbackUrl: url } = req.query`. */
function destructured(name: string, fn: SgNode): InputOrigin | null {
  for (const d of fn.findAll({ rule: { kind: 'variable_declarator' } })) {
    const pattern = fieldOf(d, 'name');
    const value = fieldOf(d, 'value');
    if (!pattern || !value || kindOf(pattern) !== 'object_pattern' || !JS_INPUT.some((re) => re.test(unwrap(value).text()))) continue;
    const binds = pattern.children().some(
      (c) => (kindOf(c) === 'shorthand_property_identifier_pattern' && c.text() === name) || (kindOf(c) === 'pair_pattern' && fieldOf(c, 'value')?.text() === name),
    );
    if (binds) return { input: value, via: { name, statement: d } };
  }
  return null;
}
