import type { SgNode } from '@ast-grep/napi';
import type { RuleContext, RuleMatch } from '../types.js';
import { callLabel, calleeSegments } from '../ast/external-call.js';
import { fieldOf, isSingleLine, kindOf, lineOf } from '../ast/node-text.js';
import { replaceOnce } from './replace-once.js';

type Client = 'fetch' | 'axios' | 'got';

const AXIOS_URL_CONFIG = /^(get|delete|head|options)$/;
const AXIOS_DATA_CONFIG = /^(post|put|patch|postForm|putForm|patchForm)$/;
const GOT_METHODS = /^(get|post|put|patch|delete|head)$/;

/** What each client calls its timeout option, and the entry a suggestion adds. */
const TIMEOUT: Record<Client, { key: string; entry: string }> = {
  fetch: { key: 'signal', entry: 'signal: AbortSignal.timeout(10_000)' },
  axios: { key: 'timeout', entry: 'timeout: 10_000' },
  got: { key: 'timeout', entry: 'timeout: { request: 10_000 }' },
};

/** fetch without `signal`, axios calls and `axios.create` without `timeout`, got without `timeout`. */
export function jsTimeoutMatches(ctx: RuleContext): RuleMatch[] {
  // The calls below are searched by a callee naming one of these.
  if (!/fetch|axios|got/.test(ctx.source)) return [];
  const root = ctx.root.root();
  const axiosDefaults = /axios\.defaults\.timeout\s*=/.test(ctx.source);
  const ownFetch = /\b(function\s+fetch\s*\(|(const|let|var)\s+fetch\s*=)/.test(ctx.source);
  const out: RuleMatch[] = [];
  // `classify` only accepts callees that start at one of these names, so ast-grep can skip the other calls natively.
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', regex: 'fetch|axios|got' } } })) {
    const target = classify(call, ctx.language);
    if (!target) continue;
    const { client, optsIndex } = target;
    if ((client === 'fetch' && (ownFetch || wrappedInTimeout(call))) || (client === 'axios' && axiosDefaults)) continue;
    const args = argsOf(call);
    // data:/blob: URLs and relative paths never leave the process (or are browser code).
    if (client === 'fetch' && /^['"`](data:|blob:|\/)/.test(args[0]?.text() ?? '')) continue;
    const opts = args[optsIndex];
    const keys = opts && kindOf(opts) === 'object' ? objectKeys(opts) : null;
    if (opts && (kindOf(opts) !== 'object' || keys === null || keys.has(TIMEOUT[client].key))) continue;
    const label = callLabel(call);
    out.push({
      line: lineOf(call),
      detail: detailFor(client, label, !!opts),
      ...suggestion(call, client, optsIndex, args, opts, ctx.lines),
    });
  }
  return out;
}

function detailFor(client: Client, label: string, hasOptions: boolean): string {
  if (client === 'fetch') {
    return `\`${label}\` has no \`signal\`${hasOptions ? ' in its options' : ''}: fetch never times out on its own, so a hung server keeps this request (and whatever awaits it) open indefinitely.`;
  }
  if (label.startsWith('axios.create')) return `\`${label}\` creates a client without \`timeout\`: axios defaults to 0 (no timeout), so every call made through it can hang indefinitely.`;
  if (client === 'axios') return `\`${label}\` has no \`timeout\`: axios defaults to 0 (no timeout), so a hung server keeps this request open indefinitely.`;
  return `\`${label}\` has no \`timeout\`: got does not time out by default, so a hung server keeps this request open indefinitely.`;
}

/** Which HTTP client a call uses and where its options argument goes, or null for anything else. */
function classify(call: SgNode, language: RuleContext['language']): { client: Client; optsIndex: number } | null {
  const segs = calleeSegments(call, language);
  const first = argsOf(call)[0];
  const optionsFirst = !!first && kindOf(first) === 'object';
  if (segs.length === 1 && segs[0] === 'fetch') return { client: 'fetch', optsIndex: 1 };
  if (segs[0] === 'axios') {
    if (segs.length === 1) return { client: 'axios', optsIndex: optionsFirst ? 0 : 1 };
    const m = segs[1] ?? '';
    if (segs.length !== 2) return null;
    if (AXIOS_URL_CONFIG.test(m)) return { client: 'axios', optsIndex: 1 };
    if (AXIOS_DATA_CONFIG.test(m)) return { client: 'axios', optsIndex: 2 };
    if (m === 'request' || m === 'create') return { client: 'axios', optsIndex: 0 };
    return null;
  }
  if (segs[0] === 'got') {
    if (segs.length === 1 || (segs.length === 2 && GOT_METHODS.test(segs[1] ?? ''))) return { client: 'got', optsIndex: optionsFirst ? 0 : 1 };
    if (segs.length === 2 && segs[1] === 'extend') return { client: 'got', optsIndex: 0 };
  }
  return null;
}

function argsOf(call: SgNode): SgNode[] {
  return (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => c.isNamed() && kindOf(c) !== 'comment');
}

/** Keys of an object literal, or null when a spread (`...opts`) may bring any key. */
function objectKeys(obj: SgNode): Set<string> | null {
  const keys = new Set<string>();
  for (const c of obj.children()) {
    const k = kindOf(c);
    if (k === 'spread_element') return null;
    if (k === 'shorthand_property_identifier') keys.add(c.text());
    if (k === 'pair' || k === 'method_definition') keys.add((fieldOf(c, 'key') ?? fieldOf(c, 'name'))?.text().replace(/^['"]|['"]$/g, '') ?? '');
  }
  return keys;
}

/** `pTimeout(fetch(url), …)`, `withTimeout(fetch(url))`, `Promise.race([fetch(url), timeout(ms)])`: bounded by the caller. */
function wrappedInTimeout(call: SgNode): boolean {
  for (const a of call.ancestors()) {
    const k = kindOf(a);
    if (/statement|declaration|function|arrow_function|method_definition/.test(k)) return false;
    if (k === 'call_expression' && /timeout|Promise\.race/i.test(fieldOf(a, 'function')?.text() ?? '')) return true;
  }
  return false;
}

function suggestion(call: SgNode, client: Client, optsIndex: number, args: SgNode[], opts: SgNode | undefined, lines: readonly string[]): Pick<RuleMatch, 'suggestion'> {
  if (!isSingleLine(call)) return {};
  const line = lines[lineOf(call) - 1] ?? '';
  const { entry } = TIMEOUT[client];
  if (opts) {
    const inner = opts.text().slice(1, -1).trim().replace(/,$/, '');
    const replaced = replaceOnce(line, opts.text(), inner ? `{ ${inner}, ${entry} }` : `{ ${entry} }`);
    return replaced ? { suggestion: replaced } : {};
  }
  if (args.length !== optsIndex) return {}; // `axios.post(url)` would need an explicit `undefined` body first
  const argsNode = fieldOf(call, 'arguments');
  if (!argsNode) return {};
  const inner = argsNode.text().slice(1, -1).trim().replace(/,$/, '');
  const replaced = replaceOnce(line, call.text(), `${call.text().slice(0, call.text().length - argsNode.text().length)}(${inner ? `${inner}, ` : ''}{ ${entry} })`);
  return replaced ? { suggestion: replaced } : {};
}
