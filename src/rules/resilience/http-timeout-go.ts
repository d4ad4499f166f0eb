import type { SgNode } from '@ast-grep/napi';
import type { RuleContext, RuleMatch } from '../types.js';
import { fieldOf, isSingleLine, kindOf, lineOf, quote } from '../ast/node-text.js';
import { replaceOnce } from './replace-once.js';

/**
 * `http.Get/Post/Head/PostForm` and `http.DefaultClient` (no timeout), and `http.Client{}` / `new(http.Client)`
 * without `Timeout`. A file that sets per-request deadlines (`context.WithTimeout`) is trusted for `Do(req)`.
 */
export function goTimeoutMatches(ctx: RuleContext): RuleMatch[] {
  // Every match below names the `http.` package (`http.Get`, `new(http.Client)`, `http.Client{}`).
  if (!ctx.source.includes('http.')) return [];
  const root = ctx.root.root();
  const ctxDeadlines = /context\.With(Timeout|Deadline)\(/.test(ctx.source);
  const importsTime = /^\s*(import\s+)?"time"\s*$/m.test(ctx.source);
  const out: RuleMatch[] = [];
  for (const call of root.findAll({ rule: { kind: 'call_expression', has: { field: 'function', regex: '^(http\\.|new$)' } } })) {
    const fn = fieldOf(call, 'function')?.text() ?? '';
    const label = `${fn}(…)`;
    if (/^http\.(Get|Post|Head|PostForm)$/.test(fn)) {
      out.push({ line: lineOf(call), detail: `\`${label}\` uses \`http.DefaultClient\`, which has no timeout: a hung server blocks this goroutine (and its caller) indefinitely.` });
    } else if (/^http\.DefaultClient\.(Get|Post|Head|PostForm|Do)$/.test(fn) && !(fn.endsWith('.Do') && ctxDeadlines)) {
      out.push({ line: lineOf(call), detail: `\`${label}\` goes through \`http.DefaultClient\`, which has no timeout: a hung server blocks this goroutine indefinitely.` });
    } else if (fn === 'new' && /^\(\s*http\.Client\s*\)$/.test(fieldOf(call, 'arguments')?.text() ?? '') && !ctxDeadlines) {
      out.push({ line: lineOf(call), detail: '`new(http.Client)` has no `Timeout`: requests through it wait for a hung server indefinitely.' });
    }
  }
  if (ctxDeadlines) return out;
  for (const lit of root.findAll({ rule: { kind: 'composite_literal', has: { field: 'type', regex: '^http\\.Client$' } } })) {
    if (fieldOf(lit, 'type')?.text() !== 'http.Client') continue;
    const body = fieldOf(lit, 'body');
    const keys = (body?.findAll({ rule: { kind: 'keyed_element' } }) ?? [])
      .filter((k) => k.parent()?.id() === body?.id())
      .map((k) => k.children().find((c) => c.isNamed())?.text() ?? '');
    if (keys.includes('Timeout')) continue;
    out.push({
      line: lineOf(lit),
      detail: `\`${quote(lit.text(), 50)}\` has no \`Timeout\`: the zero value means no timeout, so requests through this client wait for a hung server indefinitely.`,
      ...(importsTime ? suggestion(lit, body, ctx.lines) : {}),
    });
  }
  return out;
}

function suggestion(lit: SgNode, body: SgNode | null, lines: readonly string[]): Pick<RuleMatch, 'suggestion'> {
  if (!body || !isSingleLine(lit) || kindOf(body) !== 'literal_value') return {};
  const inner = body.text().slice(1, -1).trim().replace(/,$/, '');
  const replaced = replaceOnce(lines[lineOf(lit) - 1] ?? '', lit.text(), `http.Client{${inner ? `${inner}, ` : ''}Timeout: 10 * time.Second}`);
  return replaced ? { suggestion: replaced } : {};
}
