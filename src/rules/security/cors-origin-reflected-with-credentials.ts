import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isFunctionNode, isTsLike } from '../ast/function-scope.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { allowOriginWrites, allowsCredentials, exactOriginCheck, isUnanchoredPattern, lineAt, reflectedOriginName, weakOriginCheckOfAny } from './cors-origins.js';
import { isOperatorToolPath } from './operator-tools.js';
import { argumentsOf, findKinds, keywordArgument, parametersOf, stringValue, unwrap } from './syntax.js';

/** Paths of tests and examples: a permissive CORS setup there serves a test server. */
const TEST_PATH = /(^|\/)(tests?|__tests__|spec|specs|fixtures?|examples?|samples?|testdata)\/|\.(test|spec)\.[cm]?[jt]sx?$|_test\.(go|py)$|(^|\/)test_[^/]*\.py$|Tests?\.java$/;

/** A JS/TS function value of a CORS `origin` option: an inline function or a function of this file named there. */
function functionValue(value: SgNode, root: SgNode, language: RuleLanguage): SgNode | null {
  if (isFunctionNode(value, language)) return value;
  if (kindOf(value) !== 'identifier') return null;
  const name = value.text();
  for (const fn of findKinds(root, ['function_declaration'], language)) if (fieldOf(fn, 'name')?.text() === name) return fn;
  for (const d of findKinds(root, ['variable_declarator'], language)) {
    const v = fieldOf(d, 'value');
    if (fieldOf(d, 'name')?.text() === name && v && isFunctionNode(v, language)) return v;
  }
  return null;
}

/** Why a CORS origin setting accepts attacker origins, and the line that shows it. */
interface OriginProblem {
  why: string;
  line: number;
}

/** Why a JS `origin` option accepts attacker origins, or null: `true`, an unanchored regex, or a function that echoes any origin or checks it loosely (reported on the check). */
function jsOriginProblem(value: SgNode, root: SgNode, language: RuleLanguage): OriginProblem | null {
  const v = unwrap(value);
  const text = v.text();
  if (text === 'true') return { why: '`origin: true` reflects every requesting origin', line: lineOf(v) };
  const regexes = kindOf(v) === 'regex' ? [v] : kindOf(v) === 'array' ? v.children().filter((c) => kindOf(c) === 'regex') : [];
  const loose = regexes.find((r) => isUnanchoredPattern(fieldOf(r, 'pattern')?.text() ?? ''));
  if (loose) return { why: `the origin pattern \`${quote(loose.text(), 40)}\` has no \`^…$\` anchors, so \`https://example.com.evil.net\` matches`, line: lineOf(loose) };
  const fn = functionValue(v, root, language);
  if (!fn) return null;
  const origin = parametersOf(fn, language)[0]?.name;
  if (!origin) return null;
  const body = fn.text();
  const weak = weakOriginCheckOfAny(body, origin);
  if (weak) return { why: `the \`origin\` function accepts origins by ${weak.why}`, line: lineAt(fn, weak.at) };
  if (exactOriginCheck(body, origin) || /\b(if|switch)\b|\?|&&|\|\|/.test(body)) return null;
  return /\btrue\b/.test(body) ? { why: 'the `origin` function accepts every requesting origin', line: lineOf(v) } : null;
}

