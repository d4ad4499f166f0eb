import type { SgNode } from '@ast-grep/napi';
import { identifiersIn, isFunctionNode, parameterNames, type LanguageFamily } from '../ast/function-scope.js';

const LOOP_KINDS: Record<LanguageFamily, ReadonlySet<string>> = {
  js: new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']),
  python: new Set(['for_statement', 'while_statement', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']),
  go: new Set(['for_statement']),
  java: new Set(['for_statement', 'enhanced_for_statement', 'while_statement', 'do_statement']),
};

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Array/stream methods whose callback runs once per element. */
const JS_ITERATION_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce', 'some', 'every', 'find']);
const JAVA_ITERATION_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'peek', 'mapToObj', 'mapToInt', 'mapToLong', 'anyMatch', 'allMatch', 'noneMatch', 'forEachOrdered']);

/** A loop statement (or, in Python, a comprehension). Per-element callbacks are handled by {@link iterationCallbackCall}. */
export function isLoop(n: SgNode, family: LanguageFamily): boolean {
  return LOOP_KINDS[family].has(n.kind() as string);
}

/** A Python list/set/dict comprehension or generator expression. */
export const isComprehension = (n: SgNode): boolean => COMPREHENSIONS.has(n.kind() as string);

/** The part of a loop that runs once per iteration (for a comprehension: the element and its conditions). */
export function loopBody(loop: SgNode): SgNode | null {
  if (isComprehension(loop)) return loop;
  return loop.field('body');
}

/** True when `n` is inside the repeated part of `loop`, not its header (the iterable is evaluated once). */
export function inLoopBody(n: SgNode, loop: SgNode): boolean {
  if (isComprehension(loop)) {
    const clause = loop.children().find((c) => c.kind() === 'for_in_clause');
    const iterable = clause?.field('right');
    return !(iterable && within(n, iterable));
  }
  const body = loopBody(loop);
  return !!body && within(n, body);
}

/** True when `inner` lies within `outer`'s source range. */
export function within(inner: SgNode, outer: SgNode): boolean {
  const a = inner.range();
  const b = outer.range();
  return a.start.index >= b.start.index && a.end.index <= b.end.index;
}

/**
 * When `fn` is the callback of an iteration method (`items.forEach(async (i) => …)`, `ids.stream().map(id -> …)`),
 * the call it is passed to; else null.
 */
export function iterationCallbackCall(fn: SgNode, family: LanguageFamily): SgNode | null {
  const args = fn.parent();
  const call = args?.parent();
  if (!call) return null;
  if (family === 'js' && args?.kind() === 'arguments' && call.kind() === 'call_expression') {
    const callee = call.field('function');
    const method = callee?.kind() === 'member_expression' ? callee.field('property')?.text() : undefined;
    return method && JS_ITERATION_METHODS.has(method) ? call : null;
  }
  if (family === 'java' && args?.kind() === 'argument_list' && call.kind() === 'method_invocation') {
    const method = call.field('name')?.text();
    return method && JAVA_ITERATION_METHODS.has(method) ? call : null;
  }
  return null;
}

/** Names bound per iteration: the loop variable(s), or the callback's parameters. */
export function loopBoundNames(loop: SgNode, family: LanguageFamily): Set<string> {
  if (isFunctionNode(loop, family)) return new Set(parameterNames(loop, family));
  if (family === 'js' && loop.kind() === 'for_in_statement') return identifiersIn(loop.field('left') ?? loop);
  if (family === 'python') {
    const clause = isComprehension(loop) ? loop.children().find((c) => c.kind() === 'for_in_clause') : loop;
    const left = clause?.field('left');
    return left ? identifiersIn(left) : new Set();
  }
  if (family === 'go') {
    const range = loop.children().find((c) => c.kind() === 'range_clause');
    const left = range?.field('left');
    return left ? identifiersIn(left) : new Set();
  }
  if (family === 'java' && loop.kind() === 'enhanced_for_statement') {
    const name = loop.field('name');
    return name ? identifiersIn(name) : new Set();
  }
  if (family === 'js' && loop.kind() === 'for_statement') {
    const init = loop.field('initializer');
    return init ? identifiersIn(init) : new Set();
  }
  return new Set();
}

/**
 * The innermost loop (or per-element callback) that repeats `n`, looking no further than the function
 * that contains `n`: a loop outside that function only defines the function, it does not call it.
 */
export function repeatingAncestor(n: SgNode, family: LanguageFamily): SgNode | null {
  for (let p = n.parent(); p; p = p.parent()) {
    if (isLoop(p, family) && inLoopBody(n, p)) return p;
    if (isFunctionNode(p, family)) return iterationCallbackCall(p, family) ? p : null;
  }
  return null;
}

const FIXED_COLLECTION = new Set(['array', 'list', 'tuple', 'set', 'composite_literal', 'array_creation_expression', 'array_initializer']);

