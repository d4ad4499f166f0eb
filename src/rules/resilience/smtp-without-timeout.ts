import type { SgNode } from '@ast-grep/napi';
import { callLabel } from '../ast/external-call.js';
import { importedNames, qualifyPython } from '../ast/import-bindings.js';
import { fieldOf, lineOf } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';

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
  const named = args?.children().filter((c) => c.isNamed()) ?? [];
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

/** An SMTP connection with no timeout: `smtplib.SMTP(host)`, Go `smtp.SendMail`, a JavaMail session without timeout properties. */
export const smtpWithoutTimeout: Rule = {
  id: 'smtp-without-timeout',
  category: 'resilience',
  severity: 'medium',
  languages: ['python', 'go', 'java'],
  title: 'SMTP connection without a timeout',
  why:
    'Mail servers do stall: greylisting, a full queue, a half-open connection. An SMTP client with no timeout then waits forever, holding the worker, thread or goroutine (and often a request or a queue slot) that sent the mail, until the process is restarted.',
  fix:
    'Bound the connection: `smtplib.SMTP(host, port, timeout=10)`; in Go dial with `net.Dialer{Timeout: 10 * time.Second}`, set `conn.SetDeadline`, and use `smtp.NewClient(conn, host)` (or a mail library with a timeout option); in Java set `mail.smtp.connectiontimeout`, `mail.smtp.timeout` and `mail.smtp.writetimeout` (`spring.mail.properties.mail.smtp.*`).',
  exemptions:
    'Silent when a timeout is passed (Python `timeout=` or a fourth positional argument, `**options`), when `socket.setdefaulttimeout` is set, for Go `smtp.Dial` in a file that sets deadlines or dials itself, for Java files that set `mail.smtp.timeout`/`connectiontimeout`, and for Node (nodemailer has default timeouts).',
  // Estimate: no firing on the real-world corpus (0 judged).
  confidence: 0.8,
  check(ctx: RuleContext): RuleMatch[] {
    if (ctx.language === 'python') return pythonMatches(ctx);
    if (ctx.language === 'go') return goMatches(ctx);
    return javaMatches(ctx);
  },
};
