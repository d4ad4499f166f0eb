import type { SgNode } from '@ast-grep/napi';
import { callLabel } from '../ast/external-call.js';
import { importedNames, qualifyPython } from '../ast/import-bindings.js';
import { fieldOf, lineOf } from '../ast/node-text.js';
import type { RuleContext, RuleMatch } from '../types.js';

/** Python: `smtplib.SMTP(host)` without `timeout=` waits on the socket forever (the global default timeout is None). */
function pythonMatches(ctx: RuleContext): RuleMatch[] {
  if (!/smtplib|SMTP/.test(ctx.source) || /socket\.setdefaulttimeout\(/.test(ctx.source)) return [];
  const names = importedNames(ctx.root, ctx.language);
  const out: RuleMatch[] = [];
  for (const call of ctx.root.root().findAll({ rule: { kind: 'call', has: { field: 'function', regex: 'SMTP(_SSL)?$' } } })) {
    const callee = qualifyPython((fieldOf(call, 'function')?.text() ?? '').replace(/\s+/g, ''), names);
    if (!/^smtplib\.SMTP(_SSL)?$/.test(callee)) continue;
    const args = fieldOf(call, 'arguments');
    if (/\btimeout\s*=/.test(args?.text() ?? '') || mayPassTimeout(args)) continue;
    out.push({ line: lineOf(call), detail: `\`${callLabel(call)}\` has no \`timeout=\`: smtplib waits on the socket with no limit, so a mail server that accepts the connection and stalls hangs this worker.` });
  }
  return out;
}

/** `SMTP(host, port, local_hostname, timeout)`: a fourth positional argument is the timeout; `**opts` may carry it. */
function mayPassTimeout(args: SgNode | null): boolean {
  const named = args?.namedChildren() ?? [];
  return named.some((c) => c.kind() === 'dictionary_splat' || c.kind() === 'list_splat') || named.filter((c) => c.kind() !== 'keyword_argument').length >= 4;
}

/** Go: `net/smtp`'s `SendMail` and `Dial` dial with no timeout and set no deadline. */
function goMatches(ctx: RuleContext): RuleMatch[] {
  const names = importedNames(ctx.root, ctx.language);
  const smtp = [...names].find(([, b]) => b.module === 'net/smtp')?.[0];
  if (!smtp) return [];
  const deadlines = /SetDeadline\(|DialTimeout\(|net\.Dialer\{|\.DialContext\(/.test(ctx.source);
  const out: RuleMatch[] = [];
  for (const call of ctx.root.root().findAll({ rule: { kind: 'call_expression', has: { field: 'function', regex: `^${smtp}\\.(SendMail|Dial)$` } } })) {
    const fn = fieldOf(call, 'function')?.text() ?? '';
    if (fn.endsWith('.Dial') && deadlines) continue;
    const what = fn.endsWith('.SendMail') ? 'dials with no timeout and sets no deadline (it takes no context)' : 'dials with no timeout, and nothing here sets a deadline on the connection';
    out.push({ line: lineOf(call), detail: `\`${callLabel(call)}\` ${what}: a mail server that accepts the connection and stalls blocks this goroutine forever.` });
  }
  return out;
}

/** Java: a JavaMail session or `JavaMailSenderImpl` built in code without `mail.smtp.timeout` / `connectiontimeout` (JavaMail's default is infinite). */
function javaMatches(ctx: RuleContext): RuleMatch[] {
  if (/mail\.smtps?\.(connection)?timeout/.test(ctx.source) || !/JavaMailSenderImpl|Session\.get(Default)?Instance/.test(ctx.source)) return [];
  if (!/mail\.smtps?\.host|setHost\(/.test(ctx.source)) return [];
  const out: RuleMatch[] = [];
  const rule = {
    any: [
      { kind: 'object_creation_expression', has: { field: 'type', regex: '^JavaMailSenderImpl$' } },
      { kind: 'method_invocation', all: [{ has: { field: 'object', regex: '^Session$' } }, { has: { field: 'name', regex: '^get(Default)?Instance$' } }] },
    ],
  };
  for (const n of ctx.root.root().findAll({ rule })) {
    const label = n.kind() === 'object_creation_expression' ? 'new JavaMailSenderImpl()' : callLabel(n);
    out.push({ line: lineOf(n), detail: `\`${label}\` is configured without \`mail.smtp.connectiontimeout\` / \`mail.smtp.timeout\`: JavaMail waits forever by default, so a stalled mail server blocks the sending thread.` });
  }
  return out;
}

/** SMTP connections with no timeout (Python, Go, Java; nodemailer in Node has default timeouts), titled as such. */
export function smtpTimeoutMatches(ctx: RuleContext): RuleMatch[] {
  const matches = ctx.language === 'python' ? pythonMatches(ctx) : ctx.language === 'go' ? goMatches(ctx) : ctx.language === 'java' ? javaMatches(ctx) : [];
  return matches.map((m) => ({ ...m, title: 'SMTP connection without a timeout', confidence: 0.8 }));
}