/** Express/Koa/Fastify/NestJS CORS options: `cors({ origin, credentials: true })`, `app.enableCors({…})`. */
function jsCorsOptions(ctx: RuleContext): RuleMatch[] {
  const root = ctx.root.root();
  const out: RuleMatch[] = [];
  for (const obj of findKinds(root, ['object'], ctx.language)) {
    const pairs = obj.children().filter((p) => kindOf(p) === 'pair');
    const get = (key: string): SgNode | null => {
      const p = pairs.find((x) => (fieldOf(x, 'key')?.text() ?? '').replace(/['"]/g, '') === key);
      return p ? fieldOf(p, 'value') : null;
    };
    const origin = get('origin');
    if (!origin || get('credentials')?.text() !== 'true') continue;
    // Reported inside the object, unless the origin names a function declared elsewhere in the file.
    if (!inChange(ctx, obj) && kindOf(unwrap(origin)) !== 'identifier') continue;
    const problem = jsOriginProblem(origin, root, ctx.language);
    if (problem) out.push({ line: problem.line, detail: `With \`credentials: true\`, ${problem.why}.` });
  }
  return out;
}

/** Flask-CORS, Starlette/FastAPI `CORSMiddleware` and django-cors-headers settings. */
function pythonCorsConfig(ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  const root = ctx.root.root();
  for (const call of findKinds(root, ['call'], ctx.language)) {
    if (!inChange(ctx, call)) continue; // reported on the call or one of its arguments
    const segs = calleeSegments(call, ctx.language);
    const name = segs[segs.length - 1] ?? '';
    const args = argumentsOf(call);
    if (/^(CORS|cross_origin)$/.test(name) && keywordArgument(call, 'supports_credentials')?.text() === 'True') {
      const origins = keywordArgument(call, 'origins') ?? keywordArgument(call, 'resources');
      const values = origins ? literalStrings(origins) : [];
      if (!origins || values.includes('*')) {
        out.push({ line: lineOf(call), detail: 'Flask-CORS with `supports_credentials=True` and every origin allowed sends back the requesting origin itself, with credentials.' });
        continue;
      }
      const loose = values.find((s) => /[.*+?[\\]/.test(s) && !/^https?:\/\/[\w.-]+(:\d+)?$/.test(s) && isUnanchoredPattern(s, true));
      if (loose) out.push({ line: lineOf(origins), detail: `Flask-CORS matches origin patterns with \`re.match\`, so \`${quote(loose, 40)}\` without a trailing \`$\` also accepts \`…evil.net\`; credentials are allowed.` });
      continue;
    }
    const isMiddleware = name === 'CORSMiddleware' || (name === 'add_middleware' && args[0]?.text() === 'CORSMiddleware');
    if (isMiddleware && keywordArgument(call, 'allow_credentials')?.text() === 'True') {
      const origins = keywordArgument(call, 'allow_origins');
      if (origins && literalStrings(origins).includes('*')) {
        out.push({ line: lineOf(origins), detail: 'Starlette `CORSMiddleware` with `allow_origins=["*"]` and `allow_credentials=True` echoes the requesting origin for any request that carries cookies.' });
      }
    }
  }
  // django-cors-headers settings.
  const settings = new Map<string, SgNode>();
  for (const a of findKinds(root, ['assignment'], ctx.language)) {
    const left = fieldOf(a, 'left')?.text() ?? '';
    if (/^CORS_[A-Z_]+$/.test(left)) settings.set(left, a);
  }
  const credentials = settings.get('CORS_ALLOW_CREDENTIALS');
  if (credentials && fieldOf(credentials, 'right')?.text() === 'True') {
    for (const key of ['CORS_ALLOW_ALL_ORIGINS', 'CORS_ORIGIN_ALLOW_ALL']) {
      const s = settings.get(key);
      if (s && fieldOf(s, 'right')?.text() === 'True') out.push({ line: lineOf(s), detail: `\`${key} = True\` with \`CORS_ALLOW_CREDENTIALS = True\`: django-cors-headers sends back any requesting origin, with credentials.` });
    }
    for (const key of ['CORS_ALLOWED_ORIGIN_REGEXES', 'CORS_ORIGIN_REGEX_WHITELIST']) {
      const s = settings.get(key);
      const right = s ? fieldOf(s, 'right') : null;
      const loose = right ? literalStrings(right).find((p) => isUnanchoredPattern(p, true)) : undefined;
      if (s && loose) out.push({ line: lineOf(s), detail: `django-cors-headers matches \`${quote(loose, 40)}\` with \`re.match\`; without a trailing \`$\` it also accepts \`…evil.net\`, and credentials are allowed.` });
    }
  }
  return out;
}

/** The string literal values under `node` (a string, a list or dict of them). */
function literalStrings(node: SgNode): string[] {
  const lits = kindOf(node) === 'string' ? [node] : node.findAll({ rule: { kind: 'string' } });
  return lits.map((l) => stringValue(l, 'python')).filter((s) => !!s && !s.interpolated).map((s) => s?.value ?? '');
}

/** Go CORS options that allow credentials: `AllowCredentials: true` in the literal, or assigned (`conf.AllowCredentials = len(domains) > 0`) in the function. */
const GO_CREDENTIALS = /\bAllowCredentials\s*(:|=)\s*(?!false\b)\S/;

/** rs/cors `cors.Options{…}` and gin-contrib `cors.Config{…}` with credentials allowed: a wildcard origin list, or an origin function that accepts any origin or checks it loosely. */
function goCorsOptions(ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  const root = ctx.root.root();
  for (const lit of findKinds(root, ['composite_literal'], ctx.language)) {
    if (!inChange(ctx, lit)) continue; // reported on a line of the literal
    const text = fieldOf(lit, 'body')?.text() ?? '';
    const star = /\bAllowedOrigins\s*:\s*\[\]string\{\s*"\*"\s*\}/.exec(text);
    if (star && /\bAllowCredentials\s*:\s*true\b/.test(text)) {
      out.push({ line: lineOf(lit) + text.slice(0, star.index).split('\n').length - 1, detail: 'rs/cors with `AllowedOrigins: []string{"*"}` and `AllowCredentials: true` answers with the requesting origin itself, so any site can make credentialed requests.' });
    }
  }
  for (const fn of findKinds(root, ['func_literal'], ctx.language)) {
    if (!inChange(ctx, fn)) continue; // reported on a line of the function
    const holder = fn.parent()?.parent();
    if (!holder || !/^(keyed_element|assignment_statement)$/.test(kindOf(holder)) || !/^\s*[\w.]*AllowOrigin(Request|VaryRequest)?Func\b/.test(holder.text())) continue;
    const scope = kindOf(holder) === 'keyed_element' ? (holder.parent() ?? holder) : (enclosingFunction(holder, ctx.language) ?? root);
    if (!GO_CREDENTIALS.test(scope.text())) continue;
    const origin = parametersOf(fn, ctx.language).find((p) => p.type === 'string')?.name;
    if (!origin) continue;
    const weak = weakOriginCheckOfAny(fn.text(), origin);
    const any = !weak && !exactOriginCheck(fn.text(), origin) && /return\s+true\b/.test(fn.text()) && !/\bif\b/.test(fn.text());
    if (weak || any) out.push({ line: weak ? lineAt(fn, weak.at) : lineOf(fn), detail: `With credentials allowed, \`AllowOriginFunc\` accepts ${weak ? `origins by ${weak.why}` : 'every origin'}.` });
  }
  return out;
}

/** True when a Spring origin pattern lets other domains in: `*`, or a `*` not followed by a dot (`https://*example.com`). */
const looseSpringPattern = (p: string): boolean => p === '*' || /\*(?!\.)/.test(p.replace(/:\[[^\]]*\]$/, ''));

/**
 * True when the CORS registration `call` belongs to allows credentials: the same `CorsRegistry` chain
 * (`.allowedOriginPatterns("*").allowCredentials(true)`), or the same `CorsConfiguration` variable
 * (`config.setAllowCredentials(true)`) in the method text `method`.
 */
function credentialsFor(call: SgNode, method: string): boolean {
  const statement = call.ancestors().find((a) => /statement$|^local_variable_declaration$/.test(kindOf(a)));
  if (statement && /allowCredentials\s*\(\s*(true|Boolean\.TRUE)\s*\)/.test(statement.text())) return true;
  const receiver = fieldOf(call, 'object');
  if (!receiver || kindOf(receiver) !== 'identifier') return false;
  return new RegExp(`\\b${receiver.text()}\\.setAllowCredentials\\(\\s*(true|Boolean\\.TRUE)\\s*\\)`).test(method);
}

/** Spring `@CrossOrigin(originPatterns = …, allowCredentials = "true")` and `CorsConfiguration`/`CorsRegistry` setups. */
function javaCorsConfig(ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  const root = ctx.root.root();
  for (const a of findKinds(root, ['annotation'], ctx.language)) {
    if (!inChange(ctx, a)) continue;
    const text = a.text();
    if (!/^@CrossOrigin\b/.test(text) || !/allowCredentials\s*=\s*"true"/.test(text)) continue;
    const patterns = /originPatterns\s*=\s*(\{[^}]*\}|"[^"]*")/.exec(text)?.[1] ?? '';
    const loose = [...patterns.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '').find(looseSpringPattern);
    if (loose !== undefined) out.push({ line: lineOf(a), detail: `\`@CrossOrigin\` allows credentials for the origin pattern \`"${loose}"\`, which ${loose === '*' ? 'matches every site' : 'also matches other domains'}; Spring echoes the matched origin back.` });
  }
  for (const fn of findKinds(root, ['method_declaration', 'lambda_expression'], ctx.language)) {
    if (!inChange(ctx, fn)) continue; // reported on a call of its own
    const text = fn.text();
    if (!/(setAllowCredentials|allowCredentials)\s*\(\s*(true|Boolean\.TRUE)\s*\)/.test(text)) continue;
    for (const call of findKinds(fn, ['method_invocation'], ctx.language)) {
      if (!inChange(ctx, call) || enclosingFunction(call, ctx.language)?.id() !== fn.id()) continue;
      const name = fieldOf(call, 'name')?.text() ?? '';
      if (!/^(addAllowedOriginPattern|setAllowedOriginPatterns|allowedOriginPatterns)$/.test(name)) continue;
      const loose = call.findAll({ rule: { kind: 'string_literal' } }).map((s) => stringValue(s, 'java')?.value ?? '').find(looseSpringPattern);
      if (loose !== undefined && credentialsFor(call, text)) out.push({ line: lineOf(call), detail: `\`${name}("${loose}")\` with credentials allowed: ${loose === '*' ? 'every site' : 'other domains'} can make credentialed requests, because Spring echoes the matched origin back.` });
    }
  }
  return out;
}

/** Handlers that copy the request's `Origin` into `Access-Control-Allow-Origin` (any language) with credentials allowed. */
function reflectedHeaders(ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  const root = ctx.root.root();
  for (const w of allowOriginWrites(root, ctx.language)) {
    if (!inChange(ctx, w.node)) continue; // reported on the write
    const origin = reflectedOriginName(w.value, ctx.language);
    if (!origin) continue;
    const scope = enclosingFunction(w.node, ctx.language) ?? root;
    if (!allowsCredentials(scope.text()) && !allowsCredentials(ctx.source)) continue;
    const text = scope.text();
    const weak = weakOriginCheckOfAny(text, origin);
    if (!weak && exactOriginCheck(text, origin)) continue;
    out.push({
      line: lineOf(w.node),
      detail: weak
        ? `\`Access-Control-Allow-Origin\` is set to the request's origin after ${weak.why}, and credentials are allowed.`
        : "`Access-Control-Allow-Origin` is set to the request's own `Origin` with no allow-list check, and credentials are allowed.",
    });
  }
  return out;
}

/**
 * `cors-origin-reflected-with-credentials`: a CORS setup that allows credentials (cookies, HTTP auth) and
 * accepts the requesting origin without an exact allow-list: the `Origin` header copied into
 * `Access-Control-Allow-Origin`, or checked by substring, suffix/prefix or an unanchored pattern; Express
 * `cors({ origin: true | fn | /regex/, credentials: true })`; Flask-CORS `supports_credentials=True` for all
 * origins; Starlette `allow_origins=["*"]` with `allow_credentials=True`; django-cors-headers
 * `CORS_ALLOW_ALL_ORIGINS`; rs/cors `AllowedOrigins: {"*"}`; Spring origin patterns `*` with `allowCredentials`.
 */
export const corsOriginReflectedWithCredentials: Rule = {
  id: 'cors-origin-reflected-with-credentials',
  category: 'security',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'CORS allows credentials for origins it does not check exactly',
  why:
    'With `Access-Control-Allow-Credentials: true`, every origin the server accepts can read responses to requests made with the user\'s cookies: a page on `evil-example.com` (or `example.com.evil.net`) that passes a substring, suffix or unanchored check — or any page at all when the origin is echoed — reads the victim\'s account data and CSRF tokens.',
  fix:
    'Compare the origin exactly with an allow-list of full origins (`ALLOWED_ORIGINS.has(origin)`, `origin in ALLOWED_ORIGINS`, `allowed[origin]`), or anchor patterns at both ends (`/^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/`) and keep a dot before the domain in suffix checks (`.example.com`); only then echo it back with `Vary: Origin`.',
  exemptions:
    'Silent in tests, fixtures, examples and operator scripts; when credentials are not allowed; for exact allow-list checks and fixed origins; for `origin: "*"` with credentials (browsers refuse that combination, and Spring rejects it at startup); and for Starlette `allow_origin_regex` (matched in full).',
  confidence: 0.8, // estimate: no firing on the real-world corpus (none of its 8 repositories sets credentialed CORS in the sampled commits)
  check(ctx) {
    if (TEST_PATH.test(ctx.path) || isOperatorToolPath(ctx.path)) return [];
    if (!/credential/i.test(ctx.source) || !/cors|access-control-allow-origin|crossorigin/i.test(ctx.source)) return [];
    const { language } = ctx;
    const matches = [
      ...reflectedHeaders(ctx),
      ...(isTsLike(language) ? jsCorsOptions(ctx) : []),
      ...(language === 'python' ? pythonCorsConfig(ctx) : []),
      ...(language === 'go' ? goCorsOptions(ctx) : []),
      ...(language === 'java' ? javaCorsConfig(ctx) : []),
    ];
    const seen = new Set<number>();
    return matches.filter((m) => !seen.has(m.line) && seen.add(m.line)).sort((a, b) => a.line - b.line);
  },
};
