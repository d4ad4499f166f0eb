import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { calleeOf, calleeSegments, CALL_KIND } from '../ast/external-call.js';
import { isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { nameWords } from '../file-role.js';

/**
 * Shared by the boundary rules (`outbound-call-bypasses-client`, `adapter-returns-raw-response`): what a
 * direct call to an HTTP library looks like in each language, and what an argument naming a URL looks like.
 */

/** HTTP verbs as method names of clients and sessions (lower-cased). */
export const HTTP_VERB = /^(get|post|put|patch|delete|head|options|request|send|fetch|postform|do|exchange|getforobject|getforentity|postforobject|postforentity|retrieve)$/;

/** Words that say an identifier holds a URL: `tokenUrl`, `self.emails_url`, `c.endpoint`, `LEDGER_URI`. */
const URL_WORDS = new Set(['url', 'urls', 'uri', 'uris', 'endpoint', 'href', 'baseurl', 'webhook']);

/** The named, non-comment arguments of a call (Java: the invocation's `arguments`). */
export function argumentsOf(call: SgNode): SgNode[] {
  return (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => c.isNamed() && !/comment/.test(kindOf(c)));
}

/** Positional arguments (Python keyword arguments left out). */
export const positionalArguments = (call: SgNode): SgNode[] => argumentsOf(call).filter((a) => kindOf(a) !== 'keyword_argument');

/** A Python keyword argument's value: `timeout=5` → `5`. */
export function keywordArgument(call: SgNode, name: string): SgNode | null {
  const kw = argumentsOf(call).find((a) => kindOf(a) === 'keyword_argument' && fieldOf(a, 'name')?.text() === name);
  return kw ? fieldOf(kw, 'value') : null;
}

/**
 * True when an expression names a URL: a literal `http(s)://…` or `/path`, or any identifier in it whose
 * words say URL/URI/endpoint (`self.api_url + "/x"`, `fmt.Sprintf(pathHooks, c.base…)` is not, `tokenUrl` is).
 */
export function isUrlish(node: SgNode | null | undefined): boolean {
  if (!node) return false;
  const text = node.text();
  if (/^[rbuf]*["'`]{1,3}(https?:)?\/\/?[\w{$:.]/i.test(text)) return true;
  if (/["'`]https?:\/\//i.test(text)) return true;
  for (const id of text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    if (nameWords(id).some((w) => URL_WORDS.has(w))) return true;
  }
  return false;
}

/** One direct call to an HTTP library: what was called, quoted for the finding. */
export interface BareCall {
  node: SgNode;
  /** `requests.post`, `http.PostForm`, `fetch`, `new RestTemplate()`. */
  label: string;
}

const PY_LIB_VERB = /^(get|post|put|patch|delete|head|options|request|stream)$/;

/** Module-level HTTP functions of the standard libraries, called directly: no client, no session, no wrapper. */
export function bareHttpCalls(root: SgNode, language: RuleLanguage): BareCall[] {
  const out: BareCall[] = [];
  if (language === 'java') {
    // Only nodes whose text names a client type can be one (a superset: the exact test is javaBareClient's).
    for (const n of root.findAll({ rule: { any: [{ kind: 'object_creation_expression' }, { kind: 'method_invocation' }], regex: 'RestTemplate|OkHttpClient|HttpClient|WebClient|RestClient|ClientBuilder' } })) {
      const label = javaBareClient(n);
      if (label) out.push({ node: n, label });
    }
    return out;
  }
  // A call can match only when its callee's text names the library (a superset of the exact tests below), so
  // ast-grep filters the calls before their callees are read here.
  const names = language === 'python' ? 'requests|httpx|urlopen' : language === 'go' ? 'http' : isTsLike(language) ? 'fetch|axios|got|ky|superagent|needle' : null;
  if (!names) return out;
  for (const call of root.findAll({ rule: { kind: CALL_KIND[language], has: { field: 'function', regex: names } } })) {
    const segs = calleeSegments(call, language);
    const method = segs[segs.length - 1] ?? '';
    const receiver = segs.slice(0, -1).join('.');
    let label: string | null = null;
    if (language === 'python') {
      if ((receiver === 'requests' || receiver === 'httpx') && PY_LIB_VERB.test(method)) label = `${receiver}.${method}`;
      else if ((receiver === '' || /(^|\.)request$/.test(receiver)) && method === 'urlopen' && kindOf(calleeOf(call, language)) !== 'call') label = segs.join('.');
    } else if (language === 'go') {
      if (receiver === 'http' && /^(Get|Post|Head|PostForm)$/.test(method)) label = `http.${method}`;
      else if (receiver === 'http.DefaultClient' && /^(Get|Post|Head|PostForm|Do)$/.test(method)) label = `http.DefaultClient.${method}`;
    } else if (isTsLike(language)) {
      if (segs.length === 1 && /^(fetch|axios|got|ky|superagent)$/.test(method)) label = method;
      else if (/^(axios|got|ky|superagent|needle)$/.test(receiver) && /^(get|post|put|patch|delete|head|options|request)$/.test(method)) label = `${receiver}.${method}`;
    }
    if (label) out.push({ node: call, label });
  }
  return out;
}

/** Java: an HTTP client built on the spot (`new RestTemplate()`, `HttpClient.newHttpClient()`, `WebClient.create(…)`). */
function javaBareClient(n: SgNode): string | null {
  if (kindOf(n) === 'object_creation_expression') {
    const type = fieldOf(n, 'type')?.text() ?? '';
    return /^(RestTemplate|OkHttpClient|DefaultHttpClient)$/.test(type) ? `new ${type}()` : null;
  }
  const object = fieldOf(n, 'object')?.text() ?? '';
  const name = fieldOf(n, 'name')?.text() ?? '';
  if (object === 'HttpClient' && /^(newHttpClient|newBuilder)$/.test(name)) return `HttpClient.${name}()`;
  if ((object === 'WebClient' || object === 'RestClient') && /^(create|builder)$/.test(name)) return `${object}.${name}()`;
  if (object === 'HttpClients' && /^(createDefault|createMinimal|createSystem|custom)$/.test(name)) return `HttpClients.${name}()`;
  if (object === 'ClientBuilder' && name === 'newClient') return 'ClientBuilder.newClient()';
  return null;
}
