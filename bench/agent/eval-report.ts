/**
 * The comparison `npm run eval` prints: the labelled corpus scored rules-only and rules+agent, side by
 * side, with the agent's tokens and cost and what its second opinion on the rule findings did. Pure, so it
 * is tested on fixture scores without a model.
 */
import { summarizeScores, type CaseScore, type Figures } from '../quality/cases/score.js';
import { CATEGORIES, type Category } from '../../src/review/finding.js';
import type { TokenUsage } from '../../src/review/ports.js';

/** Recall, precision and F1 of one category: recall by planted category, precision by the posted finding's category. */
export function categoryFigures(scores: readonly CaseScore[], category: Category): Figures {
  const planted = scores.flatMap((s) => s.planted.filter((p) => p.category === category));
  const found = planted.filter((p) => p.found).length;
  const posted = scores.flatMap((s) => s.findings.filter((f) => f.category === category));
  const tp = posted.filter((f) => f.outcome === 'tp').length;
  const fp = posted.filter((f) => f.outcome === 'fp').length;
  const recall = planted.length === 0 ? 0 : found / planted.length;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const f1 = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  return { planted: planted.length, found, recall, tp, fp, precision, f1 };
}

/** What the agent's second opinion did: rule findings rejected, and how many of those were on a planted problem (wrong). */
export interface RejectionStats {
  rejected: number;
  /** Rejected findings that overlapped a planted problem: the agent hid a real problem. */
  wrong: number;
  /** Rejected findings that were false positives: the agent was right. */
  right: number;
  /** Rejected findings on an `acceptable` range: neither. */
  neutral: number;
}

export function rejectionStats(scores: readonly CaseScore[]): RejectionStats {
  const all = scores.flatMap((s) => s.rejected);
  const n = (o: string) => all.filter((r) => r.outcome === o).length;
  return { rejected: all.length, wrong: n('tp'), right: n('fp'), neutral: n('neutral') };
}

/** Usage summed over reviews; the cost is unknown as soon as one review's is. */
export function sumUsage(list: readonly TokenUsage[]): TokenUsage {
  const total: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0, costUsd: 0 };
  for (const u of list) {
    total.inputTokens += u.inputTokens;
    total.outputTokens += u.outputTokens;
    total.cacheReadTokens += u.cacheReadTokens;
    total.cacheWriteTokens += u.cacheWriteTokens;
    total.requests += u.requests;
    total.costUsd = total.costUsd === undefined || u.costUsd === undefined ? undefined : total.costUsd + u.costUsd;
  }
  return total;
}

const pct = (x: number) => `${Math.round(100 * x)} %`;
const cells = (f: Figures) => `${pct(f.recall)} | ${pct(f.precision)} | ${f.f1.toFixed(2)}`;

/**
 * The report: one table with rules-only and rules+agent columns per category and overall, findings per
 * clean PR, tokens and cost, and the second opinion's rejections (each one listed when `verbose`).
 */
export function formatComparison(rules: readonly CaseScore[], agent: readonly CaseScore[], usage: TokenUsage, opts: { verbose?: boolean } = {}): string {
  const r = summarizeScores(rules);
  const a = summarizeScores(agent);
  const out = [
    `Labelled corpus: ${r.cases} cases (${r.cleanCases} clean), ${r.overall.planted} planted problems.`,
    '',
    '| category | planted | rules: recall | precision | F1 | rules+agent: recall | precision | F1 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...CATEGORIES.map((c) => {
      const fr = categoryFigures(rules, c);
      return `| ${c} | ${fr.planted} | ${cells(fr)} | ${cells(categoryFigures(agent, c))} |`;
    }),
    `| **all** | ${r.overall.planted} | ${cells(r.overall)} | ${cells(a.overall)} |`,
    '',
    `Posted findings: rules ${r.overall.tp} TP / ${r.overall.fp} FP; rules+agent ${a.overall.tp} TP / ${a.overall.fp} FP (${agent.flatMap((s) => s.findings).filter((f) => f.source === 'agent').length} from the agent).`,
    `Findings per clean PR: rules ${r.findingsPerCleanCase.toFixed(2)}; rules+agent ${a.findingsPerCleanCase.toFixed(2)}.`,
  ];
  const rej = rejectionStats(agent);
  out.push(
    `Second opinion: the agent rejected ${rej.rejected} rule finding(s): ${rej.right} false positive(s) (right), ${rej.wrong} on a planted problem (wrong), ${rej.neutral} neutral.`,
    `Tokens: ${usage.inputTokens.toLocaleString('en-US')} input, ${usage.outputTokens.toLocaleString('en-US')} output, ${usage.cacheReadTokens.toLocaleString('en-US')} cache read, ${usage.cacheWriteTokens.toLocaleString('en-US')} cache write, in ${usage.requests} request(s); cost ${usage.costUsd !== undefined ? `$${usage.costUsd.toFixed(4)}` : 'unknown (model not in the price table)'}.`,
  );
  if (opts.verbose) {
    for (const s of agent) {
      for (const x of s.rejected) out.push(`  rejected ${x.outcome === 'tp' ? '(WRONG)' : x.outcome === 'fp' ? '(right)' : '(neutral)'} ${s.id} ${x.ruleId} ${x.path}:${x.line}: ${x.why}`);
    }
  }
  return out.join('\n');
}
