import type { SgNode } from '@ast-grep/napi';
import type { RuleContext, RuleMatch } from '../types.js';
import { callLabel } from '../ast/external-call.js';
import { fieldOf, isSingleLine, kindOf, lineOf } from '../ast/node-text.js';
import { replaceOnce } from './replace-once.js';

const REQUESTS_METHODS = /^(get|post|put|patch|delete|head|options|request)$/;

/**
 * requests calls (module functions and `requests.Session()` objects) without `timeout=`, and `urlopen` without a
 * timeout. httpx is left alone: it defaults to a 5 s timeout.
 */
export function pythonTimeoutMatches(ctx: RuleContext): RuleMatch[] {
  // Every call below names requests or urlopen, or a session built by `requests.Session()`.
  if (!/requests|urlopen/.test(ctx.source)) return [];
  const root = ctx.root.root();
  const sessions = /requests\.[Ss]ession/.test(ctx.source) ? sessionNames(root) : new Set<string>();
  // A mounted adapter or a Session subclass that injects a default timeout covers the session's calls.
  const sessionDefaults = (/HTTPAdapter/.test(ctx.source) && /timeout/.test(ctx.source)) || /class\s+\w+\(\s*(requests\.)?Session\s*\)/.test(ctx.source);
  const urlopenImported = /from\s+urllib\.request\s+import[^\n]*\burlopen\b/.test(ctx.source);
  const out: RuleMatch[] = [];
  // Every kind of call below has a callee naming requests, urlopen or a session: ast-grep skips the rest natively.
  const names = ['requests', 'urlopen', ...[...sessions].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))];
  for (const call of root.findAll({ rule: { kind: 'call', has: { field: 'function', regex: names.join('|') } } })) {
    const callee = fieldOf(call, 'function');
    if (!callee) continue;
    const text = callee.text();
    let kind: 'requests' | 'session' | 'urlopen' | null = null;
    if (kindOf(callee) === 'attribute') {
      const object = fieldOf(callee, 'object')?.text() ?? '';
      const method = fieldOf(callee, 'attribute')?.text() ?? '';
      if (object === 'requests' && REQUESTS_METHODS.test(method)) kind = 'requests';
      else if (sessions.has(object) && REQUESTS_METHODS.test(method) && !sessionDefaults) kind = 'session';
      else if (/^(urllib\.)?request\.urlopen$/.test(text)) kind = 'urlopen';
    } else if (text === 'urlopen' && urlopenImported) {
      kind = 'urlopen';
    }
    if (!kind) continue;
    const args = (fieldOf(call, 'arguments')?.children() ?? []).filter((c) => c.isNamed() && kindOf(c) !== 'comment');
    if (args.some((a) => kindOf(a) === 'dictionary_splat' || kindOf(a) === 'list_splat')) continue;
    if (args.some((a) => kindOf(a) === 'keyword_argument' && fieldOf(a, 'name')?.text() === 'timeout')) continue;
    if (kind === 'urlopen' && args.filter((a) => kindOf(a) !== 'keyword_argument').length >= 3) continue;
    const label = callLabel(call);
    out.push({
      line: lineOf(call),
      detail:
        kind === 'urlopen'
          ? `\`${label}\` has no \`timeout\`: it falls back to the global socket default, which is none, so a hung server blocks this thread indefinitely.`
          : `\`${label}\` has no \`timeout=\`: requests never times out by default, so a hung server blocks this worker thread indefinitely.`,
      ...suggestion(call, ctx.lines),
    });
  }
  return out;
}

/** Names bound to a `requests.Session()`: `s = requests.Session()`, `self.session = ...`, `with requests.Session() as s`. */
function sessionNames(root: SgNode): Set<string> {
  const names = new Set<string>();
  const isSession = (n: SgNode | null | undefined): boolean => !!n && /^requests\.[Ss]ession\(\s*\)$/.test(n.text());
  for (const a of root.findAll({ rule: { kind: 'assignment' } })) {
    if (isSession(fieldOf(a, 'right'))) names.add(fieldOf(a, 'left')?.text() ?? '');
  }
  for (const p of root.findAll({ rule: { kind: 'as_pattern' } })) {
    const value = p.children().find((c) => c.isNamed());
    const target = p.find({ rule: { kind: 'as_pattern_target' } });
    if (isSession(value) && target) names.add(target.text());
  }
  names.delete('');
  return names;
}

function suggestion(call: SgNode, lines: readonly string[]): Pick<RuleMatch, 'suggestion'> {
  const args = fieldOf(call, 'arguments');
  if (!args || !isSingleLine(call)) return {};
  const inner = args.text().slice(1, -1).trim().replace(/,$/, '');
  if (!inner) return {};
  const line = lines[lineOf(call) - 1] ?? '';
  const replaced = replaceOnce(line, call.text(), `${call.text().slice(0, call.text().length - args.text().length)}(${inner}, timeout=10)`);
  return replaced ? { suggestion: replaced } : {};
}
