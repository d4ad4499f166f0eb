import type { RuleLanguage } from '../diff/types.js';
import { fingerprint } from '../review/fingerprint.js';
import type { Finding } from '../review/finding.js';
import { parseSource } from './parse-source.js';
import type { Rule, RuleContext, RuleMatch } from './types.js';

export interface RunRulesInput {
  path: string;
  language: RuleLanguage;
  /** Head version of the file. */
  source: string;
  /** New-side lines added by the change: a match is reported only if it touches one. */
  changedLines: ReadonlySet<number>;
}

export interface RunRulesResult {
  findings: Finding[];
  /** Rules that threw, or a file that did not parse: logged and counted, never fatal. */
  errors: string[];
}

/** Runs every rule for the file's language on its head version; parses the file once. */
export function runRules(input: RunRulesInput, rules: readonly Rule[]): RunRulesResult {
  const applicable = rules.filter((r) => r.languages.includes(input.language));
  const findings: Finding[] = [];
  const errors: string[] = [];
  if (applicable.length === 0 || input.changedLines.size === 0) return { findings, errors };

  let ctx: RuleContext;
  try {
    const root = parseSource(input.language, input.source);
    ctx = { path: input.path, language: input.language, source: input.source, lines: input.source.split('\n'), root };
  } catch (err) {
    errors.push(`${input.path}: could not parse as ${input.language}: ${(err as Error).message}`);
    return { findings, errors };
  }

  const seen = new Set<string>();
  for (const rule of applicable) {
    let matches: RuleMatch[];
    try {
      matches = rule.check(ctx);
    } catch (err) {
      errors.push(`${input.path}: rule ${rule.id} failed: ${(err as Error).message}`);
      continue;
    }
    for (const m of matches) {
      const endLine = m.endLine && m.endLine > m.line ? m.endLine : undefined;
      if (!touchesChange(m.line, endLine ?? m.line, input.changedLines)) continue;
      const finding = toFinding(rule, m, endLine, ctx);
      const key = `${finding.fingerprint}:${finding.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
    }
  }
  return { findings, errors };
}

function touchesChange(start: number, end: number, changed: ReadonlySet<number>): boolean {
  for (let l = start; l <= end; l++) if (changed.has(l)) return true;
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
