import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, callLabel, calleeOf, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { flattenPlus } from './dynamic-string.js';
import { isOperatorToolPath } from './operator-tools.js';
import { isSecretName } from './secret-names.js';
import { secretReferences } from './secret-references.js';
import { urlArgument } from './ssrf-user-url.js';
import { argumentsOf, assignmentsTo, findKinds, isLiteral, stringValue, unwrap } from './syntax.js';

/** Paths of tests and examples. */
const TEST_PATH = /(^|\/)(tests?|__tests__|spec|specs|fixtures?|examples?|samples?|testdata)\/|\.(test|spec)\.[cm]?[jt]sx?$|_test\.(go|py)$|(^|\/)test_[^/]*\.py$|Tests?\.java$/;

/** HTTP client methods whose first argument is the URL, for clients `urlArgument` does not name (`this.http.get`, `apiClient.post`). */
const HTTP_METHOD = /^(get|post|put|patch|delete|request|fetch|Get|Post|Head|PostForm|getForObject|getForEntity|postForObject|postForEntity|exchange)$/;
const HTTP_RECEIVER = /http|client|axios|session|requests|got|rest|fetch/i;

/** The URL argument of an outbound HTTP call, or null. */
function requestUrl(call: SgNode, language: RuleLanguage): SgNode | null {
  const known = urlArgument(call, language);
  if (known) return known;
  const segs = calleeSegments(call, language);
  const method = segs[segs.length - 1] ?? '';
  if (!HTTP_METHOD.test(method) || !segs.slice(0, -1).some((r) => HTTP_RECEIVER.test(r))) return null;
  const first = argumentsOf(call)[0];
  return first && kindOf(first) !== 'keyword_argument' ? first : null;
}

/** A credential put in a URL's query string: the value and the parameter name. */
interface QuerySecret {
  value: SgNode;
  key: string;
}

