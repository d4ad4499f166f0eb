import type { RuleLanguage } from '../diff/types.js';
import { fingerprint } from '../review/fingerprint.js';
import type { Finding } from '../review/finding.js';
import { integrationPointsOf } from '../integration/extract-points.js';
import type { IntegrationPoint } from '../integration/types.js';
import type { Layer } from '../integration/layers.js';
import { withFileMemo } from './ast/file-memo.js';
import { httpCallWithoutTimeout } from './resilience/http-call-without-timeout.js';
import { normalizedCode, scopeFinder, type MatchSignature } from './match-signature.js';
import { parseSource } from './parse-source.js';
import type { Rule, RuleContext, RuleMatch } from './types.js';

export interface RunRulesInput {
  path: string;
  language: RuleLanguage;
  /** Head version of the file. */
  source: string;
  /**
   * Lines changed by the change: a match is reported only if it touches one. For a head version, the lines
   * added; for a base version (differential analysis), the lines deleted.
   */
  changedLines: ReadonlySet<number>;
  /**
   * Base version only: lines after which the change inserted lines. A match whose lines enclose such a point
   * (from its first line to the line before its last) was changed too, though none of its lines was deleted.
   */
  insertedAfter?: ReadonlySet<number>;
  /** Only these rules (by id) run on this file; default: every rule given. */
  ruleIds?: readonly string[];
  /** Also describe each finding for differential analysis (`RunRulesResult.signatures`). */
  signatures?: boolean;
  /** Also extract the file's integration points (`RunRulesResult.points`), from the same parse and memo. */
  integration?: boolean;
  /** The file's layer from the repository model (see `RuleContext.layer`); plain data, so it crosses to worker threads. */
  layer?: Layer;
}

export interface RunRulesResult {
  findings: Finding[];
  /** Rules that threw, or a file that did not parse: logged and counted, never fatal. */
  errors: string[];
  /** With `signatures`: one per finding, same order. */
  signatures?: MatchSignature[];
  /** With `integration`: the file's integration points (see `src/integration`). */
  points?: IntegrationPoint[];
}

/**
 * Runs every rule for the file's language on its head version; parses the file once, and the rules share
 * one memo of that file's answers (see `withFileMemo`), dropped when they have run.
 */
export function runRules(input: RunRulesInput, rules: readonly Rule[]): RunRulesResult {
  return withFileMemo(() => runRulesOnFile(input, rules));
}

function runRulesOnFile(input: RunRulesInput, rules: readonly Rule[]): RunRulesResult {
  const only = input.ruleIds ? new Set(input.ruleIds) : undefined;
  const applicable = rules.filter((r) => r.languages.includes(input.language) && (!only || only.has(r.id)));
  const findings: Finding[] = [];
  const errors: string[] = [];
  const signatures: MatchSignature[] | undefined = input.signatures ? [] : undefined;
  let points: IntegrationPoint[] | undefined;
  const result = (): RunRulesResult => ({ findings, errors, ...(signatures ? { signatures } : {}), ...(points ? { points } : {}) });
  const nothingToCheck = applicable.length === 0 || (input.changedLines.size === 0 && !input.insertedAfter?.size);
  if (nothingToCheck && !input.integration) return result();

  let ctx: RuleContext;
  try {
    const root = parseSource(input.language, input.source);
    ctx = { path: input.path, language: input.language, source: input.source, lines: input.source.split('\n'), root, ...(input.layer ? { layer: input.layer } : {}) };
  } catch (err) {
    errors.push(`${input.path}: could not parse as ${input.language}: ${(err as Error).message}`);
    return result();
  }

  // Rules skip candidates that cannot give a reported match (see `RuleContext.changed`). The timeout rule
  // judges the whole file when the integration points need its verdicts.
  const pruned: RuleContext = { ...ctx, changed: (start, end) => touchesChange(start, end, input.changedLines, input.insertedAfter) };
  const seen = new Set<string>();
  // The timeout rule's verdicts on the whole file (not only changed lines) feed the integration points' facts.
  let missingTimeout: Set<number> | undefined;
  let scopeAt: ((line: number) => string | undefined) | undefined;
  // With nothing to check, the file was parsed only for its integration points.
  for (const rule of nothingToCheck ? [] : applicable) {
    let matches: RuleMatch[];
    try {
      matches = rule.check(input.integration && rule.id === httpCallWithoutTimeout.id ? ctx : pruned);
    } catch (err) {
      errors.push(`${input.path}: rule ${rule.id} failed: ${(err as Error).message}`);
      continue;
    }
    if (rule.id === httpCallWithoutTimeout.id) missingTimeout = new Set(matches.map((m) => m.line));
    for (const m of matches) {
      const endLine = m.endLine && m.endLine > m.line ? m.endLine : undefined;
      if (!touchesChange(m.line, endLine ?? m.line, input.changedLines, input.insertedAfter)) continue;
      const finding = toFinding(rule, m, endLine, ctx);
      const key = `${finding.fingerprint}:${finding.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
      if (signatures) {
        scopeAt ??= scopeFinder(ctx.root, ctx.language);
        const scope = scopeAt(m.line);
        signatures.push({ ruleId: rule.id, line: m.line, ...(endLine ? { endLine } : {}), code: normalizedCode(ctx.lines, m.line, endLine), ...(scope ? { scope } : {}) });
      }
    }
  }
  if (input.integration) {
    try {
      points = integrationPointsOf(ctx, missingTimeout);
    } catch (err) {
      errors.push(`${input.path}: integration points failed: ${(err as Error).message}`);
    }
  }
  return result();
}

function touchesChange(start: number, end: number, changed: ReadonlySet<number>, insertedAfter: ReadonlySet<number> | undefined): boolean {
  for (let l = start; l <= end; l++) if (changed.has(l) || (l < end && insertedAfter?.has(l))) return true;
  return false;
}

/** The body every rule finding shares: what is wrong, why it matters, the fix. */
export function ruleFindingBody(rule: Pick<Rule, 'title' | 'why' | 'fix'>, match: Pick<RuleMatch, 'detail'>): string {
  const what = match.detail ? match.detail : rule.title.endsWith('.') ? rule.title : `${rule.title}.`;
  return `${what}\n\n**Why it matters:** ${rule.why}\n\n**Fix:** ${rule.fix}`;
}

/** A rule match's confidence when neither the rule nor the match sets one. */
export const DEFAULT_RULE_CONFIDENCE = 0.8;

const clamp01 = (n: number): number => Math.min(1, Math.max(0, n));

function toFinding(rule: Rule, m: RuleMatch, endLine: number | undefined, ctx: RuleContext): Finding {
  const code = ctx.lines.slice(m.line - 1, endLine ?? m.line);
  return {
    path: ctx.path,
    line: m.line,
    ...(endLine ? { endLine } : {}),
    side: 'RIGHT',
    category: rule.category,
    severity: m.severity ?? rule.severity,
    title: m.title ?? rule.title,
    body: ruleFindingBody(rule, m),
    ...(m.suggestion !== undefined ? { suggestion: m.suggestion } : {}),
    source: 'rule',
    ruleId: rule.id,
    fingerprint: fingerprint({ ruleId: rule.id, category: rule.category, path: ctx.path, code }),
    confidence: clamp01(m.confidence ?? rule.confidence ?? DEFAULT_RULE_CONFIDENCE),
    ...(rule.defaultMode === 'summary'
      ? { demotion: { reason: 'low-confidence' as const, why: `\`${rule.id}\` is summary-only by default: its measured precision on real code is under 60 %.` } }
      : {}),
  };
}
