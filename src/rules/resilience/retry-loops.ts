import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeSegments, externalCalls } from '../ast/external-call.js';
import { belongsTo, findInScope, isFunctionNode, isTsLike, LOOP_KINDS } from '../ast/function-scope.js';
import { memoised } from '../ast/file-memo.js';
import { fieldOf, kindOf } from '../ast/node-text.js';

/** A loop that retries a call until it succeeds. */
export interface RetryLoop {
  loop: SgNode;
  /** `counted`: bounded by an attempt counter; `infinite`: `while (true)`, `for (;;)`, Go `for {}`. */
  shape: 'counted' | 'infinite';
  /** False for an infinite loop with no attempt limit inside it. */
  bounded: boolean;
  /** The calls being retried (external calls, or for a loop over attempts, the calls in its `try`). */
  calls: SgNode[];
  /** Sleep/delay calls between attempts. */
  sleeps: SgNode[];
  /** The delay expression of each sleep, in the same order. */
  delays: Array<SgNode | null>;
  /** The attempt counter, when the loop has one. */
  counter?: string;
  /** The literal attempt limit of a counted loop (`attempt < 3` → 3), when written as a number. */
  limit?: number;
}

const RETRY_WORDS = new Set(['attempt', 'attempts', 'retry', 'retries', 'tries', 'try', 'retrycount']);

/** True for names like `attempt`, `maxRetries`, `MAX_ATTEMPTS`, `n_tries` (but not `entries`). */
export function isRetryName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_]+/)
    .map((w) => w.toLowerCase());
  return words.some((w) => RETRY_WORDS.has(w));
}

/** try statements; the kinds must exist in the grammar or ast-grep rejects the rule. */
const tryRule = (language: RuleLanguage) =>
  language === 'java' ? { rule: { any: [{ kind: 'try_statement' }, { kind: 'try_with_resources_statement' }] } } : { rule: { kind: 'try_statement' } };
const SLEEP_NAME = /^(sleep|delay|wait|pause|setTimeout|Sleep|After|NewTimer)$/;
const STATUS_CHECK = /\b(ok|status|statusCode|status_code|StatusCode|getStatusCode|is2xxSuccessful|raise_for_status)\b/;

/** Retry loops of a file: loops over attempts (or infinite loops) that call out, handle the failure and exit on success. */
export function retryLoops(root: SgNode, language: RuleLanguage): RetryLoop[] {
  // Two rules and the integration model ask for the same file's loops (always from the file's root).
  return memoised(RETRY_LOOPS, `${language}\u0000${root.id()}`, () => findRetryLoops(root, language));
}

const RETRY_LOOPS = {};

function findRetryLoops(root: SgNode, language: RuleLanguage): RetryLoop[] {
  const loops = root.findAll({ rule: { any: [...LOOP_KINDS[language]].map((kind) => ({ kind })) } });
  const out: RetryLoop[] = [];
  // Calls out, directly or through one same-file helper (`doSendWebhook(client, hook, payload)`).
  const external = loops.length > 0 ? externalCalls(root.getRoot(), language) : null;
  for (const loop of loops) {
    const shape = loopShape(loop, language);
    if (!shape || !external) continue;
    const calledOut = findInScope(loop, { rule: { kind: CALL_KIND[language] } }, language).filter((c) => external(c) !== undefined);
    // Only a try whose handler lets the loop go round again is a retry; one that always rethrows is not.
    const tries = (language === 'go' ? [] : findInScope(loop, tryRule(language), language)).filter((t) => nearestLoop(t, language)?.id() === loop.id() && handlerContinues(t, language));
    const tried = tries.flatMap((t) => {
      const body = fieldOf(t, 'body');
      return body ? findInScope(body, { rule: { kind: CALL_KIND[language] } }, language) : [];
    });
    const triedExternal = calledOut.filter((c) => tried.some((t) => t.id() === c.id()));
    // Handling that goes round again: a try around the call, a Go error check that does not return,
    // or (in a loop over attempts) a status check on the response.
    const ifs = findInScope(loop, { rule: { kind: 'if_statement' } }, language);
    const statusCheck = !shape.infinite && ifs.some((i) => STATUS_CHECK.test(fieldOf(i, 'condition')?.text() ?? ''));
    let calls = triedExternal.length > 0 || ((goRetries(ifs, language) || statusCheck) && calledOut.length > 0) ? calledOut : [];
    if (calls.length === 0 && shape.counter && isRetryName(shape.counter)) calls = tried.filter((c) => !isSleepCall(c, language) && !/log|print/i.test(calleeSegments(c, language).join('.')));
    if (calls.length === 0 || !exitsOnSuccess(loop, language) || advancesCursor(loop, calls, language, shape.counter)) continue;
    const sleeps = sleepCalls(loop, language);
    out.push({
      loop,
      shape: shape.infinite ? 'infinite' : 'counted',
      bounded: !shape.infinite || hasAttemptLimit(loop, language),
      calls,
      sleeps,
      delays: sleeps.map((s) => delayOf(s, language)),
      ...(shape.counter ? { counter: shape.counter } : {}),
      ...literalLimit(loop, language),
    });
  }
  return out;
}

