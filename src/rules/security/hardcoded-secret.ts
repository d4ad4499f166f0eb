import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { isTsLike } from '../ast/function-scope.js';
import { importStatements } from '../ast/import-bindings.js';
import { inChange, isSingleLine, lineOf } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { assignedName, type AssignedName } from './assigned-name.js';
import { isSecretName, splitWords, toEnvName } from './secret-names.js';
import { findSecretShape, hasSequentialRun, maskSecret, pemPrivateKeyIn } from './secret-shapes.js';
import { COMMENT_KINDS, findKinds, STRING_KINDS, stringValue } from './syntax.js';

/** Paths of tests, fixtures and examples: a generic `password = "…"` there is test data, not a leak. */
const TEST_PATH = /(^|\/)(tests?|__tests__|__mocks__|spec|specs|fixtures?|examples?|samples?|mocks?|testdata)\/|\.(test|spec)\.[cm]?[jt]sx?$|_test\.(go|py)$|(^|\/)test_[^/]*\.py$|Tests?\.java$/;

/** Values that are obviously not a real credential: placeholders, templates, env var names, URLs, file paths. */
const NOT_A_SECRET_VALUE = [
  /x{3,}|\*{3,}|change_?me|placeholder|your[-_ ]|example|sample|dummy|fake|redacted|todo|<|>|\$\{|\{\{|%\(|%s|\{\}/i,
  /^[A-Z][A-Z0-9_]*$/, // an env var name: `API_KEY = "STRIPE_API_KEY"`
  /:\/\//, // a URL (a token endpoint, a vault address)
  /^[.~]?\/|\.(pem|key|json|crt|p12|pfx|txt|ya?ml|env)$/i, // a path to the secret, not the secret
  /\s/, // prose: error messages, log lines, labels
  /\\[wdsbWDSB]|\[\^|\(\?[:=!<]|\[[^\]]*\w-\w[^\]]*\]|\{\d+(,\d*)?\}/, // a regular expression (a token pattern in a lexer)
  /^(pk|sk|rk)_test_|^pk_live_/, // Stripe test and publishable keys: no money moves, publishable keys are public
];

/** The checks of {@link looksLikeSecretValue} that do not depend on the name. */
function couldBeSecretValue(value: string): boolean {
  if (value.length < 8 || value.length > 500) return false;
  if (NOT_A_SECRET_VALUE.some((re) => re.test(value))) return false;
  // `api-key-header` or `x_api_key` are names, not keys: a credential has a digit or a symbol.
  if (!/[A-Za-z]/.test(value) || !(/\d/.test(value) || /[^A-Za-z0-9\-_.]/.test(value))) return false;
  return new Set(value).size >= 5 && !hasSequentialRun(value);
}

/** True when a literal assigned to a credential-named variable looks like a real credential. */
function looksLikeSecretValue(value: string, name: string): boolean {
  if (!couldBeSecretValue(value)) return false;
  // Dev defaults that repeat the name (`password = "password123"`, `secret = "my-secret-1"`).
  const flat = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  return !splitWords(name).some((w) => w.length >= 4 && flat.includes(w) && flat.length <= w.length + 6);
}

/** A documented vendor key format is near-certain; a random-looking literal under a credential name may still be a dev default (estimates: no corpus firings). */
const VENDOR_SHAPE_CONFIDENCE = 0.95;
const GENERIC_CONFIDENCE = 0.75;

/** An `Authorization` header value with its credential. */
const AUTH_VALUE = /^(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{16,})$/;

/** `A`/`An` before a label: "an AWS access key ID", "a Stripe live secret key". */
const article = (label: string, capital = false): string => (/^[AEIOU]/i.test(label) ? (capital ? 'An' : 'an') : capital ? 'A' : 'a');

/** The env lookup that replaces a literal in `language`, or null when it cannot be written in place. */
function envLookup(language: RuleLanguage, envName: string, ctx: RuleContext, target: AssignedName): string | null {
  if (!target.simple) return null;
  // TypeScript: `process.env.X` is `string | undefined`, so the swap would break strict type checks downstream.
  if (isTsLike(language)) return language === 'javascript' ? `process.env.${envName}` : null;
  const imports = (): string[] => importStatements(ctx.root, language).map((s) => s.module);
  if (language === 'python') return imports().includes('os') ? `os.environ["${envName}"]` : null;
  if (language === 'go') return !target.constant && imports().includes('os') ? `os.Getenv("${envName}")` : null;
  return `System.getenv("${envName}")`;
}

/** The replacement line with the literal swapped for an env lookup, when the literal sits on one line. */
function suggestionFor(lit: SgNode, ctx: RuleContext, replacement: string | null): string | undefined {
  if (!replacement || !isSingleLine(lit)) return undefined;
  const line = ctx.lines[lineOf(lit) - 1];
  if (line === undefined) return undefined;
  const text = lit.text();
  const at = line.indexOf(text, lit.range().start.column);
  const start = at >= 0 ? at : line.indexOf(text);
  if (start < 0 || line.indexOf(text, start + 1) >= 0) return undefined;
  return line.slice(0, start) + replacement + line.slice(start + text.length);
}

function checkLiteral(lit: SgNode, ctx: RuleContext, testPath: boolean): RuleMatch | null {
  const s = stringValue(lit, ctx.language);
  if (!s) return null;
  if (s.value.length < 8) return null;
  const line = lineOf(lit);

  const pemLine = s.value.includes('-----BEGIN') ? line + Math.max(lit.text().split('\n').findIndex((l) => l.includes('-----BEGIN')), 0) : line;
  const pem = s.value.includes('-----BEGIN') ? pemPrivateKeyIn(ctx.lines.slice(pemLine - 1, pemLine + 3).join('\n')) : null;
  if (pem) {
    return {
      line: pemLine,
      title: `Hard-coded ${pem.label}`,
      detail: `A PEM-encoded ${pem.label} (\`----****\`) is embedded in this string literal: the key is now in git history.`,
    };
  }

  const hit = findSecretShape(s.value);
  // Finding the assigned name walks the tree: skip it for values no credential check below could accept.
  if (!hit && (s.interpolated || testPath || (!AUTH_VALUE.test(s.value) && !couldBeSecretValue(s.value)))) return null;
  const target = assignedName(lit, ctx.language);
  if (hit) {
    // An UPPER_SNAKE constant already names its setting; anything else gets the vendor's usual variable.
    const envName = target && /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(target.name) ? target.name : hit.shape.envName;
    const suggestion = target ? suggestionFor(lit, ctx, envLookup(ctx.language, envName, ctx, target)) : undefined;
    return {
      line,
      title: `Hard-coded ${hit.shape.label}`,
      detail: `${article(hit.shape.label, true)} ${hit.shape.label} (\`${maskSecret(hit.secret)}\`) is committed in this string literal${target ? ` assigned to \`${target.name}\`` : ''}.`,
      confidence: VENDOR_SHAPE_CONFIDENCE,
      ...(suggestion !== undefined ? { suggestion } : {}),
    };
  }

  if (s.interpolated || testPath || !target || !isSecretName(target.name)) return null;
  const isAuthHeader = splitWords(target.name).at(-1) === 'authorization';
  const credential = isAuthHeader ? AUTH_VALUE.exec(s.value)?.[1] : s.value;
  if (!credential || (!isAuthHeader && !looksLikeSecretValue(credential, target.name)) || hasSequentialRun(credential)) return null;
  const awsSecret = /^[A-Za-z0-9/+=]{40}$/.test(credential) && splitWords(target.name).includes('aws');
  const envName = awsSecret ? 'AWS_SECRET_ACCESS_KEY' : toEnvName(target.name);
  const suggestion = isAuthHeader ? undefined : suggestionFor(lit, ctx, envLookup(ctx.language, envName, ctx, target));
  return {
    line,
    title: awsSecret ? 'Hard-coded AWS secret access key' : 'Hard-coded credential',
    confidence: awsSecret ? VENDOR_SHAPE_CONFIDENCE : GENERIC_CONFIDENCE,
    detail: `\`${target.name}\` is set to a literal credential (\`${maskSecret(credential)}\`) in source.`,
    ...(suggestion !== undefined ? { suggestion } : {}),
  };
}

/**
 * `hardcoded-secret`: a credential written into source. Vendor key shapes (Stripe live, AWS, Slack, GitHub,
 * Twilio, SendGrid, Google, PEM private keys) are matched in string literals only, so prose in comments and
 * docs is not flagged; a PEM private key WITH key material is also matched in comments, because a full key
 * in a comment is as leaked as one in a string. Generic `password/secret/apiKey/token = "<literal>"`
 * assignments are matched outside test and example paths, skipping placeholders, env var names, URLs,
 * paths and empty strings. The finding shows only the first four characters of the secret.
 */
export const hardcodedSecret: Rule = {
  id: 'hardcoded-secret',
  category: 'security',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Hard-coded secret',
  why:
    'Anything committed is readable by everyone with repository access, by CI logs, forks and backups, and it stays in git history after the line is deleted; a leaked live key lets an attacker charge cards, read customer data or pivot into the cloud account, and rotating it later means an incident.',
  fix:
    'Rotate the credential now (it is already in history), then read it at run time from the environment or a secret manager — `process.env.STRIPE_SECRET_KEY`, `os.environ["STRIPE_SECRET_KEY"]`, `os.Getenv("STRIPE_SECRET_KEY")`, `System.getenv("STRIPE_SECRET_KEY")` or Spring `@Value("${stripe.secret-key}")` — and fail fast at startup when it is missing.',
  exemptions:
    'Silent in tests, fixtures, examples and mocks (generic credentials only: a live vendor key or a private key is reported anywhere); for placeholders (`changeme`, `your-key`, `xxxx`, `<…>`, `${…}`), env var names, URLs, file paths, prose and regular expressions; for env lookups with defaults and empty strings; for Stripe test and publishable keys; for documented example keys (`AKIA…EXAMPLE`) and typed sequences (`123456`, `abcdef`); for values that repeat their own name (`password = "password1"`); and for literals passed to verbs (`verifyToken("…")`, `hashPassword("…")`).',
  confidence: 0.85, // estimate: no firing on the real-world corpus (657 commits); vendor shapes are near-certain, generic credential names less so
  check(ctx) {
    const root = ctx.root.root();
    const testPath = TEST_PATH.test(ctx.path);
    const matches: RuleMatch[] = [];
    const seenLines = new Set<number>();
    for (const lit of findKinds(root, STRING_KINDS[ctx.language], ctx.language)) {
      // Nested literals (a template inside a template) are checked on their own node. A match is a line of
      // the literal (skipping one frees its line in `seenLines` only for matches on unchanged lines).
      if (!inChange(ctx, lit)) continue;
      const m = checkLiteral(lit, ctx, testPath);
      if (m && !seenLines.has(m.line)) {
        seenLines.add(m.line);
        matches.push(m);
      }
    }
    // A comment holding a PEM block means the source holds one: most files have none.
    const comments = ctx.source.includes('-----BEGIN') ? findKinds(root, COMMENT_KINDS[ctx.language], ctx.language) : [];
    for (const comment of comments) {
      if (!inChange(ctx, comment) || !comment.text().includes('-----BEGIN')) continue;
      const offset = comment.text().split('\n').findIndex((l) => l.includes('-----BEGIN'));
      const line = lineOf(comment) + Math.max(offset, 0);
      const pem = pemPrivateKeyIn(ctx.lines.slice(line - 1, line + 3).join('\n'));
      if (pem && !seenLines.has(line)) {
        seenLines.add(line);
        matches.push({ line, title: `Hard-coded ${pem.label}`, detail: `A PEM-encoded ${pem.label} (\`----****\`) is pasted into this comment: commenting it out does not take it out of the repository.` });
      }
    }
    return matches.sort((a, b) => a.line - b.line);
  },
};
