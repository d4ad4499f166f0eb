import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, callLabel } from '../ast/external-call.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleMatch } from '../types.js';
import { isLoggingCall, loggedArguments } from './logging-calls.js';
import { isOperatorToolPath } from './operator-tools.js';
import { carriedSecrets } from './secret-carriers.js';
import { CREDENTIAL_HINT, isSecretName } from './secret-names.js';
import { namesNothingElse, secretReferences } from './secret-references.js';
import { stringValue } from './syntax.js';

/** Go key/value logging (`slog.Info("msg", "token", tok)`, zap `Infow`): a credential-named key followed by its value. */
function keyValueSecrets(args: SgNode[], language: RuleLanguage): SgNode[] {
  if (language !== 'go') return [];
  const out: SgNode[] = [];
  args.forEach((a, i) => {
    const key = stringValue(a, language);
    const value = args[i + 1];
    if (key && !key.interpolated && isSecretName(key.value) && value && namesNothingElse(value, language)) out.push(value);
  });
  return out;
}

/** Conditions that say the value was rejected: `if not self.token:`, `if (!apiKey)`, `if token == ""`, `if key is None`. */
const REJECTED = /^\(?\s*(not\s|!)|\bis\s+None\b|[!=]==?\s*(''|""|nil|null|None)\s*\)?$|\blen\([^)]*\)\s*==\s*0/;

/**
 * True when the log call sits in a branch taken because a value was rejected as invalid (apprise's
 * `msg = 'An invalid API Key ({}) was specified.'.format(apikey)`): the message carries the malformed input
 * back to whoever configured it, which is a validation message, not a leak of a working credential.
 */
function inRejectionBranch(call: SgNode): boolean {
  const branch = call.ancestors().find((a) => kindOf(a) === 'if_statement');
  const condition = branch ? fieldOf(branch, 'condition') : null;
  return !!condition && REJECTED.test(condition.text().trim());
}

/**
 * `secret-in-log`: a credential passed to a logger or print call. A value counts as a credential by its
 * name (`token`, `apiKey`, `password`, `authorization`, `clientSecret`, `privateKey`…, judged on the last
 * word so `tokenCount` and `passwordResetUrl` do not count), by the header or env var it was read from
 * (`req.get('Authorization')`, `os.Getenv("API_KEY")`), or because it is a whole request header map.
 * Masked, hashed, measured or tested values (`mask(token)`, `token.slice(-4)`, `len(token)`, `!!token`)
 * are not reported.
 */
export const secretInLog: Rule = {
  id: 'secret-in-log',
  category: 'security',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Secret written to logs',
  why:
    'Log lines are shipped to aggregators and third-party vendors, kept for months and readable by far more people than the secret store; a token or password in a log is a leaked credential that anyone with log access can replay, and PCI DSS and SOC 2 treat it as an incident.',
  fix:
    'Log something that identifies the credential without revealing it (the user or key id, or the last four characters), and set up redaction for structured fields and header maps: pino `redact: [\'req.headers.authorization\']`, a `logging.Filter` or structlog processor, a zap/slog `ReplaceAttr` hook, a Logback masking pattern.',
  exemptions:
    'Silent for values that only describe a secret (`token.length`, `len(token)`, `!!token`, `token != null`, `mask(token)`, `token.slice(-4)`, `tokenCount`, `passwordResetUrl`, `{ token: token.id }`); for pagination, CSRF and device tokens; in command-line tools, scripts and migrations (output goes to the operator who ran them); for a logged variable whose secret-bearing value was overwritten before the log line; and for messages logged because a credential was rejected as invalid (`if not self.token: logger.warning(…)`).',
  confidence: 0.9, // measured: 9 TP, 1 DEBATABLE of 10 firings on the real-world corpus (all through a carrying dict or URL)
  check(ctx) {
    const matches: RuleMatch[] = [];
    if (isOperatorToolPath(ctx.path) || !CREDENTIAL_HINT.test(ctx.source)) return matches;
    for (const call of ctx.root.root().findAll({ rule: { kind: CALL_KIND[ctx.language] } })) {
      // Every match is a node inside the call's arguments (a reference or a carrying variable).
      if (!inChange(ctx, call) || !isLoggingCall(call, ctx.language)) continue;
      const args = loggedArguments(call, ctx.language);
      const refs = [...args.flatMap((a) => secretReferences(a, ctx.language)), ...keyValueSecrets(args, ctx.language)];
      const first = refs[0];
      if (first) {
        const named = [...new Set(refs.map((r) => `\`${quote(r.text(), 50)}\``))].slice(0, 3).join(', ');
        matches.push({ line: lineOf(first), detail: `\`${callLabel(call, ctx.language)}\` writes ${named} to the log in clear text.` });
        continue;
      }
      const carried = inRejectionBranch(call) ? undefined : args.flatMap((a) => carriedSecrets(a, ctx.language))[0];
      if (!carried) continue;
      matches.push({
        line: lineOf(carried.carrier),
        detail: `\`${callLabel(call, ctx.language)}\` writes \`${carried.carrier.text()}\`, which holds \`${quote(carried.secret.text(), 50)}\` (line ${lineOf(carried.secret)}), to the log in clear text.`,
      });
    }
    return matches.sort((a, b) => a.line - b.line);
  },
};