/** True when some catch/except of the try can fall through to the next iteration (its body does not end in throw/return). */
function handlerContinues(tryNode: SgNode, language: RuleLanguage): boolean {
  const handlers = tryNode.children().filter((c) => kindOf(c) === (language === 'python' ? 'except_clause' : 'catch_clause'));
  return handlers.some((h) => {
    const body = isTsLike(language) ? fieldOf(h, 'body') : h.children().find((c) => kindOf(c) === 'block');
    const last = (body?.children() ?? []).filter((c) => c.isNamed() && !/comment/.test(kindOf(c))).pop();
    return !last || !/^(throw_statement|raise_statement|return_statement)$/.test(kindOf(last));
  });
}

/** Go: `if err == nil { return/break }`, or an `if err != nil` branch that goes round again instead of returning. */
function goRetries(ifs: SgNode[], language: RuleLanguage): boolean {
  if (language !== 'go') return false;
  return ifs.some((i) => {
    const cond = fieldOf(i, 'condition')?.text() ?? '';
    const body = fieldOf(i, 'consequence');
    if (!body) return false;
    const leaves = body.findAll({ rule: { any: [{ kind: 'return_statement' }, { kind: 'break_statement' }] } }).length > 0;
    if (/\berr\s*==\s*nil\b/.test(cond)) return leaves;
    if (/\berr\s*!=\s*nil\b/.test(cond)) return !leaves || body.findAll({ rule: { kind: 'continue_statement' } }).length > 0;
    return false;
  });
}

/**
 * True when the call's arguments use a variable the loop advances after the call (`page += 1`,
 * `url = data["next"]`, `cursor = resp.Next`): that is pagination, not a retry of the same request.
 */
function advancesCursor(loop: SgNode, calls: SgNode[], language: RuleLanguage, counter: string | undefined): boolean {
  const assigned = assignmentsIn(loop, language);
  return calls.some((call) => {
    const args = fieldOf(call, 'arguments');
    if (!args) return false;
    const names = new Set(args.findAll({ rule: { kind: 'identifier' } }).map((i) => i.text()));
    names.delete(counter ?? '');
    for (const name of names) {
      for (const a of assigned.get(name) ?? []) {
        if (a.value === 'mutated' || a.at.range().start.index > call.range().end.index) return true;
      }
    }
    return false;
  });
}

/** `for (let i = 0; i < 3; i++)`, `for attempt in range(3)`: the number of attempts, when it is a literal. */
function literalLimit(loop: SgNode, language: RuleLanguage): { limit?: number } {
  const header = language === 'python' ? (fieldOf(loop, 'right')?.text() ?? '') : (fieldOf(loop, 'condition')?.text() ?? loop.children().find((c) => kindOf(c) === 'for_clause')?.text() ?? '');
  const m = /^range\(\s*(\d+)\s*\)$/.exec(header) ?? /<\s*(\d+)\b/.exec(header);
  if (m?.[1]) return { limit: Number(m[1]) };
  const le = /<=\s*(\d+)\b/.exec(header);
  return le?.[1] ? { limit: Number(le[1]) + 1 } : {};
}

