import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { isFunctionNode } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';

const ROUTE_METHOD = /^(get|post|put|patch|delete|del|all|use|head|options)$/;
const ROUTER_OBJECT = /^(app|router|server|fastify|api|routes?|\w+Router|\w+App|\w+Routes)$/;
const HANDLER_NAME = /handler|webhook/i;
const NEXT_ROUTE_EXPORT = /^(GET|POST|PUT|PATCH|DELETE)$/;
const NEST_ROUTE_DECORATOR = /^@(Get|Post|Put|Patch|Delete|All|MessagePattern|EventPattern|OnEvent|Process)\b/;

/**
 * Request and webhook handlers of a TS/JS file: callbacks given to `app.post(...)`/`router.get(...)`,
 * functions named `*handler*`/`*webhook*` (Lambda and Next.js `handler`), Next.js `GET`/`POST` route exports,
 * `handler:` options (Fastify) and NestJS methods decorated with `@Post()` and friends.
 */
export function tsRequestHandlers(root: SgNode, language: RuleLanguage): SgNode[] {
  const found = new Map<number, SgNode>();
  const add = (n: SgNode | null | undefined): void => {
    if (n && isFunctionNode(n, language)) found.set(n.id(), n);
  };
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', kind: 'member_expression' } } })) {
    const callee = fieldOf(call, 'function');
    const method = fieldOf(callee ?? call, 'property')?.text() ?? '';
    const object = fieldOf(callee ?? call, 'object')?.text().split('.').pop() ?? '';
    if (!ROUTE_METHOD.test(method) || !ROUTER_OBJECT.test(object)) continue;
    for (const arg of fieldOf(call, 'arguments')?.children() ?? []) add(arg);
  }
  for (const fn of root.findAll({ rule: { any: [{ kind: 'function_declaration' }, { kind: 'method_definition' }, { kind: 'arrow_function' }, { kind: 'function_expression' }] } })) {
    const name = functionName(fn);
    if (name && (HANDLER_NAME.test(name) || (NEXT_ROUTE_EXPORT.test(name) && fn.parent() && kindOf(fn.parent() as SgNode) === 'export_statement'))) add(fn);
    if (kindOf(fn) === 'method_definition' && decoratorsOf(fn).some((d) => NEST_ROUTE_DECORATOR.test(d.text()))) add(fn);
    if (kindOf(fn) === 'method_definition' && isAsyncFunction(fn) && isPublicMember(fn) && inRequestPathService(fn)) add(fn);
  }
  return [...found.values()];
}

/** The name a function is known by: its own, its variable's, its property key's. */
export function functionName(fn: SgNode): string | undefined {
  const own = fieldOf(fn, 'name')?.text();
  if (own) return own;
  const parent = fn.parent();
  if (!parent) return undefined;
  if (kindOf(parent) === 'variable_declarator') return fieldOf(parent, 'name')?.text();
  if (kindOf(parent) === 'pair') return fieldOf(parent, 'key')?.text();
  return undefined;
}

/** Decorators written before a class member (tree-sitter puts them as preceding siblings). */
/** Injectable classes named as the request path's services and use cases: `@Injectable() export class InviteUseCase`. */
const REQUEST_PATH_CLASS = /(Service|UseCase|Usecase|Interactor)$/;

/**
 * True for a method of a NestJS `@Injectable()` service or use case: controllers call it while the request is
 * open, so work it leaves floating escapes the request's error handling just the same.
 */
function inRequestPathService(method: SgNode): boolean {
  const cls = method.parent()?.parent();
  if (!cls || !/^(class_declaration|abstract_class_declaration)$/.test(kindOf(cls)) || !REQUEST_PATH_CLASS.test(fieldOf(cls, 'name')?.text() ?? '')) return false;
  const holder = cls.parent() && kindOf(cls.parent() as SgNode) === 'export_statement' ? (cls.parent() as SgNode) : cls;
  return [...decoratorsOf(holder), ...decoratorsOf(cls)].some((d) => /^@Injectable\b/.test(d.text()));
}

/** Not `private`/`protected`: reachable from a controller. */
function isPublicMember(method: SgNode): boolean {
  const acc = method.children().find((c) => kindOf(c) === 'accessibility_modifier')?.text();
  return acc !== 'private' && acc !== 'protected';
}

function decoratorsOf(member: SgNode): SgNode[] {
  const out: SgNode[] = [];
  let prev = member.prev();
  while (prev && kindOf(prev) === 'decorator') {
    out.push(prev);
    prev = prev.prev();
  }
  return [...out, ...member.children().filter((c) => kindOf(c) === 'decorator')];
}

/** True when a TS/JS function is declared `async`. */
export function isAsyncFunction(fn: SgNode): boolean {
  return fn.children().some((c) => kindOf(c) === 'async');
}

/** A Go HTTP handler and the name of its request (or framework context) parameter. */
export interface GoHandler {
  fn: SgNode;
  /** `r` in `func(w http.ResponseWriter, r *http.Request)`, `c` in `func(c *gin.Context)`. */
  param: string;
  /** net/http requests are cancelled on return; gin/echo contexts are also recycled and must be copied. */
  framework: 'net/http' | 'gin' | 'echo';
}

/** Go functions that serve an HTTP request: net/http, gin and echo handlers. */
export function goRequestHandlers(root: SgNode): GoHandler[] {
  const out: GoHandler[] = [];
  for (const fn of root.findAll({ rule: { any: [{ kind: 'function_declaration' }, { kind: 'method_declaration' }, { kind: 'func_literal' }] } })) {
    for (const p of fieldOf(fn, 'parameters')?.children() ?? []) {
      if (kindOf(p) !== 'parameter_declaration') continue;
      const type = fieldOf(p, 'type')?.text().replace(/\s+/g, '') ?? '';
      const name = fieldOf(p, 'name')?.text();
      if (!name) continue;
      if (type === '*http.Request') out.push({ fn, param: name, framework: 'net/http' });
      else if (type === '*gin.Context') out.push({ fn, param: name, framework: 'gin' });
      else if (type === 'echo.Context') out.push({ fn, param: name, framework: 'echo' });
    }
  }
  return out;
}

const JAVA_CONTROLLER = /^@(RestController|Controller)\b/;
const JAVA_MAPPING = /^@(Get|Post|Put|Patch|Delete|Request)Mapping\b/;

/** Java methods that serve a request: methods of a `@RestController`/`@Controller`, or with a `@…Mapping`. */
export function javaControllerMethods(root: SgNode): SgNode[] {
  return root.findAll({ rule: { kind: 'method_declaration' } }).filter((m) => {
    if (annotationsOf(m).some((a) => JAVA_MAPPING.test(a))) return true;
    const cls = m.ancestors().find((a) => kindOf(a) === 'class_declaration');
    return !!cls && annotationsOf(cls).some((a) => JAVA_CONTROLLER.test(a));
  });
}

function annotationsOf(decl: SgNode): string[] {
  const mods = decl.children().find((c) => kindOf(c) === 'modifiers');
  return (mods?.children() ?? []).filter((c) => kindOf(c) === 'annotation' || kindOf(c) === 'marker_annotation').map((a) => a.text());
}