/** The query parameter a value is spliced after: `…?api_key=` → `api_key`, or null when it is not a query value. */
const queryKeyBefore = (text: string): string | null => /[?&]([\w.[\]-]+)=$/.exec(text.replace(/(\$\{|\{|%s)\s*$/, ''))?.[1] ?? null;

/** True when a value under query key `key` is a credential: a credential key with a non-literal value, or a value named as a credential. */
function isQueryCredential(key: string, value: SgNode, language: RuleLanguage): boolean {
  if (isLiteral(value, language)) return false;
  return isSecretName(key) || secretReferences(value, language).length > 0;
}

/** Values spliced into a string, each with the static text that precedes it in the string. */
function splices(expr: SgNode, language: RuleLanguage): { before: string; value: SgNode }[] {
  const s = stringValue(expr, language);
  if (s?.interpolated) {
    const start = expr.range().start.index;
    const text = expr.text();
    return s.parts.map((p) => ({ before: text.slice(0, p.range().start.index - start), value: p }));
  }
  const k = kindOf(expr);
  if ((k === 'binary_expression' || k === 'binary_operator') && fieldOf(expr, 'operator')?.text() === '+') {
    const out: { before: string; value: SgNode }[] = [];
    let acc = '';
    for (const o of flattenPlus(expr)) {
      const v = stringValue(o, language);
      if (v && !v.interpolated) acc += v.value;
      else {
        out.push({ before: acc, value: o });
        acc = '';
      }
    }
    return out;
  }
  if (k === CALL_KIND[language]) {
    const segs = calleeSegments(expr, language);
    const method = segs[segs.length - 1] ?? '';
    const args = argumentsOf(expr);
    // `"{}?token={}".format(base, token)`, `fmt.Sprintf("%s?token=%s", base, tok)`, `String.format(…)`.
    const receiver = method === 'format' || method === 'formatted' ? fieldOf(calleeOf(expr, language), 'object') : null;
    const template = receiver ? stringValue(receiver, language) : (segs.join('.') === 'fmt.Sprintf' || segs.join('.') === 'String.format') && args[0] ? stringValue(args[0], language) : null;
    if (!template) return [];
    const values = receiver ? args : args.slice(1);
    const pieces = template.value.split(/\{[^{}]*\}|%[-+# 0-9.]*[a-zA-Z]/);
    const names = [...template.value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
    return values.map((v, i) => {
      const keyword = kindOf(v) === 'keyword_argument' ? fieldOf(v, 'name')?.text() : undefined;
      const index = keyword !== undefined ? names.indexOf(keyword) : i;
      return { before: pieces.slice(0, index + 1).join('').slice(-60), value: keyword !== undefined ? (fieldOf(v, 'value') ?? v) : v };
    });
  }
  return [];
}

/** Calls that keep a URL's text: `new URL(x)`, `url.toString()`, `String(x)`, `str(x)`, `URI.create(x)`. */
const KEEPS_URL = /^(URL|URI|toString|String|str|create|href|format|Sprintf)$/;

/**
 * The credential put in the query string of the URL `expr` builds, following locals (last assignment
 * before the use) and URL wrappers up to `depth` hops: `?client_secret=${secret}`, `"&api_key=" + key`,
 * `"{}?token={}".format(base, self.token)`, `fmt.Sprintf("%s?access_token=%s", u, tok)`.
 */
function querySecretIn(expr: SgNode, language: RuleLanguage, depth = 5): QuerySecret | null {
  const e = unwrap(expr);
  for (const { before, value } of splices(e, language)) {
    const key = queryKeyBefore(before);
    if (key && isQueryCredential(key, unwrap(value), language)) return { value, key };
    // `?${params}` where params is itself `client_id=…&client_secret=${secret}`.
    if (depth > 0 && kindOf(unwrap(value)) === 'identifier') {
      const inner = querySecretIn(value, language, depth - 1);
      if (inner) return inner;
    }
  }
  if (depth <= 0) return null;
  const k = kindOf(e);
  if (k === 'identifier') {
    const fn = enclosingFunction(e, language);
    const all = fn ? assignmentsTo(e.text(), fn, language, e.range().start.line) : [];
    const lastPlain = all.map((a) => a.augmented).lastIndexOf(false);
    for (const a of lastPlain < 0 ? all : all.slice(lastPlain)) {
      const found = querySecretIn(a.value, language, depth - 1);
      if (found) return found;
    }
    return null;
  }
  if (k === CALL_KIND[language] || k === 'new_expression' || k === 'object_creation_expression') {
    const segs = k === CALL_KIND[language] ? calleeSegments(e, language) : [(fieldOf(e, 'constructor') ?? fieldOf(e, 'type'))?.text() ?? ''];
    if (!KEEPS_URL.test(segs[segs.length - 1] ?? '')) return null;
    const receiver = k === CALL_KIND[language] ? fieldOf(calleeOf(e, language), 'object') : null;
    for (const x of [...argumentsOf(e).slice(0, 1), ...(receiver ? [receiver] : [])]) {
      const found = querySecretIn(x, language, depth - 1);
      if (found) return found;
    }
  }
  return null;
}

/** Query builders: `url.searchParams.set('access_token', t)`, Go `q := req.URL.Query(); q.Set("access_token", t)`, Spring `.queryParam("api_key", key)`. */
function builderSecrets(ctx: RuleContext): { node: SgNode; secret: QuerySecret }[] {
  const { language } = ctx;
  const out: { node: SgNode; secret: QuerySecret }[] = [];
  // Python has no query builder here; elsewhere only calls naming one come back from the native search.
  const builder = isTsLike(language) ? 'searchParams' : language === 'java' ? 'queryParam' : language === 'go' ? 'Set|Add' : null;
  if (builder === null) return out;
  for (const call of findKinds(ctx.root.root(), [CALL_KIND[language]], language, { regex: builder })) {
    if (!inChange(ctx, call)) continue; // reported on the call's own line
    const segs = calleeSegments(call, language);
    const method = segs[segs.length - 1] ?? '';
    if (isTsLike(language) ? !/^(set|append)$/.test(method) : language === 'java' ? !/^(queryParam|queryParams)$/.test(method) : !(/^(Set|Add)$/.test(method) && segs.length === 2)) continue;
    const args = argumentsOf(call);
    const key = args[0] ? stringValue(args[0], language) : null;
    if (!key || key.interpolated || !args[1] || !isQueryCredential(key.value, unwrap(args[1]), language)) continue;
    const head = call.text();
    let isQuery = false;
    if (isTsLike(language)) isQuery = /^(set|append)$/.test(method) && /\.searchParams\.(set|append)\s*\(/.test(head);
    else if (language === 'java') isQuery = /^(queryParam|queryParams)$/.test(method);
    else if (language === 'go' && /^(Set|Add)$/.test(method) && segs.length === 2) {
      const fn = enclosingFunction(call, language);
      const values = fn ? assignmentsTo(segs[0] ?? '', fn, language, call.range().start.line) : [];
      isQuery = values.some((a) => /\.URL\.Query\(\)$/.test(a.value.text())) || (!!fn && new RegExp(`RawQuery\\s*=\\s*${segs[0] ?? ''}\\.Encode\\(\\)`).test(fn.text()));
    }
    if (isQuery) out.push({ node: call, secret: { value: args[1], key: key.value } });
  }
  return out;
}

/** Source text every splice after a query key needs (see `queryKeyBefore`): a cheap gate before walking the calls. */
const SPLICE_AFTER_EQUALS = /=(["'`{%]|\$\{)/;

/**
 * `secret-in-url-query`: a credential (access token, client secret, API key, password) put in the query
 * string of a URL that an HTTP client requests: built into the URL text (`?client_secret=${secret}`,
 * `"{}?token={}".format(…)`, `fmt.Sprintf("…&access_token=%s", …)`) or set through a query builder
 * (`url.searchParams.set`, Go `req.URL.Query().Set`, Spring `queryParam`). Query strings end up in proxy and
 * access logs, browser history and error messages that print the URL.
 */
export const secretInUrlQuery: Rule = {
  id: 'secret-in-url-query',
  category: 'security',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Credential sent in the URL query string',
  why:
    'URLs are logged everywhere a request passes: reverse proxies, load balancers, the vendor\'s access logs, APM traces and error messages that print the failing URL. A token or client secret in the query string is copied into all of them and outlives any rotation plan for the secret store.',
  fix:
    'Send the credential in a header (`Authorization: Bearer …`, the vendor\'s API-key header) or, for OAuth token exchanges, in the form-encoded POST body; keep URLs free of secrets so they can be logged safely.',
  exemptions:
    'Silent for credentials in the URL path (vendors such as Telegram require it), for request bodies (`URLSearchParams` or `params`/`data` sent as a form body), for literal values and non-credential parameters (`client_id`, `code`, `state`), in tests, examples and operator scripts.',
  confidence: 0.75, // estimate: 1 TP of 1 firing on the real-world corpus (< 5 firings)
  check(ctx) {
    if (TEST_PATH.test(ctx.path) || isOperatorToolPath(ctx.path)) return [];
    if (!/token|secret|key|password|passwd|credential|auth/i.test(ctx.source)) return [];
    const { language } = ctx;
    const matches: RuleMatch[] = [];
    const seen = new Set<number>();
    const push = (line: number, detail: string): void => {
      if (seen.has(line)) return;
      seen.add(line);
      matches.push({ line, detail });
    };
    // A query credential is spliced right after `key=` in a string: `=` then a closing quote, `${`, `{` or `%s`.
    for (const call of SPLICE_AFTER_EQUALS.test(ctx.source) ? findKinds(ctx.root.root(), [CALL_KIND[language]], language) : []) {
      const url = requestUrl(call, language);
      // The credential is in the URL or in an assignment of the call's function that `querySecretIn` follows.
      if (!url || !inChange(ctx, enclosingFunction(call, language) ?? call)) continue;
      const found = querySecretIn(url, language);
      if (found) push(lineOf(found.value), `\`${callLabel(call, language)}\` requests a URL whose query string carries \`${found.key}=\` from \`${quote(found.value.text(), 40)}\`.`);
    }
    for (const { node, secret } of builderSecrets(ctx)) {
      push(lineOf(node), `\`${quote(node.text(), 60)}\` puts the credential \`${secret.key}\` in the URL's query string.`);
    }
    return matches.sort((a, b) => a.line - b.line);
  },
};
