import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, calleeOf, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, functionInChange, isTsLike } from '../ast/function-scope.js';
import { importStatements } from '../ast/import-bindings.js';
import { fieldOf, inChange, isSingleLine, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { isComparedValue, isSignatureOperand } from './signature-operands.js';
import { CREDENTIAL_HINT, isSecretName, splitWords } from './secret-names.js';
import { secretReferences } from './secret-references.js';
import { argumentsOf, assignmentsTo, isLiteral, lastName, unwrap } from './syntax.js';

/** One comparison of a signature: the node, its two sides, and whether it tests inequality. */
export interface SignatureComparison {
  node: SgNode;
  left: SgNode;
  right: SgNode;
  negated: boolean;
  /** How it compares, for the finding: `===`, `.equals()`, `bytes.Equal`. */
  how: string;
}

const EQUALITY = /^(==|===|!=|!==)$/;

/** Which pairs of operands a comparison search is after. */
type OperandTest = (left: SgNode, right: SgNode, language: RuleLanguage) => boolean;

const isSignaturePair: OperandTest = (left, right, language) =>
  (isSignatureOperand(left, language) && isComparedValue(right, language)) || (isSignatureOperand(right, language) && isComparedValue(left, language));

function pair(node: SgNode, left: SgNode | null | undefined, right: SgNode | null | undefined, negated: boolean, how: string, language: RuleLanguage, test: OperandTest): SignatureComparison | null {
  if (!left || !right) return null;
  // `self.signature == other.signature` is value equality of two objects, not a check of a received signature.
  const l = lastName(left, language);
  if (l && l === lastName(right, language)) return null;
  return test(left, right, language) ? { node, left, right, negated, how } : null;
}

/**
 * Comparisons of a signature or HMAC with a non-constant-time operation, under `scope`: `==`/`===`/`!=`
 * (JS, Python, Go, Java), `a.equals(b)` (Buffer, Java String), `bytes.Equal` (Go), `Arrays.equals` /
 * `Objects.equals` (Java). `test` picks the operand pairs (signatures by default).
 */
export function signatureComparisons(scope: SgNode, language: RuleLanguage, test: OperandTest = isSignaturePair): SignatureComparison[] {
  const out: SignatureComparison[] = [];
  const binaryKind = language === 'python' ? 'comparison_operator' : 'binary_expression';
  // Native prefilters: only equality tests and calls naming an equality method come back to JS; the exact tests below decide.
  const binaryRule = language === 'python' ? { kind: binaryKind, regex: '==|!=' } : { kind: binaryKind, has: { field: 'operator', regex: '^(==|===|!=|!==)$' } };
  for (const b of scope.findAll({ rule: binaryRule })) {
    if (language === 'python') {
      const operands = b.namedChildren();
      const ops = b.children().filter((c) => !c.isNamed()).map((c) => c.text());
      if (operands.length !== 2 || ops.length !== 1 || !/^(==|!=)$/.test(ops[0] ?? '')) continue;
      const c = pair(b, operands[0], operands[1], ops[0] === '!=', `\`${ops[0]}\``, language, test);
      if (c) out.push(c);
      continue;
    }
    const op = fieldOf(b, 'operator')?.text() ?? '';
    if (!EQUALITY.test(op)) continue;
    const c = pair(b, fieldOf(b, 'left'), fieldOf(b, 'right'), op.startsWith('!'), `\`${op}\``, language, test);
    if (c) out.push(c);
  }
  for (const call of scope.findAll({ rule: { kind: CALL_KIND[language], regex: 'equals|Equal' } })) {
    const segs = calleeSegments(call, language);
    const method = segs[segs.length - 1] ?? '';
    const args = argumentsOf(call);
    const parent = call.parent();
    const negated = !!parent && (kindOf(parent) === 'unary_expression' || kindOf(parent) === 'not_operator');
    const target = negated && parent ? parent : call;
    if (/^(equals|equalsIgnoreCase|contentEquals)$/.test(method) && args.length === 1 && (isTsLike(language) || language === 'java')) {
      const callee = calleeOf(call, language);
      const receiver = fieldOf(callee, 'object');
      const c = pair(target, receiver, args[0], negated, `\`.${method}()\``, language, test);
      if (c && !(segs.length === 2 && /^(Arrays|Objects|MessageDigest)$/.test(segs[0] ?? ''))) out.push(c);
    }
    const helper = segs.join('.');
    if (/^(bytes\.Equal|strings\.EqualFold|reflect\.DeepEqual|Arrays\.equals|Objects\.equals)$/.test(helper) && args.length === 2) {
      const c = pair(target, args[0], args[1], negated, `\`${helper}\``, language, test);
      if (c) out.push(c);
    }
  }
  return out.sort((a, b) => a.node.range().start.index - b.node.range().start.index);
}

const CONSTANT_TIME: Record<'js' | 'python' | 'go' | 'java', string> = {
  js: '`crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b))` after checking the lengths match',
  python: '`hmac.compare_digest(a, b)`',
  go: '`hmac.Equal(a, b)` (or `subtle.ConstantTimeCompare`)',
  java: '`MessageDigest.isEqual(a.getBytes(UTF_8), b.getBytes(UTF_8))`',
};

/** A one-line rewrite with the constant-time helper, where the import it needs is already there. */
function suggestionFor(c: SignatureComparison, ctx: RuleContext): string | undefined {
  if (!isSingleLine(c.node)) return undefined;
  const modules = importStatements(ctx.root, ctx.language).map((s) => s.module);
  let replacement: string;
  if (ctx.language === 'python' && modules.includes('hmac')) {
    replacement = `${c.negated ? 'not ' : ''}hmac.compare_digest(${c.left.text()}, ${c.right.text()})`;
  } else if (ctx.language === 'go' && modules.includes('crypto/hmac')) {
    const bytes = (n: SgNode): string => (c.how === '`bytes.Equal`' ? n.text() : `[]byte(${n.text()})`);
    replacement = `${c.negated ? '!' : ''}hmac.Equal(${bytes(c.left)}, ${bytes(c.right)})`;
  } else return undefined;
  const line = ctx.lines[lineOf(c.node) - 1];
  const text = c.node.text();
  if (line === undefined || line.indexOf(text) < 0 || line.indexOf(text) !== line.lastIndexOf(text)) return undefined;
  return line.replace(text, () => replacement);
}

/** Words that make a secret comparison something else: a password confirmation or a rotation check. */
const NOT_AN_AUTH_COMPARE = /^(confirm|confirmation|repeat|repeated|new|old|previous|current|cached|stored|last)$/;

/**
 * True when `node` holds a shared secret such as an API key or bearer token: named so (`token`,
 * `service_key`, `apiKey`), or a local read from configuration or the environment under such a name
 * (`key = current_app.config.get('SERVICE_API_KEY')`). Passwords are left out (their comparisons are
 * usually confirmations, and a stored password is compared as a hash).
 */
function isSharedSecret(node: SgNode, language: RuleLanguage): boolean {
  const n = unwrap(node);
  if (isLiteral(n, language)) return false;
  const name = lastName(n, language) ?? '';
  const words = splitWords(name);
  if (words.some((w) => NOT_AN_AUTH_COMPARE.test(w) || /^pass(word|wd|phrase)?$/.test(w))) return false;
  if (isSecretName(name)) return true;
  // A read of a secret-named header, setting or env var: `r.Header.Get("X-Api-Key")`, `os.Getenv("API_KEY")`.
  if (kindOf(n) === CALL_KIND[language]) return secretReferences(n, language).length > 0;
  if (kindOf(n) !== 'identifier') return false;
  const fn = enclosingFunction(n, language);
  return !!fn && assignmentsTo(n.text(), fn, language, n.range().start.line).some((a) => secretReferences(a.value, language).length > 0 && !isLiteral(a.value, language));
}

const isSecretPair: OperandTest = (left, right, language) => isSharedSecret(left, language) && isSharedSecret(right, language);

/** Functions that authenticate: where comparing a presented key or token with the expected one is an access decision. */
const AUTH_FUNCTION = /auth|verify|valid|check|permission|guard|login|credential|token|api_?key|require|protect|middleware|before_request|dispatch/i;

/** Source that computes HMACs or digests, or handles webhooks. */
const SIGNATURE_CONTEXT = /hmac|Mac\.getInstance|webhook|signing.?secret|(stripe|hub|slack|twilio|shopify|svix|paddle)-signature|MessageDigest|DigestUtils|createHash|hashlib|crypto\/(sha|md5)|\b(md5|sha1|sha256)\b/i;

/** A presented token compared with an expected key is a weaker signal than an HMAC compare: the names alone say it. Estimate. */
const SECRET_COMPARE_CONFIDENCE = 0.75;

/** Branches that refuse access: `401`, `403`, `Unauthorized`, `Forbidden`, `abort`, `PermissionDenied`. */
const REFUSAL = /\b40[13]\b|unauthori[sz]ed|forbidden|permission|denied|abort\(/i;

/** True when a comparison decides access: it sits in an authenticating function, or the branch it guards refuses the request. */
function isAccessDecision(node: SgNode, language: RuleLanguage): boolean {
  if (AUTH_FUNCTION.test(functionName(node, language))) return true;
  const branch = node.ancestors().find((a) => kindOf(a) === 'if_statement');
  return !!branch && REFUSAL.test(branch.text());
}

/** The name of the function around `node` (empty at file level). */
function functionName(node: SgNode, language: RuleLanguage): string {
  const fn = enclosingFunction(node, language);
  return fn ? (fieldOf(fn, 'name')?.text() ?? fieldOf(fn.parent() ?? fn, 'name')?.text() ?? '') : '';
}

const family = (language: RuleLanguage): 'js' | 'python' | 'go' | 'java' =>
  isTsLike(language) ? 'js' : language === 'python' ? 'python' : language === 'go' ? 'go' : 'java';

/**
 * `signature-compare-not-constant-time`: a webhook signature or HMAC (or a presented API key or token and
 * the expected one, in an authenticating function) compared with `==`, `===`, `.equals`,
 * `bytes.Equal` or `Arrays.equals`, which return at the first differing byte. Comparisons with
 * `null`/`undefined`/literals (presence checks) and of lengths are not reported.
 */
export const signatureCompareNotConstantTime: Rule = {
  id: 'signature-compare-not-constant-time',
  category: 'security',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Signature compared in non-constant time',
  why:
    'An ordinary comparison stops at the first differing byte, so response timing tells an attacker how many leading bytes of a forged signature are right; given enough requests they can forge a valid signature and post fake payment or repository events to the webhook.',
  fix:
    'Compare signatures with a constant-time function: `crypto.timingSafeEqual` (Node, equal-length Buffers), `hmac.compare_digest` (Python), `hmac.Equal` (Go), `MessageDigest.isEqual` (Java) — or let the provider SDK verify (`stripe.webhooks.constructEvent`, `@octokit/webhooks` `verify`).',
  exemptions:
    'Signatures: silent outside files that compute HMACs or digests or handle webhooks. API keys and tokens: reported only when both sides are credentials (a presented token and a configured key, read by name from a header, setting or env var) in an authenticating function or a branch that refuses access; never for passwords (confirmations, hashes) or new/old/cached values. Always silent for presence checks (`sig == null`, `!sig`), length checks and comparisons with literals; for equality of two objects\' same-named fields (`a.signature === b.signature`); for names where `sign` is not a signature (`currencySign`); and for constant-time helpers (`timingSafeEqual`, `compare_digest`, `hmac.Equal`, `MessageDigest.isEqual`).',
  confidence: 0.85, // estimate: 1 TP of 1 firing on the real-world corpus (< 5 firings)
  check(ctx) {
    const matches: RuleMatch[] = [];
    // `sig == actual` means something else in a file about `inspect.signature` or AST node kinds: only code
    // that computes HMACs or handles webhooks compares signatures in the sense this rule is about.
    const signatureContext = SIGNATURE_CONTEXT.test(ctx.source);
    // Both sides of a secret comparison are credentials by name: a file that names none has no such comparison.
    // A comparison is reported on its own line, inside the function around its left operand: the operands of
    // comparisons in functions the change did not touch are not judged, nor the comparisons it did not touch.
    const pruned = (test: OperandTest): OperandTest => (l, r, language) => functionInChange(ctx, l, language) && test(l, r, language);
    const secretCompares = CREDENTIAL_HINT.test(ctx.source)
      ? signatureComparisons(ctx.root.root(), ctx.language, pruned(isSecretPair)).filter((c) => inChange(ctx, c.node) && isAccessDecision(c.node, ctx.language))
      : [];
    for (const c of secretCompares) {
      matches.push({
        line: lineOf(c.node),
        title: 'Secret compared in non-constant time',
        detail: `\`${quote(c.node.text(), 60)}\` compares a presented key or token with the expected one using ${c.how}, which leaks timing. Use ${CONSTANT_TIME[family(ctx.language)]}.`,
        confidence: SECRET_COMPARE_CONFIDENCE,
      });
    }
    const seen = new Set(matches.map((m) => m.line));
    for (const c of signatureContext ? signatureComparisons(ctx.root.root(), ctx.language, pruned(isSignaturePair)).filter((x) => inChange(ctx, x.node) && !seen.has(lineOf(x.node))) : []) {
      const suggestion = suggestionFor(c, ctx);
      matches.push({
        line: lineOf(c.node),
        detail: `\`${quote(c.node.text(), 60)}\` compares a signature with ${c.how}, which leaks timing. Use ${CONSTANT_TIME[family(ctx.language)]}.`,
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
    }
    return matches.sort((a, b) => a.line - b.line);
  },
};
