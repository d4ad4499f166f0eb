import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { findInScope, isTsLike } from '../ast/function-scope.js';
import { fieldOf, inChange, isSingleLine, kindOf, lineOf, quote } from '../ast/node-text.js';
import { catchesEverything, fileErrorHandlers, guardedExternalCalls, type ErrorHandler } from './error-handlers.js';
import { GO_ERR_NAME, GO_NIL_CHECK_IF, goErrName, goErrorSource, goErrorSourceBefore } from './go-errors.js';
import { callLabel, isExternalCall } from '../ast/external-call.js';
import { hasFileRole, isOutsideRuntime } from '../file-role.js';

/**
 * A handler that throws a new error without the one it caught: JS `throw new Error(msg)` without `{ cause }`,
 * Python `raise X(...) from None` around a call out, Go `errors.New` inside `if err != nil` of a call out (and,
 * at low confidence, `fmt.Errorf` with `%v`), Java `throw new XException(msg)` without `e`.
 */
export const rethrowDropsCause: Rule = {
  id: 'rethrow-drops-cause',
  category: 'error-handling',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Rethrow drops the original error',
  // Measured on the real-world corpus (issue 8): before the exemptions 1 TP / 22; after them the inline
  // matches (TS/JS, Java, Go `errors.New`) were 1 TP / 1, too few to measure: 0.75 is an estimate. Go `%v`
  // wrapping was 0 TP, 8 DEBATABLE, 10 FP and carries its own 0.45, below the default `min_confidence`.
  confidence: 0.75,
  exemptions:
    'Tests, command-line entry points, config loading, scripts and migrations. Python `raise X(...)` inside `except` (the caught error stays chained as `__context__`): only `from None` around a call out is flagged. Go errors of local calls (parsing, marshalling, templates) and Go errors re-described with `%v`/`%s` are not posted inline (style, and `%w` only exists since Go 1.13). Java validation/bad-input exceptions that carry `e.getMessage()`. Handlers that inspect or log the error, and TS/JS catches that do not bind it around no call out.',
  why:
    'The error that reaches the logs no longer carries the original failure (vendor status, response body, stack trace): on-call sees "charge failed" and cannot tell a card decline from a timeout or a bug, and `errors.Is`/`instanceof` checks upstream stop matching.',
  fix:
    'Chain the original error: `new PaymentError("charge failed", { cause: err })` in JS/TS, `raise PaymentError("charge failed") from err` in Python, `fmt.Errorf("charge customer: %w", err)` in Go, `new PaymentException("charge failed", e)` in Java.',
  check(ctx: RuleContext): RuleMatch[] {
    // Config loading turns parse errors into messages for whoever edits the config: the cause is the input.
    if (isOutsideRuntime(ctx.path, ctx.source) || hasFileRole(ctx.path, ctx.source, 'config')) return [];
    const root = ctx.root.root();
    if (ctx.language === 'go') return goMatches(root, ctx);
    // Every match is a throw inside its handler.
    return fileErrorHandlers(ctx).flatMap((h) => (inChange(ctx, h.node) ? handlerMatches(h, ctx) : []));
  },
};

/** Java exception types that wrap a remote or I/O failure, whose details are worth keeping. */
const JAVA_IO_TYPES = /(IO|Rest|Http|Sql|SQL|DataAccess|Stripe|Timeout|Client|Remote|Connect|Socket|Kafka|Jms|Amqp|Aws|Sdk|Service)\w*Exception$/;
/** Exceptions that report bad input to the caller (a 400), not a failure to diagnose. */
const VALIDATION_TYPES = /(Validation|IllegalArgument|BadRequest|InvalidInput|InvalidParameter|InvalidRequest|Constraint)\w*Exception$/;

/** True when the thrown expression carries the caught error's message: `e.getMessage()`. */
const carriesMessage = (thrown: SgNode, param: string): boolean => new RegExp(`\\b${param}\\.get(Localized)?Message\\(\\)`).test(thrown.text());

/** JS error classes that take `{ cause }` as their second argument. */
const BUILTIN_ERRORS = /^(Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError)$/;

