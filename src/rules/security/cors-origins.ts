import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { argumentsOf, assignmentsTo, findKinds, stringValue, unwrap } from './syntax.js';

/**
 * Helpers of `cors-origin-reflected-with-credentials`: where a handler echoes the request's `Origin`
 * back in `Access-Control-Allow-Origin`, how the origin is checked first (exactly, or by a substring,
 * suffix, prefix or unanchored pattern an attacker's domain can satisfy), and whether credentials are allowed.
 */

/** Reads of the request's `Origin` header, as text: `req.headers.origin`, `r.Header.Get("Origin")`, `request.META["HTTP_ORIGIN"]`… */
const ORIGIN_READ = /\b(req|request|ctx|c|r|event)\b[\w.?]*\.(headers\??\.origin\b|headers\??\[\s*['"`]origin['"`]\s*\]|get\(\s*['"]origin['"]|header\(\s*['"]origin['"]|Header\.Get\(\s*"Origin"|GetHeader\(\s*"Origin"|getHeader\(\s*"Origin"|headers\.get\(\s*['"]origin['"]|META\[\s*['"]HTTP_ORIGIN['"]\s*\]|META\.get\(\s*['"]HTTP_ORIGIN['"]|Get\(\s*"Origin"\)|Request\.Header\.Get\(\s*"Origin")/i;

/** True when the expression text reads the request's Origin header. */
export const readsRequestOrigin = (text: string): boolean => ORIGIN_READ.test(text);

/** A regular expression source that an attacker's origin can satisfy by extension: no `^…$` (or `\A…\Z`) around it. */
export function isUnanchoredPattern(pattern: string, matchIsAnchoredAtStart = false): boolean {
  const start = matchIsAnchoredAtStart || /^\^|^\\A/.test(pattern);
  const end = /(\$|\\[Zz])\)?$/.test(pattern);
  return !(start && end);
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The literal argument of a call in `text` after `prefix`, e.g. the `"example.com"` of `origin.endsWith("example.com")`. */
function literalAfter(text: string, at: number): string | null {
  const m = /^\s*(?:[\w.]+\s*,\s*)?(['"`])([^'"`]*)\1/.exec(text.slice(at));
  return m ? (m[2] ?? '') : null;
}

/** A loose origin check: why it is loose, and where it is in the text searched. */
export interface WeakCheck {
  why: string;
  at: number;
}

/** The line (1-based) of offset `at` in `node`'s text. */
export const lineAt = (node: SgNode, at: number): number => node.range().start.line + 1 + (node.text().slice(0, at).match(/\n/g)?.length ?? 0);

/**
 * How `origin` (a variable name) is checked in `text` in a way an attacker's origin can pass:
 * a substring test (`origin.includes('example.com')`, `'example.com' in origin`, `strings.Contains(origin, …)`),
 * a suffix without the leading dot (`endsWith('example.com')` passes `evil-example.com`), a prefix without a
 * path or port delimiter (`startsWith('https://example.com')` passes `https://example.com.evil.net`), or a
 * regular expression without anchors. Null when none is found.
 */
export function weakOriginCheck(text: string, origin: string): WeakCheck | null {
  const o = esc(origin);
  const substring = new RegExp(`\\b${o}\\??\\.(includes|indexOf|contains|search|find)\\s*\\(|strings\\.(Contains|Index)\\(\\s*${o}\\s*,|['"][^'"]+['"]\\s+in\\s+${o}\\b`);
  const s = substring.exec(text);
  if (s) return { why: `a substring test (\`${s[0].replace(/\s*\($/, '(…)')}\`)`, at: s.index };
  const suffix = new RegExp(`\\b${o}\\??\\.(endsWith|endswith)\\s*\\(|strings\\.HasSuffix\\(\\s*${o}\\s*,`, 'g');
  for (const m of text.matchAll(suffix)) {
    const at = (m.index ?? 0) + m[0].length;
    const lit = literalAfter(text, at);
    if (lit !== null && !/^[.]/.test(lit) && !/^https?:\/\/[^/]+$/.test(lit)) return { why: `a suffix test without a leading dot (\`endsWith("${lit}")\` also accepts \`https://evil-${lit.replace(/^https?:\/\//, '')}\`)`, at: m.index ?? 0 };
    // A variable suffix (`strings.HasSuffix(host, domain)`): a bare domain also matches `evil${domain}`, unless a dot is prepended.
    const arg = /^\s*([\w.]+)\s*\)/.exec(text.slice(at))?.[1];
    if (lit === null && arg && !/^\s*['"`]\.['"`]\s*\+/.test(text.slice(at))) return { why: `a suffix test against \`${arg}\` without a leading dot (a bare domain also matches \`evil${arg}\`)`, at: m.index ?? 0 };
  }
  const prefix = new RegExp(`\\b${o}\\??\\.(startsWith|startswith)\\s*\\(|strings\\.HasPrefix\\(\\s*${o}\\s*,`, 'g');
  for (const m of text.matchAll(prefix)) {
    const lit = literalAfter(text, (m.index ?? 0) + m[0].length);
    if (lit !== null && /^https?:\/\/[^/:]+$/.test(lit)) return { why: `a prefix test (\`startsWith("${lit}")\` also accepts \`${lit}.evil.net\`)`, at: m.index ?? 0 };
  }
  const regexes = [
    ...[...text.matchAll(new RegExp(`/((?:\\\\/|[^/\\n])+)/[gimsuy]*\\.test\\(\\s*${o}\\s*\\)`, 'g'))].map((m) => ({ src: m[1] ?? '', atStart: false, at: m.index ?? 0 })),
    ...[...text.matchAll(new RegExp(`re\\.(search|match)\\(\\s*r?(['"])(.*?)\\2\\s*,\\s*${o}\\b`, 'g'))].map((m) => ({ src: m[3] ?? '', atStart: m[1] === 'match', at: m.index ?? 0 })),
    ...[...text.matchAll(new RegExp(`regexp\\.MatchString\\(\\s*[\`"](.*?)[\`"]\\s*,\\s*${o}\\b`, 'g'))].map((m) => ({ src: m[1] ?? '', atStart: false, at: m.index ?? 0 })),
    ...[...text.matchAll(new RegExp(`Pattern\\.compile\\(\\s*"(.*?)"\\s*\\)\\.matcher\\(\\s*${o}\\s*\\)\\.find\\(`, 'g'))].map((m) => ({ src: m[1] ?? '', atStart: false, at: m.index ?? 0 })),
  ];
  const weak = regexes.find((r) => r.src && isUnanchoredPattern(r.src, r.atStart));
  if (weak) return { why: `a regular expression without anchors (\`${weak.src}\`)`, at: weak.at };
  return null;
}

/**
 * The names that hold the origin or a part of it in `text`: `origin` itself and locals assigned from it
 * (`host := strings.TrimPrefix(origin, "https://")`, `const { hostname } = new URL(origin)`), one hop.
 */
export function originAliases(text: string, origin: string): string[] {
  const o = esc(origin);
  const names = new Set([origin]);
  for (const m of text.matchAll(new RegExp(`(?:\\b(?:const|let|var)\\s+)?\\b(\\w+)\\s*(?::=|=)\\s*[^\\n;=][^\\n;]*\\b${o}\\b`, 'g'))) if (m[1] && m[1] !== origin) names.add(m[1]);
  for (const m of text.matchAll(new RegExp(`\\{\\s*(host|hostname)\\s*\\}\\s*=\\s*new URL\\(\\s*${o}\\s*\\)`, 'g'))) if (m[1]) names.add(m[1]);
  return [...names];
}

/** The first weak check of the origin or of a value derived from it, or null. */
export function weakOriginCheckOfAny(text: string, origin: string): WeakCheck | null {
  for (const name of originAliases(text, origin)) {
    const weak = weakOriginCheck(text, name);
    if (weak) return weak;
  }
  return null;
}

/** True when `text` compares `origin` exactly with an allow-list or a fixed value. */
export function exactOriginCheck(text: string, origin: string): boolean {
  const o = esc(origin);
  return new RegExp(
    `\\.(includes|has|contains|indexOf|containsKey)\\(\\s*${o}\\s*\\)|\\b${o}\\s+(not\\s+)?in\\s+[\\w.[(]|\\w\\[\\s*${o}\\s*\\]|${o}\\s*(===?|!==?)\\s*['"\`\\w]|['"\`\\w]\\s*(===?|!==?)\\s*${o}\\b|slices\\.Contains\\(\\s*[\\w.]+\\s*,\\s*${o}\\s*\\)|\\.equals\\(\\s*${o}\\s*\\)|\\b${o}\\.equals\\(`,
  ).test(text);
}

/** Header-setting calls of `Access-Control-Allow-Origin` (and assignments into a header map), with the value node. */
export interface AllowOriginWrite {
  node: SgNode;
  value: SgNode;
}

/** Every write of `Access-Control-Allow-Origin` with a non-literal value under `root`. */
export function allowOriginWrites(root: SgNode, language: RuleLanguage): AllowOriginWrite[] {
  const out: AllowOriginWrite[] = [];
  for (const call of findKinds(root, [CALL_KIND[language]], language)) {
    const args = argumentsOf(call);
    const name = args[0] ? stringValue(args[0], language) : null;
    if (!name || name.interpolated || !/^access-control-allow-origin$/i.test(name.value) || !args[1]) continue;
    const segs = calleeSegments(call, language);
    if (!/^(setHeader|set|header|Set|Add|addHeader|append|writeHead|setdefault)$/.test(segs[segs.length - 1] ?? '')) continue;
    if (!stringValue(unwrap(args[1]), language) || stringValue(unwrap(args[1]), language)?.interpolated) out.push({ node: call, value: args[1] });
  }
  // Python/JS `response['Access-Control-Allow-Origin'] = origin`, `res.headers['Access-Control-Allow-Origin'] = origin`.
  for (const a of findKinds(root, ['assignment', 'assignment_expression'], language)) {
    const left = fieldOf(a, 'left');
    const value = fieldOf(a, 'right');
    if (!left || !value || !/access-control-allow-origin['"`]\s*\]$/i.test(left.text())) continue;
    if (!stringValue(unwrap(value), language)) out.push({ node: a, value });
  }
  return out;
}

/** True when the scope sets `Access-Control-Allow-Credentials: true` (or a CORS option enabling credentials). */
export function allowsCredentials(text: string): boolean {
  return /access-control-allow-credentials['"`]\s*(,|\]\s*=)\s*['"`]?true/i.test(text);
}

/**
 * Where the value written to `Access-Control-Allow-Origin` comes from: the request's Origin header directly,
 * or a local assigned from it. Returns the variable name the checks should look for, or null.
 */
export function reflectedOriginName(value: SgNode, language: RuleLanguage): string | null {
  const v = unwrap(value);
  if (readsRequestOrigin(v.text())) return v.text();
  if (kindOf(v) !== 'identifier' && kindOf(v) !== 'shorthand_property_identifier') return null;
  const fn = enclosingFunction(v, language);
  if (!fn) return null;
  const assigned = assignmentsTo(v.text(), fn, language, v.range().start.line);
  if (assigned.some((a) => readsRequestOrigin(a.value.text()))) return v.text();
  // `const { origin } = req.headers`.
  if (isTsLike(language) && new RegExp(`\\{[^}]*\\b${esc(v.text())}\\b[^}]*\\}\\s*=\\s*(req|request|ctx\\.request)\\.headers`).test(fn.text())) return v.text();
  // A handler parameter named origin (Express `cors({ origin: (origin, cb) => … })` is handled by the caller).
  return null;
}