/** Whether a loop looks like a retry loop by its header, and its counter. */
function loopShape(loop: SgNode, language: RuleLanguage): { infinite: boolean; counter?: string } | null {
  const k = kindOf(loop);
  if (language === 'python') {
    if (k === 'while_statement') {
      const cond = fieldOf(loop, 'condition')?.text() ?? '';
      if (cond === 'True' || cond === '1') return { infinite: true };
      return counterIn(cond);
    }
    const left = fieldOf(loop, 'left')?.text() ?? '';
    const right = fieldOf(loop, 'right')?.text() ?? '';
    if (!/^range\(/.test(right)) return null;
    if (isRetryName(left) || idents(right).some(isRetryName)) return { infinite: false, counter: left };
    if (/^range\(\s*\d\s*\)$/.test(right) && (left === '_' || unused(loop, left, language))) return { infinite: false, counter: left };
    return null;
  }
  if (language === 'go') {
    const clause = loop.children().find((c) => c.isNamed() && kindOf(c) !== 'block' && kindOf(c) !== 'comment');
    if (!clause) return { infinite: true };
    if (kindOf(clause) === 'range_clause') {
      const left = clause.children().find((c) => kindOf(c) === 'expression_list')?.text() ?? '_';
      const right = clause.namedChildren().pop()?.text() ?? '';
      if (idents(right).some(isRetryName) || isRetryName(left)) return { infinite: false, counter: left };
      return null;
    }
    return counterIn(clause.text(), loop, language);
  }
  if (k === 'for_in_statement' || k === 'enhanced_for_statement') return null;
  if (k === 'for_statement') {
    const cond = fieldOf(loop, 'condition');
    if (!cond || cond.text().trim() === ';' || cond.text().trim() === '') return { infinite: true };
    const header = ['initializer', 'init', 'condition', 'increment', 'update'].map((f) => fieldOf(loop, f)?.text() ?? '').join(' ');
    return counterIn(header, loop, language);
  }
  const cond = fieldOf(loop, 'condition')?.text().replace(/[()\s]/g, '') ?? '';
  if (cond === 'true' || cond === '1') return { infinite: true };
  return counterIn(cond);
}

const idents = (code: string): string[] => code.match(/[A-Za-z_]\w*/g) ?? [];

/** A loop header that counts attempts: names a retry variable, or counts a small fixed number of times with an unused index. */
function counterIn(header: string, loop?: SgNode, language?: RuleLanguage): { infinite: boolean; counter?: string } | null {
  const named = idents(header).find(isRetryName);
  if (named) return { infinite: false, counter: named };
  const small = /^\s*(?:(?:let|var|int|const)\s+)?(\w+)\s*:?=\s*0\s*;?\s*\1\s*<=?\s*(\d+)\s*;?\s*(\1\+\+|\+\+\1|\1\s*\+=\s*1)\s*$/.exec(header);
  if (small?.[1] && Number(small[2]) <= 10 && loop && language && unused(loop, small[1], language)) return { infinite: false, counter: small[1] };
  return null;
}

/**
 * True when the loop body only compares its index (`if (i === 2) throw err`): it repeats the same work,
 * it does not iterate over data (`items[i]`, `send(batch(i))`).
 */
function unused(loop: SgNode, name: string, language: RuleLanguage): boolean {
  const body = fieldOf(loop, 'body') ?? loop.namedChildren().pop();
  if (!body) return false;
  if (language === 'python' && name === '_') return true;
  return body
    .findAll({ rule: { kind: 'identifier' } })
    .filter((i) => i.text() === name)
    .every((i) => /^(binary_expression|comparison_operator)$/.test(kindOf(i.parent() ?? i)));
}

/** The nearest loop around a node in the same function. */
function nearestLoop(node: SgNode, language: RuleLanguage): SgNode | undefined {
  for (const a of node.ancestors()) {
    if (isFunctionNode(a, language)) return undefined;
    if (LOOP_KINDS[language].has(kindOf(a))) return a;
  }
  return undefined;
}

/** A `return`, or a `break` that leaves this loop (not an inner loop, switch or select). */
function exitsOnSuccess(loop: SgNode, language: RuleLanguage): boolean {
  if (findInScope(loop, { rule: { kind: 'return_statement' } }, language).length > 0) return true;
  const breaks = findInScope(loop, { rule: { kind: 'break_statement' } }, language);
  return breaks.some((b) => {
    if (b.children().some((c) => c.isNamed() && kindOf(c) !== 'comment')) return false; // labelled break: not worth resolving
    for (const a of b.ancestors()) {
      if (a.id() === loop.id()) return true;
      const k = kindOf(a);
      if (LOOP_KINDS[language].has(k) || /^(switch_statement|switch_expression|expression_switch_statement|type_switch_statement|select_statement)$/.test(k)) return false;
    }
    return false;
  });
}

/** An infinite loop is bounded when it compares an attempt counter somewhere inside. */
function hasAttemptLimit(loop: SgNode, language: RuleLanguage): boolean {
  // A deadline or a cancellable context bounds the loop as well as a counter does.
  if (CANCELLATION.test(loop.text())) return true;
  const kind = language === 'python' ? 'comparison_operator' : 'binary_expression';
  return findInScope(loop, { rule: { kind } }, language).some((b) => /[<>]=?|==/.test(b.text()) && (idents(b.text()).some(isRetryName) || TIME_BOUND.test(b.text())));
}

const TIME_BOUND = /deadline|elapsed|remaining|timeout|budget|expir|Date\.now|time\.(time|monotonic)|time\.Since|time\.Now|Instant\.now|currentTimeMillis|nanoTime/i;
const CANCELLATION = /ctx\.Done\(\)|ctx\.Err\(\)|signal\.aborted|throwIfAborted|isInterrupted\(\)/;

function isSleepCall(call: SgNode, language: RuleLanguage): boolean {
  const segs = calleeSegments(call, language);
  const name = segs[segs.length - 1] ?? '';
  if (!SLEEP_NAME.test(name)) return false;
  if (language === 'go') return segs[0] === 'time';
  if (language === 'java') return segs[0] === 'Thread' || segs[0] === 'TimeUnit';
  if (language === 'python') return name === 'sleep';
  return name !== 'After' && name !== 'Sleep' && name !== 'NewTimer';
}

/** Sleeps in the loop: direct calls, plus `await new Promise((r) => setTimeout(r, ms))` whose callback is nested. */
function sleepCalls(loop: SgNode, language: RuleLanguage): SgNode[] {
  return loop.findAll({ rule: { kind: CALL_KIND[language] } }).filter((c) => {
    if (!isSleepCall(c, language)) return false;
    if (belongsTo(c, loop, language)) return true;
    return isTsLike(language) && c.ancestors().some((a) => kindOf(a) === 'new_expression' && /^new\s+Promise\b/.test(a.text()) && belongsTo(a, loop, language));
  });
}

/** The delay argument of a sleep call: `setTimeout(resolve, ms)` → `ms`, `sleep(ms)` → `ms`. */
function delayOf(call: SgNode, language: RuleLanguage): SgNode | null {
  const args = (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => c.isNamed() && kindOf(c) !== 'comment');
  const segs = calleeSegments(call, language);
  if (isTsLike(language) && segs[segs.length - 1] === 'setTimeout' && args.length >= 2) return args[1] ?? null;
  return args[0] ?? null;
}

const PURE_CALL = /^(Duration|ofMillis|ofSeconds|ofMinutes|toMillis|toSeconds|Number|int|float|parseInt|parseFloat|floor|ceil|round|seconds|milliseconds|timedelta|total_seconds)$/;

/**
 * True when a delay cannot grow between attempts: it only uses literals, names set outside the loop
 * (constants, options) and pure conversions. A name the loop reassigns, the attempt counter or any other
 * call (`backoff(attempt)`, `Math.random()`) means it may grow or jitter.
 */
export function isConstantDelay(expr: SgNode, r: RetryLoop, language: RuleLanguage, depth = 0): boolean {
  if (depth > 3) return false;
  for (const call of expr.findAll({ rule: { kind: CALL_KIND[language] } })) {
    const segs = calleeSegments(call, language);
    if (!PURE_CALL.test(segs[segs.length - 1] ?? '')) return false;
  }
  const assigned = assignmentsIn(r.loop, language);
  const ids = [expr, ...expr.findAll({ rule: { kind: 'identifier' } })].filter((n) => kindOf(n) === 'identifier');
  for (const id of ids) {
    const name = id.text();
    if (name === r.counter) return false;
    const values = assigned.get(name);
    if (!values) continue;
    for (const { value: v } of values) {
      if (v === 'mutated') return false;
      if (v.findAll({ rule: { kind: 'identifier' } }).some((i) => i.text() === name)) return false;
      if (!isConstantDelay(v, r, language, depth + 1)) return false;
    }
  }
  return true;
}

type Assigned = Map<string, Array<{ value: SgNode | 'mutated'; at: SgNode }>>;

/** Names the loop assigns, with their plain-assignment values, or `mutated` for `+=`, `*=`, `++`. */
function assignmentsIn(loop: SgNode, language: RuleLanguage): Assigned {
  const out: Assigned = new Map();
  let at: SgNode = loop;
  const add = (name: string | undefined, v: SgNode | 'mutated' | null | undefined): void => {
    if (!name || !v) return;
    out.set(name, [...(out.get(name) ?? []), { value: v, at }]);
  };
  const operator = (n: SgNode): string => n.children().find((c) => !c.isNamed() && /=$/.test(c.text()))?.text() ?? '=';
  const kinds = ['assignment_expression', 'augmented_assignment_expression', 'update_expression', 'assignment', 'augmented_assignment', 'assignment_statement', 'short_var_declaration', 'inc_statement', 'dec_statement', 'variable_declarator'];
  const valid = kinds.filter((k) => kindAllowed(k, language));
  for (const n of loop.findAll({ rule: { any: valid.map((kind) => ({ kind })) } })) {
    at = n;
    const k = kindOf(n);
    if (k === 'update_expression' || k === 'inc_statement' || k === 'dec_statement' || k === 'augmented_assignment_expression' || k === 'augmented_assignment') {
      add(n.find({ rule: { kind: 'identifier' } })?.text(), 'mutated');
    } else if (k === 'variable_declarator') {
      add(fieldOf(n, 'name')?.text(), fieldOf(n, 'value'));
    } else if (k === 'assignment_statement' || k === 'short_var_declaration') {
      const [left, right] = n.children().filter((c) => kindOf(c) === 'expression_list');
      const names = (left?.namedChildren() ?? []).map((c) => c.text());
      const values = (right?.namedChildren() ?? []);
      names.forEach((name, i) => add(name, operator(n) === '=' || operator(n) === ':=' ? (values[i] ?? 'mutated') : 'mutated'));
    } else {
      const left = fieldOf(n, 'left');
      const op = operator(n);
      add(left?.text(), op === '=' ? fieldOf(n, 'right') : 'mutated');
    }
  }
  return out;
}

const KINDS_BY_LANGUAGE: Record<string, readonly string[]> = {
  ts: ['assignment_expression', 'augmented_assignment_expression', 'update_expression', 'variable_declarator'],
  python: ['assignment', 'augmented_assignment'],
  go: ['assignment_statement', 'short_var_declaration', 'inc_statement', 'dec_statement'],
  java: ['assignment_expression', 'update_expression', 'variable_declarator'],
};

function kindAllowed(kind: string, language: RuleLanguage): boolean {
  const key = isTsLike(language) ? 'ts' : language;
  return (KINDS_BY_LANGUAGE[key] ?? []).includes(kind);
}