function handlerMatches(h: ErrorHandler, ctx: RuleContext): RuleMatch[] {
  const { language } = ctx;
  if (!h.body) return [];
  const throwKind = language === 'python' ? 'raise_statement' : 'throw_statement';
  const throws = findInScope(h.body, { rule: { kind: throwKind } }, language).filter((t) => ownHandler(t, language)?.id() === h.node.id());
  // Most handlers throw nothing: the external calls of the `try` are looked up only for those that do.
  if (throws.length === 0) return [];
  const external = guardedExternalCalls(h, language).length > 0;
  const out: RuleMatch[] = [];
  // The handler's references to its error are the same for every throw in it: looked up once, on first need.
  let paramUses: SgNode[] | undefined;
  for (const t of throws) {
    const thrown = t.children().find((c) => c.isNamed() && kindOf(c) !== 'comment');
    if (!thrown) continue; // bare `raise` re-raises with the traceback
    if (language === 'python') {
      // Python chains the caught error as `__context__` by itself; only `from None` throws it away.
      if (fieldOf(t, 'cause')?.text() !== 'None' || !external) continue;
      if (h.param && referencesTo(thrown, h.param, language).length > 0) continue;
      out.push({
        line: lineOf(t),
        detail: `\`${quote(t.text())}\` suppresses the error of the external call with \`from None\`: tracebacks and error reporters no longer show the vendor failure behind it.`,
      });
      continue;
    }
    const creation = isTsLike(language) ? 'new_expression' : 'object_creation_expression';
    if (kindOf(thrown) !== creation) continue;
    if (h.param) {
      const uses = (paramUses ??= referencesTo(h.body, h.param, language));
      const passed = uses.some((u) => isDirectArgument(u, thrown));
      if (passed) continue;
      // TS/JS: any use of the error means it was inspected or logged (`err.code === 'ENOENT'`); Java: outside the throw.
      if (isTsLike(language) ? uses.length > 0 : uses.some((u) => !within(u, thrown))) continue;
    } else if (!external) {
      continue; // `catch { throw new BadRequest('invalid JSON') }`: the author chose not to bind it
    }
    if (language === 'java' && !external && !catchesEverything(h) && !h.types.some((x) => x === 'RuntimeException' || JAVA_IO_TYPES.test(x))) continue;
    const type = (fieldOf(thrown, isTsLike(language) ? 'constructor' : 'type')?.text() ?? 'Error').split('.').pop() ?? 'Error';
    // Bad input turned into a 400 with the reason kept: the stack trace of a rejected value helps nobody.
    if (language === 'java' && VALIDATION_TYPES.test(type) && h.param && carriesMessage(thrown, h.param)) continue;
    out.push({
      line: lineOf(t),
      detail: h.param
        ? `\`throw new ${type}(…)\` inside \`catch (${h.param})\` does not pass \`${h.param}\` on: the original error${external ? ' from the external call' : ''} and its stack trace are lost.`
        : `\`throw new ${type}(…)\` in a \`catch\` that does not bind the error: the original failure of the external call and its stack trace are lost.`,
      ...causeSuggestion(t, thrown, type, h, ctx),
    });
  }
  return out;
}

/** The catch/except clause a throw belongs to (the nearest one). */
function ownHandler(t: SgNode, language: RuleLanguage): SgNode | undefined {
  const kind = language === 'python' ? 'except_clause' : 'catch_clause';
  for (let a = t.parent(); a; a = a.parent()) if (kindOf(a) === kind) return a;
  return undefined;
}

