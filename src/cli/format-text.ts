import { CATEGORIES, SEVERITIES, type Finding } from '../review/finding.js';
import type { ReviewResult, SummaryFinding } from '../review/ports.js';
import { sortFindings, summarizeResult } from './summarize-result.js';
import { integrationMapText } from '../integration/render-map.js';

const PLACEMENT: Record<SummaryFinding['reason'], string> = {
  'not-in-diff': 'summary only: not on a changed line',
  'over-cap': 'summary only: over the inline cap',
  'rejected-by-github': 'summary only: rejected by GitHub',
  'learned-summary-only': 'summary only: its rule was dismissed often in this repository',
};

/**
 * The review for a terminal: findings grouped by file (severity, line, category, title, then the
 * short what/why/fix), the skipped files with their reasons, notes, and a one-line summary.
 * Pure and deterministic: no colours, no timestamps.
 */
export function formatText(result: ReviewResult): string {
  const out: string[] = [];
  const placement = new Map<Finding, string>();
  for (const s of result.summaryOnly) placement.set(s.finding, PLACEMENT[s.reason]);
  const findings = sortFindings([...result.inline, ...result.summaryOnly.map((s) => s.finding)]);

  const byPath = new Map<string, Finding[]>();
  for (const f of findings) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
  const order = [...new Set([...result.files.map((f) => f.path), ...byPath.keys()])];

  if (result.assessment) out.push(result.assessment.trim(), '');
  for (const path of order) {
    const list = byPath.get(path);
    if (!list) continue;
    out.push(path);
    for (const f of list) {
      const where = f.endLine && f.endLine > f.line ? `L${f.line}-${f.endLine}` : `L${f.line}`;
      const tag = placement.get(f);
      out.push(`  ${where.padEnd(9)} ${f.severity.padEnd(6)} ${f.category.padEnd(14)} ${f.title}${tag ? `  [${tag}]` : ''}`);
      const parts = splitBody(f.body);
      const indent = ' '.repeat(12);
      if (parts.what && parts.what !== f.title) out.push(`${indent}${firstSentence(parts.what)}`);
      if (parts.why) out.push(`${indent}why: ${firstSentence(parts.why)}`);
      if (parts.fix) out.push(`${indent}fix: ${firstSentence(parts.fix)}`);
    }
    out.push('');
  }
  if (findings.length === 0) out.push('No findings.', '');

  if (result.integrationMap) out.push(...integrationMapText(result.integrationMap), '');

  const demoted = result.demoted ?? [];
  if (demoted.length > 0) {
    out.push(`Not posted inline (${demoted.length}: lower confidence, already in the base, or rejected by the agent):`);
    for (const s of demoted) out.push(`  ${s.finding.path}:${s.finding.line}  ${s.finding.ruleId ?? s.finding.source}  ${s.reason}: ${s.why}`);
    out.push('');
  }

  const suppressed = result.suppressed ?? [];
  if (suppressed.length > 0) {
    out.push(`Suppressed in code (${suppressed.length}: arch-review-ignore comments):`);
    for (const s of suppressed) out.push(`  ${s.finding.path}:${s.finding.line}  ${s.finding.ruleId ?? `${s.finding.source}/${s.finding.category}`}  line ${s.by.line}: ${s.by.reason ?? '(no reason given)'}`);
    out.push('');
  }

  const skipped = result.files.filter((f) => !f.selected);
  if (skipped.length > 0) {
    out.push(`Skipped files (${skipped.length}):`);
    const width = Math.min(60, Math.max(...skipped.map((f) => f.path.length)));
    for (const f of skipped) out.push(`  ${f.path.padEnd(width)}  ${f.reason}`);
    out.push('');
  }
  if (result.questions.length > 0) {
    out.push('Questions for the author:');
    for (const q of result.questions) out.push(`  - ${q}`);
    out.push('');
  }
  if (result.notes.length > 0) {
    out.push('Notes:');
    for (const n of result.notes) out.push(`  - ${n}`);
    out.push('');
  }
  out.push(summaryLine(result));
  return `${out.join('\n')}\n`;
}

/** "7 findings (3 high, 3 medium, 1 low) · security 3, resilience 2 · 5 files reviewed, 6 skipped". */
export function summaryLine(result: ReviewResult): string {
  const s = summarizeResult(result);
  const sev = SEVERITIES.filter((v) => s.bySeverity[v] > 0).map((v) => `${s.bySeverity[v]} ${v}`);
  const cats = CATEGORIES.filter((c) => s.byCategory[c] > 0).map((c) => `${c} ${s.byCategory[c]}`);
  const parts = [`${s.findings} finding${s.findings === 1 ? '' : 's'}${sev.length > 0 ? ` (${sev.join(', ')})` : ''}`];
  if (cats.length > 0) parts.push(cats.join(', '));
  parts.push(`${s.filesReviewed} file${s.filesReviewed === 1 ? '' : 's'} reviewed, ${s.filesSkipped} skipped`);
  if (s.alreadyPosted > 0) parts.push(`${s.alreadyPosted} already posted`);
  return parts.join(' · ');
}

/** Splits a finding body written as "<what>\n\n**Why it matters:** …\n\n**Fix:** …". */
function splitBody(body: string): { what: string; why?: string; fix?: string } {
  const why = /\*\*Why it matters:\*\*\s*([\s\S]*?)(?=\n\s*\n\*\*Fix:\*\*|$)/.exec(body)?.[1];
  const fix = /\*\*Fix:\*\*\s*([\s\S]*)$/.exec(body)?.[1];
  const first = body.split(/\n\s*\n/)[0] ?? '';
  const what = first.startsWith('**Why it matters:**') || first.startsWith('**Fix:**') ? '' : first;
  return { what, ...(why ? { why } : {}), ...(fix ? { fix } : {}) };
}

/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS = /(^|[\s(])(e\.g|i\.e|etc|vs|cf|approx)$/i;

/** The first sentence, on one line, at most 240 characters (cut at a word). A period inside backticks or parentheses does not end it. */
export function firstSentence(text: string): string {
  const flat = text.replace(/```[\s\S]*?```/g, ' ').replace(/\s+/g, ' ').trim();
  let inCode = false;
  let depth = 0;
  let end = flat.length;
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i]!;
    if (c === '`') inCode = !inCode;
    else if (inCode) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if ((c === '.' || c === '!' || c === '?') && depth === 0 && (i + 1 === flat.length || flat[i + 1] === ' ') && !ABBREVIATIONS.test(flat.slice(0, i))) {
      end = i + 1;
      break;
    }
  }
  const sentence = flat.slice(0, end);
  if (sentence.length <= 240) return sentence;
  const cut = sentence.slice(0, 239);
  const space = cut.lastIndexOf(' ');
  return `${(space > 160 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}
