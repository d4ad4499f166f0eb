import type { SgNode } from '@ast-grep/napi';
import type { RuleContext, RuleMatch } from '../types.js';
import { callLabel, isExternalCall } from '../ast/external-call.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import { GO_ERR_NAME } from './go-errors.js';

/**
 * Go: the value of a call out used before the error returned with it is checked —
 * `res, err := http.Post(…)` followed by `res.StatusCode` or `defer res.Body.Close()` before `if err != nil`.
 * When the call fails the value is nil, and the first connection failure panics.
 */
export function goResultUsedBeforeErrorCheck(root: SgNode, ctx: Pick<RuleContext, 'changed'> = {}): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const stmt of root.findAll({ rule: { any: [{ kind: 'short_var_declaration' }, { kind: 'assignment_statement' }], regex: 'err' } })) {
    // The match is a later statement of the same block.
    const block = stmt.parent();
    if (block && !inChange(ctx, block)) continue;
    const m = earlyUse(stmt);
    if (m) out.push(m);
  }
  return out;
}

/** The first use of the result of `res, err := call()` in the statements that follow, before `err` is mentioned. */
function earlyUse(stmt: SgNode): RuleMatch | null {
  const [left, right] = stmt.children().filter((c) => kindOf(c) === 'expression_list');
  const targets = left?.namedChildren() ?? [];
  const values = right?.namedChildren() ?? [];
  const result = targets[0];
  const errName = targets[targets.length - 1]?.text() ?? '';
  const call = values[0];
  if (targets.length < 2 || !result || kindOf(result) !== 'identifier' || result.text() === '_' || !GO_ERR_NAME.test(errName)) return null;
  // Whether the call goes out is asked last, of the few results used early: most are checked on the next line.
  if (values.length !== 1 || !call || kindOf(call) !== 'call_expression') return null;
  const name = result.text();
  const mentions = (n: SgNode, id: string): SgNode[] => n.findAll({ rule: { kind: 'identifier', regex: `^${id}$` } });
  for (let next = stmt.next(); next; next = next.next()) {
    if (!next.isNamed() || kindOf(next) === 'comment') continue;
    if (mentions(next, errName).length > 0) return null; // the error is looked at (or returned) first
    if (kindOf(next) === 'if_statement' && new RegExp(`\\b${name}\\s*!=\\s*nil\\b`).test(fieldOf(next, 'condition')?.text() ?? '')) return null; // nil-guarded
    const use = mentions(next, name).find((u) => kindOf(u.parent() ?? u) === 'selector_expression' && fieldOf(u.parent() as SgNode, 'operand')?.id() === u.id());
    if (!use) continue;
    if (!isExternalCall(call, 'go')) return null;
    return {
      line: lineOf(next),
      severity: 'high',
      title: 'Result used before its error is checked',
      detail: `\`${quote((use.parent() as SgNode).text())}\` reads the result of \`${callLabel(call)}\` before \`${errName}\` is checked: when the call fails \`${name}\` is nil and this line panics.`,
    };
  }
  return null;
}