function referencesTo(scope: SgNode, name: string, language: RuleLanguage): SgNode[] {
  const kinds = isTsLike(language) ? [{ kind: 'identifier' }, { kind: 'shorthand_property_identifier' }] : [{ kind: 'identifier' }];
  // The name test runs natively; the exact comparison stays as the final word.
  return scope.findAll({ rule: { any: kinds, regex: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` } }).filter((n) => n.text() === name);
}

function within(node: SgNode, container: SgNode): boolean {
  return node.ancestors().some((a) => a.id() === container.id());
}

/** True when `ref` is passed as-is to the thrown constructor: `new X(msg, e)`, `new X(msg, { cause: err })`, `{ cause }`. */
function isDirectArgument(ref: SgNode, thrown: SgNode): boolean {
  const args = fieldOf(thrown, 'arguments');
  if (!args) return false;
  const parent = ref.parent();
  if (parent?.id() === args.id()) return true;
  if (kindOf(ref) === 'shorthand_property_identifier') return parent?.parent()?.id() === args.id();
  return !!parent && kindOf(parent) === 'pair' && parent.parent()?.parent()?.id() === args.id();
}

function causeSuggestion(t: SgNode, thrown: SgNode, type: string, h: ErrorHandler, ctx: RuleContext): Pick<RuleMatch, 'suggestion'> {
  const args = fieldOf(thrown, 'arguments');
  if (!h.param || !args || !isSingleLine(t)) return {};
  const argList = args.children().filter((c) => c.isNamed() && kindOf(c) !== 'comment');
  if (argList.length !== 1 || referencesTo(args, h.param, ctx.language).length > 0) return {};
  let extra: string;
  if (isTsLike(ctx.language)) {
    if (!BUILTIN_ERRORS.test(type) && !inheritsErrorConstructor(ctx.root.root(), type)) return {};
    extra = `, { cause: ${h.param} }`;
  } else {
    extra = `, ${h.param}`;
  }
  return { suggestion: insertBeforeClose(ctx.lines[lineOf(t) - 1] ?? '', thrown.text(), args.text(), extra) ?? undefined };
}

/** A class declared in this file that extends Error without its own constructor, so it accepts `{ cause }`. */
function inheritsErrorConstructor(root: SgNode, name: string): boolean {
  const cls = root.findAll({ rule: { kind: 'class_declaration' } }).find((c) => fieldOf(c, 'name')?.text() === name);
  if (!cls || !/\bextends\s+\w*Error\b/.test(cls.text().split('{')[0] ?? '')) return false;
  return !cls.find({ rule: { kind: 'method_definition', has: { field: 'name', regex: '^constructor$' } } });
}

/** Inserts `extra` before the closing parenthesis of `argsText` inside `exprText` on `line`; null when not found once. */
function insertBeforeClose(line: string, exprText: string, argsText: string, extra: string): string | null {
  const at = line.indexOf(exprText);
  if (at < 0 || line.indexOf(exprText, at + 1) >= 0) return null;
  const argsAt = exprText.lastIndexOf(argsText);
  if (argsAt < 0) return null;
  const close = at + argsAt + argsText.length - 1;
  return `${line.slice(0, close)}${extra}${line.slice(close)}`;
}

/**
 * Go: `fmt.Errorf("…: %v", err)` and `errors.New(…)` returned from `if err != nil` without `err`, when `err`
 * comes from a call out. Errors of local calls (a marshal, a parse, a template) carry nothing a caller can act on.
 */
function goMatches(root: SgNode, ctx: RuleContext): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', regex: '^fmt\\.Errorf$' } } })) {
    if (!inChange(ctx, call)) continue;
    const m = goErrorfWithoutWrap(call, ctx.lines);
    if (m) out.push(m);
  }
  for (const ifNode of root.findAll(GO_NIL_CHECK_IF)) {
    if (!inChange(ctx, ifNode)) continue; // its matches are returns inside it
    const errName = goErrName(ifNode);
    const block = fieldOf(ifNode, 'consequence');
    if (!errName || !block) continue;
    if (block.findAll({ rule: { kind: 'identifier', regex: `^${errName}$` } }).length > 0) continue;
    const source = goErrorSource(ifNode, errName);
    if (!source || !isExternalCall(source, 'go')) continue;
    for (const ret of findInScope(block, { rule: { kind: 'return_statement' } }, 'go')) {
      const fresh = ret.find({ rule: { kind: 'call_expression', has: { field: 'function', regex: '^(errors\\.New|fmt\\.Errorf)$' } } });
      if (!fresh) continue;
      out.push({
        line: lineOf(ret),
        detail: `\`${quote(fresh.text())}\` is returned from \`if ${errName} != nil\` without \`${errName}\`: the error of \`${callLabel(source)}\` is dropped, so callers and logs only see the new message and \`errors.Is\`/\`errors.As\` cannot find the cause.`,
      });
    }
  }
  return out;
}

const VERB = /%[-+# 0]*(\d+|\*)?(\.(\d+|\*))?[a-zA-Z%]/g;

function goErrorfWithoutWrap(call: SgNode, lines: readonly string[]): RuleMatch | null {
  const args = (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => c.isNamed() && kindOf(c) !== 'comment');
  const format = args[0];
  if (!format || kindOf(format) !== 'interpreted_string_literal') return null;
  const fmt = format.text();
  if (fmt.includes('%w')) return null; // already wraps one error: the others are described on purpose
  const verbs = [...fmt.matchAll(VERB)].filter((v) => v[0] !== '%%');
  const dropped: Array<{ verb: RegExpMatchArray; arg: SgNode }> = [];
  verbs.forEach((verb, i) => {
    const arg = args[i + 1];
    if (!arg || !/[vs]$/.test(verb[0])) return;
    const isErr = kindOf(arg) === 'identifier' && GO_ERR_NAME.test(arg.text());
    const isErrString = /^(\w+)\.Error\(\)$/.exec(arg.text())?.[1];
    if (isErr || (isErrString && GO_ERR_NAME.test(isErrString))) dropped.push({ verb, arg });
  });
  const first = dropped[0];
  if (!first) return null;
  const errName = kindOf(first.arg) === 'identifier' ? first.arg.text() : first.arg.text().replace(/\.Error\(\)$/, '');
  const source = goErrorSourceBefore(call, errName);
  if (!source || !isExternalCall(source, 'go')) return null;
  const match: RuleMatch = {
    line: lineOf(call),
    // `%v` keeps the text of the error; only `errors.Is`/`As` lose it, which few callers use: a style point.
    confidence: 0.45,
    detail: `\`${quote(call.text())}\` formats \`${first.arg.text()}\` with \`${first.verb[0]}\`: the result is a new error that only carries the text, so \`errors.Is\`/\`errors.As\` cannot see the cause. Use \`%w\`.`,
  };
  if (!isSingleLine(call) || dropped.some((d) => kindOf(d.arg) !== 'identifier')) return match;
  let newFmt = fmt;
  for (const d of [...dropped].reverse()) {
    const at = d.verb.index ?? -1;
    newFmt = `${newFmt.slice(0, at)}%w${newFmt.slice(at + d.verb[0].length)}`;
  }
  const line = lines[lineOf(call) - 1] ?? '';
  if (line.split(fmt).length !== 2) return match;
  return { ...match, suggestion: line.replace(fmt, () => newFmt) };
}
