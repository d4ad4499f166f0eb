import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, callLabel, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleMatch } from '../types.js';
import { requestInputOrigin } from './request-input.js';
import { argumentsOf, assignmentsTo, keywordArgument } from './syntax.js';

const norm = (s: string): string => s.toLowerCase().replace(/_/g, '');
const HTTP_VERB = /^(get|post|put|patch|delete|head|options|request|stream)$/;

/** The URL argument of an outbound HTTP call, or null when `call` is not one (also used by `secret-in-url-query`). */
export function urlArgument(call: SgNode, language: RuleLanguage): SgNode | null {
  const segs = calleeSegments(call, language);
  const method = segs[segs.length - 1] ?? '';
  const receivers = segs.slice(0, -1).map(norm);
  const args = argumentsOf(call);
  const arg = (i: number): SgNode | null => args[i] ?? null;

  if (isTsLike(language)) {
    const first = arg(0);
    const configUrl = (n: SgNode | null): SgNode | null => {
      if (!n || kindOf(n) !== 'object') return n;
      const pair = n.children().find((p) => kindOf(p) === 'pair' && /^(url|baseURL)$/.test(fieldOf(p, 'key')?.text() ?? ''));
      return pair ? fieldOf(pair, 'value') : null;
    };
    if (segs.length === 1) return /^(fetch|axios|got|ky|request|needle|superagent|undici)$/.test(method) ? configUrl(first) : null;
    const client = receivers.some((r) => /^(axios|got|ky|superagent|needle|http|https|undici|httpclient|httpservice)$/.test(r));
    return client && HTTP_VERB.test(method) ? configUrl(first) : null;
  }
  if (language === 'python') {
    if (method === 'urlopen') return arg(0);
    const lib = receivers.some((r) => /^(requests|httpx|urllib3)$/.test(r));
    const session = receivers.some((r) => /(session|client)$|^http$/.test(r));
    if (!(lib || session) || !HTTP_VERB.test(method)) return null;
    const url = keywordArgument(call, 'url');
    if (url) return url;
    const positional = args.filter((a) => kindOf(a) !== 'keyword_argument');
    return (method === 'request' ? positional[1] : positional[0]) ?? null;
  }
  if (language === 'go') {
    if (receivers.length === 1 && receivers[0] === 'http') {
      if (/^(Get|Post|Head|PostForm)$/.test(method)) return arg(0);
      if (method === 'NewRequest') return arg(1);
      if (method === 'NewRequestWithContext') return arg(2);
      return null;
    }
    return receivers.some((r) => r.endsWith('client')) && /^(Get|Post|Head|PostForm)$/.test(method) ? arg(0) : null;
  }
  // Java
  if (receivers.some((r) => r.endsWith('resttemplate')) && /^(getForObject|getForEntity|postForObject|postForEntity|postForLocation|exchange|put|delete|patchForObject|headForHeaders|execute)$/.test(method)) return arg(0);
  // `new URL(x).openStream()`, `url.openConnection()`: parsing a URL is not a call, opening it is.
  if (/^(openConnection|openStream|getContent)$/.test(method) && args.length <= 1) return openedUrl(call);
  if (method === 'uri' || (method === 'url' && segs.includes('Builder')) || (method === 'newBuilder' && segs[0] === 'HttpRequest')) return arg(0);
  return null;
}

/** Java request objects that name the URL they will be sent to: `new HttpGet(x)` (Apache HttpClient). `new URL(x)`/`new URI(x)` only parse. */
function javaConstructorUrl(node: SgNode): SgNode | null {
  const type = fieldOf(node, 'type')?.text() ?? '';
  return /^(HttpGet|HttpPost|HttpPut|HttpDelete|HttpPatch|HttpHead)$/.test(type) ? (argumentsOf(node)[0] ?? null) : null;
}

/** The URL text a Java `openConnection()`/`openStream()` call opens: the argument of `new URL(x)` on the receiver, or of the local it was stored in. */
function openedUrl(call: SgNode): SgNode | null {
  const receiver = fieldOf(call, 'object');
  if (!receiver) return null;
  const created = (n: SgNode | null): SgNode | null => (n && kindOf(n) === 'object_creation_expression' && /^(URL|java\.net\.URL)$/.test(fieldOf(n, 'type')?.text() ?? '') ? (argumentsOf(n)[0] ?? null) : null);
  if (kindOf(receiver) !== 'identifier') return created(receiver);
  const fn = enclosingFunction(call, 'java');
  const assigned = fn ? assignmentsTo(receiver.text(), fn, 'java', call.range().start.line) : [];
  return assigned.map((a) => created(a.value)).find((x) => !!x) ?? null;
}

