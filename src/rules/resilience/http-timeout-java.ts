import type { RuleContext, RuleMatch } from '../types.js';
import { calleeSegments } from '../ast/external-call.js';
import { fieldOf, kindOf, lineOf, quote } from '../ast/node-text.js';

/**
 * `new RestTemplate()` without a request factory, `WebClient` without a response timeout, `HttpRequest` built
 * without `.timeout(...)`, and a `java.net.http.HttpClient` without `connectTimeout` when no request sets a timeout.
 * OkHttp is left alone: it defaults to 10 s timeouts.
 */
export function javaTimeoutMatches(ctx: RuleContext): RuleMatch[] {
  const src = ctx.source;
  // Every match below names one of these types.
  if (!/RestTemplate|WebClient|HttpRequest|HttpClient/.test(src)) return [];
  const root = ctx.root.root();
  const out: RuleMatch[] = [];
  if (!/setRequestFactory|RequestFactory\s*\(|setConnectTimeout|setReadTimeout/.test(src)) {
    for (const created of root.findAll({ rule: { kind: 'object_creation_expression', has: { field: 'type', regex: '^RestTemplate$' } } })) {
      if (fieldOf(created, 'type')?.text() !== 'RestTemplate' || fieldOf(created, 'arguments')?.text().replace(/\s/g, '') !== '()') continue;
      out.push({
        line: lineOf(created),
        detail: '`new RestTemplate()` uses `SimpleClientHttpRequestFactory` with no connect or read timeout: a hung server holds this request thread indefinitely.',
      });
    }
  }
  const webClientTimeouts = /responseTimeout|\.timeout\(|ReadTimeoutHandler|CONNECT_TIMEOUT_MILLIS/.test(src);
  const requestTimeouts = /\.timeout\(/.test(src);
  const buildsRequests = /HttpRequest\s*\.\s*newBuilder/.test(src);
  // Every case below starts its chain (the receiver) at one of these names, so ast-grep can skip the other calls natively.
  for (const call of root.findAll({ rule: { kind: 'method_invocation', has: { field: 'object', regex: 'WebClient|HttpRequest|HttpClient' } } })) {
    const segs = calleeSegments(call, 'java');
    const [head, first, ...rest] = segs;
    const last = segs[segs.length - 1];
    // Only the outermost call of a builder chain is considered.
    const parent = call.parent();
    if (parent && kindOf(parent) === 'method_invocation' && fieldOf(parent, 'object')?.id() === call.id()) continue;
    if (head === 'WebClient' && (first === 'create' || (first === 'builder' && last === 'build')) && !webClientTimeouts && !rest.includes('clientConnector')) {
      out.push({
        line: lineOf(call),
        detail: `\`${quote(call.text(), 50)}\` uses Reactor Netty with no response timeout: a hung server keeps the exchange (and the connection) open indefinitely.`,
      });
    } else if (head === 'HttpRequest' && first === 'newBuilder' && last === 'build' && !rest.includes('timeout')) {
      out.push({
        line: lineOf(call),
        detail: `\`${quote(call.text(), 60)}\` has no \`.timeout(...)\`: \`HttpClient.send\` then waits for the response indefinitely.`,
      });
    } else if (head === 'HttpClient' && (first === 'newHttpClient' || (first === 'newBuilder' && last === 'build' && !rest.includes('connectTimeout'))) && !requestTimeouts && !buildsRequests) {
      out.push({
        line: lineOf(call),
        detail: `\`${quote(call.text(), 50)}\` has no \`connectTimeout\`, and no request in this file sets \`.timeout(...)\`: calls through it can wait on a hung server indefinitely.`,
      });
    }
  }
  return out;
}