/** A constant (`MIGRATIONS`, `SUPPORTED_REGIONS`): a fixed list in the code, not data that grows. */
const CONSTANT = /^([\w$]+\.)*[A-Z][A-Z0-9_]*$/;

/**
 * The collection a loop walks, when it is data that grows: not a constant (`MIGRATIONS`), a message
 * stream or a channel (see {@link walkedCollection} for the other exclusions).
 */
export function iteratedCollection(loop: SgNode, family: LanguageFamily): SgNode | undefined {
  const found = walkedCollection(loop, family);
  if (!found || CONSTANT.test(found.text()) || STREAM.test(found.text())) return undefined;
  if (family === 'go' && isGoChannel(found, loop)) return undefined;
  return found;
}

/**
 * A stream of messages consumed one at a time (a Kafka consumer, a queue, a Go channel of jobs):
 * handling each message as it arrives is the design, and a worker pool bounds the concurrency.
 */
const STREAM = /consumer|subscription|stream|queue|channel|pubsub|listen|deliveries|jobs\b|\bch$|Chan\b|chan\b/i;

function isGoChannel(expr: SgNode, loop: SgNode): boolean {
  if (expr.kind() !== 'identifier') return /(^|\.)(C|Done\(\))$/.test(expr.text());
  const name = expr.text();
  let fn: SgNode | null = loop;
  while (fn && fn.kind() !== 'function_declaration' && fn.kind() !== 'method_declaration' && fn.kind() !== 'func_literal') fn = fn.parent();
  const scope = fn?.text() ?? '';
  return new RegExp(`\\b${name}\\s*(:=|=)\\s*make\\(\\s*chan\\b|\\b${name}\\s+(<-)?chan\\b|\\b${name}(\\s*,\\s*\\w+)*\\s+(<-)?chan\\b`).test(scope);
}

/**
 * What a loop iterates over, when it iterates over something (a collection, a stream, a channel);
 * undefined for `while` loops, retry counters (`range(3)`), `for await` streams and literal lists.
 */
export function walkedCollection(loop: SgNode, family: LanguageFamily): SgNode | undefined {
  const kind = loop.kind() as string;
  if (family === 'js') {
    if (isFunctionNode(loop, family)) return iterationCallbackCall(loop, family)?.field('function')?.field('object') ?? undefined;
    if (kind === 'for_in_statement') {
      if (loop.children().some((c) => !c.isNamed() && c.text() === 'await')) return undefined; // for await: a stream, consumed in order
      const right = loop.field('right');
      return right && !FIXED_COLLECTION.has(right.kind() as string) ? right : undefined;
    }
    if (kind === 'for_statement') {
      const cond = loop.field('condition');
      return cond && /\.(length|size)\b/.test(cond.text()) ? cond : undefined;
    }
    return undefined;
  }
  if (family === 'python') {
    const clause = isComprehension(loop) ? loop.children().find((c) => c.kind() === 'for_in_clause') : kind === 'for_statement' ? loop : undefined;
    if (!clause || clause.children()[0]?.text() === 'async') return undefined;
    const right = clause.field('right');
    if (!right || FIXED_COLLECTION.has(right.kind() as string)) return undefined;
    if (right.kind() === 'call' && /^range$/.test(right.field('function')?.text() ?? '') && !/\blen\(/.test(right.text())) return undefined;
    return right;
  }
  if (family === 'go') {
    const range = loop.children().find((c) => c.kind() === 'range_clause');
    if (range) {
      const right = range.field('right');
      return right && !FIXED_COLLECTION.has(right.kind() as string) && right.kind() !== 'int_literal' ? right : undefined;
    }
    const clause = loop.children().find((c) => c.kind() === 'for_clause');
    const cond = clause?.field('condition');
    if (cond && /\blen\(/.test(cond.text())) return cond;
    const bare = loop.children().find((c) => c.kind() === 'call_expression');
    return bare && /\.Next\(\)$/.test(bare.text()) ? bare : undefined; // for rows.Next() { … }
  }
  if (kind === 'enhanced_for_statement') {
    const value = loop.field('value');
    if (!value || FIXED_COLLECTION.has(value.kind() as string) || /^(List|Set|Arrays|Stream)\.(of|asList)\(/.test(value.text())) return undefined;
    return value;
  }
  if (kind === 'for_statement') {
    const cond = loop.field('condition');
    return cond && /\.(size\(\)|length)\b/.test(cond.text()) ? cond : undefined;
  }
  if (kind === 'lambda_expression') {
    const call = iterationCallbackCall(loop, family);
    const chain = call?.field('object')?.text() ?? '';
    return call && !/parallel/i.test(chain) ? (call.field('object') ?? undefined) : undefined;
  }
  return undefined;
}