/** Cheap gate: a file with no request-input access cannot match. */
const REQUEST_INPUT_HINT: Record<'js' | 'python' | 'go' | 'java', RegExp> = {
  js: /\b(req|request|ctx|c\.req)\.(body|query|params|nextUrl|url|param)\b/,
  python: /request\.(args|form|values|json|GET|POST|data|query_params|get_json)|@\s*\w+(\.\w+)*\.(get|post|put|patch|delete|route|api_route)\s*\(/,
  go: /\.URL\.Query\(\)|FormValue|Form\.Get|\.(Query|DefaultQuery|PostForm|Param|Params|QueryParam|GetQuery)\(/,
  java: /getParameter|@RequestParam|@RequestBody|@PathVariable|@RequestHeader|@ModelAttribute/,
};

const family = (language: RuleLanguage): 'js' | 'python' | 'go' | 'java' =>
  isTsLike(language) ? 'js' : language === 'python' ? 'python' : language === 'go' ? 'go' : 'java';

/** Signs that the handler checks where the URL points before calling it. */
const ALLOW_LIST = /allow_?(ed)?_?(list|hosts?|domains?|urls?|origins?)|whitelist|trusted_?(hosts?|domains?)|is_?safe_?url|safe_?url|validate_?url|is_?valid_?url|assert_?(safe|allowed)|ssrf|\bhostname\b|\.host\b|\.Host\b|\bgetHost\(|\bnetloc\b/i;

/**
 * `ssrf-user-url`: an outbound HTTP call whose URL (or at least its host part) is taken from request
 * input, directly or through one local variable, in a function that shows no allow-list or host check.
 * Conservative on purpose: a value passed through other functions, parsed into a URL object or only
 * used in the path of a fixed host is not followed.
 */
export const ssrfUserUrl: Rule = {
  id: 'ssrf-user-url',
  category: 'security',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Outbound request to a user-supplied URL',
  why:
    'Whoever sends the request chooses where the server connects: internal admin endpoints, databases, or the cloud metadata service (`http://169.254.169.254/`) that hands out instance credentials — this server-side request forgery is how several large cloud breaches started.',
  fix:
    'Parse the URL and check it against an allow-list of hosts (and `https` only) before calling it; resolve the host and reject private, loopback and link-local addresses, and do not follow redirects to other hosts. Better still, accept an id and map it to a URL you control.',
  exemptions:
    'Silent when the request value is only a path or query part of a fixed host; when the handler shows an allow-list or host check (`ALLOWED_HOSTS`, `hostname`, `is_safe_url`, `validate_url`…); for URL parsing that opens nothing (`URI.create`, `new URL`, `urlparse`); and for URLs that reach the call through other functions or stored configuration (not followed).',
  confidence: 0.75, // estimate: no firing on the real-world corpus
  check(ctx) {
    const { language } = ctx;
    if (!REQUEST_INPUT_HINT[family(language)].test(ctx.source)) return [];
    const root = ctx.root.root();
    const calls = root.findAll({ rule: { kind: CALL_KIND[language] } });
    const candidates: { call: SgNode; url: SgNode }[] = [];
    // A match is reported on the line of its call or constructor.
    for (const call of calls) {
      if (!inChange(ctx, call)) continue;
      const url = urlArgument(call, language);
      if (url) candidates.push({ call, url });
    }
    if (language === 'java') {
      for (const created of root.findAll({ rule: { kind: 'object_creation_expression' } })) {
        if (!inChange(ctx, created)) continue;
        const url = javaConstructorUrl(created);
        if (url) candidates.push({ call: created, url });
      }
    }
    const matches: RuleMatch[] = [];
    for (const { call, url } of candidates) {
      const origin = requestInputOrigin(url, language);
      if (!origin) continue;
      const fn = enclosingFunction(call, language);
      if (fn && ALLOW_LIST.test(fn.text())) continue;
      const label = kindOf(call) === 'object_creation_expression' ? `new ${fieldOf(call, 'type')?.text() ?? ''}(…)` : callLabel(call, language);
      const via = origin.via ? ` through \`${origin.via.name}\` (line ${lineOf(origin.via.statement)})` : '';
      matches.push({
        line: lineOf(call),
        detail: `\`${label}\` targets a URL taken from the request — \`${quote(origin.input.text(), 50)}\`${via} — with no allow-list check in this handler.`,
      });
    }
    return matches.sort((a, b) => a.line - b.line);
  },
};
