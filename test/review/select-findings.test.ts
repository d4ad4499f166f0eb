import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/review/finding.js';
import { pathHash } from '../../src/review/marker.js';
import { selectFindings } from '../../src/review/select-findings.js';
import { config, finding, lineMap } from './factories.js';

// src/pay.ts: hunk 0 covers new lines 5-15 (10-12 added), hunk 1 covers 40-50 (45 added); old side 5-14.
const maps = new Map([
  ['src/pay.ts', lineMap({ right: [[5, 15], [40, 50]], left: [[5, 14]], added: [10, 11, 12, 45] })],
  ['src/orders.ts', lineMap({ right: [[1, 30]], added: [3, 4] })],
]);

const select = (findings: Finding[], over: Parameters<typeof config>[0] = {}, alreadyPosted?: Set<string>) =>
  selectFindings({ findings, config: config(over), lineMaps: maps, ...(alreadyPosted ? { alreadyPosted } : {}) });

describe('selectFindings: filters', () => {
  it('drops findings of a category turned off, keeps categories not named', () => {
    const res = select([finding({ category: 'security' }), finding({ category: 'performance', line: 11 })], { categories: { security: false } });
    expect(res.inline.map((f) => f.category)).toEqual(['performance']);
    expect(res.filtered).toBe(1);
  });

  it('drops findings below min_severity', () => {
    const res = select([finding({ severity: 'low' }), finding({ severity: 'high', line: 11 }), finding({ severity: 'medium', line: 12 })], { min_severity: 'medium' });
    expect(res.inline.map((f) => f.severity)).toEqual(['high', 'medium']);
    expect(res.filtered).toBe(1);
  });

  it('applies min_severity after merging, so a low rule finding raised by a high agent finding survives', () => {
    const rule = finding({ severity: 'low' });
    const agent = finding({ source: 'agent', severity: 'high', body: 'Under load the worker pool stalls on this call until the socket dies.' });
    const res = select([rule, agent], { min_severity: 'high' });
    expect(res.inline).toHaveLength(1);
    expect(res.inline[0]).toMatchObject({ severity: 'high', ruleId: 'http-call-without-timeout' });
  });
});

describe('selectFindings: dedupe and merge', () => {
  it('keeps one finding per fingerprint, with the more severe severity and the other line named', () => {
    const a = finding({ fingerprint: 'fp1', line: 10, severity: 'low' });
    const b = finding({ fingerprint: 'fp1', line: 12, severity: 'high' });
    const res = select([a, b]);
    expect(res.inline).toHaveLength(1);
    expect(res.inline[0]).toMatchObject({ line: 10, severity: 'high' });
    expect(res.inline[0]!.body).toContain('also appears at line 12');
    expect(res.merged).toBe(1);
  });

  it('merges an agent finding on overlapping lines of the same category into the rule finding', () => {
    const rule = finding({ line: 10, endLine: 11, severity: 'medium', suggestion: 'await fetch(url, { signal: AbortSignal.timeout(5000) });' });
    const agent = finding({ source: 'agent', line: 11, severity: 'high', title: 'No timeout', body: 'A slow Stripe response holds the request thread; retries pile up during incidents.', suggestion: 'other' });
    const res = select([agent, rule]);
    expect(res.inline).toHaveLength(1);
    const merged = res.inline[0]!;
    expect(merged).toMatchObject({ source: 'rule', ruleId: 'http-call-without-timeout', fingerprint: rule.fingerprint, severity: 'high', title: rule.title, suggestion: rule.suggestion });
    expect(merged.body).toBe(`${rule.body}\n\n**Reviewer note:** ${agent.body}`);
    expect(res.fingerprints).toEqual(expect.arrayContaining([rule.fingerprint, agent.fingerprint]));
  });

  it("does not append the agent's body when it only repeats the rule's", () => {
    const rule = finding({ body: 'The call to the payments API has no timeout, so it can hang.' });
    const agent = finding({ source: 'agent', body: 'The call to the payments API has no timeout.' });
    const res = select([rule, agent]);
    expect(res.inline).toHaveLength(1);
    expect(res.inline[0]!.body).toBe(rule.body);
  });

  it("takes the agent's suggestion when the rule has none", () => {
    const res = select([finding(), finding({ source: 'agent', suggestion: 'fixed();' })]);
    expect(res.inline[0]!.suggestion).toBe('fixed();');
  });

  it('keeps an agent finding of another category, or on lines that do not overlap, separate', () => {
    const rule = finding({ line: 10 });
    const otherCategory = finding({ source: 'agent', line: 10, category: 'coupling' });
    const otherLine = finding({ source: 'agent', line: 12 });
    const res = select([rule, otherCategory, otherLine]);
    expect(res.inline).toHaveLength(3);
    expect(res.merged).toBe(0);
  });

  it('does not mutate its input', () => {
    const rule = finding();
    const agent = finding({ source: 'agent', severity: 'high', body: 'Completely different words about thread pools.' });
    const input = [rule, agent];
    const snapshot = structuredClone(input);
    select(input);
    expect(input).toEqual(snapshot);
  });
});

describe('selectFindings: already posted', () => {
  it('leaves out and counts findings whose fingerprint an earlier review posted', () => {
    const a = finding({ line: 10 });
    const b = finding({ line: 11 });
    const res = select([a, b], {}, new Set([a.fingerprint]));
    expect(res.inline.map((f) => f.line)).toEqual([11]);
    expect(res.alreadyPosted).toBe(1);
    expect(res.fingerprints).toEqual(expect.arrayContaining([a.fingerprint, b.fingerprint]));
  });

  it('treats a merged finding as posted when the agent finding merged into it was posted', () => {
    const agent = finding({ source: 'agent' });
    const res = select([finding(), agent], {}, new Set([agent.fingerprint]));
    expect(res.inline).toHaveLength(0);
    expect(res.alreadyPosted).toBe(1);
  });
});

describe('selectFindings: what the marker and the check need', () => {
  it('matches a finding against the shortened fingerprint a v2 marker keeps, and returns it as still open', () => {
    const a = finding({ line: 10, severity: 'high', fingerprint: '0123456789abcdef' });
    const b = finding({ line: 11, fingerprint: 'fedcba9876543210' });
    const res = select([a, b], {}, new Set(['0123456789ab']));
    expect(res.inline.map((f) => f.line)).toEqual([11]);
    expect(res.earlier.map((f) => [f.line, f.severity])).toEqual([[10, 'high']]);
    expect(res.open).toEqual([
      { fingerprint: a.fingerprint, severity: 'high', pathHash: pathHash('src/pay.ts') },
      { fingerprint: b.fingerprint, severity: 'medium', pathHash: pathHash('src/pay.ts') },
    ]);
  });
});

describe('selectFindings: ranking', () => {
  it('orders by severity, then category order, then path, then line', () => {
    const res = select([
      finding({ severity: 'low', line: 10 }),
      finding({ severity: 'high', category: 'performance', line: 11 }),
      finding({ severity: 'high', category: 'security', line: 12 }),
      finding({ severity: 'high', category: 'security', path: 'src/orders.ts', line: 3 }),
      finding({ severity: 'high', category: 'coupling', path: 'src/pay.ts', line: 45 }),
      finding({ severity: 'high', category: 'coupling', path: 'src/pay.ts', line: 5 }),
    ]);
    expect(res.inline.map((f) => `${f.severity}/${f.category}/${f.path}:${f.line}`)).toEqual([
      'high/coupling/src/pay.ts:5',
      'high/coupling/src/pay.ts:45',
      'high/security/src/orders.ts:3',
      'high/security/src/pay.ts:12',
      'high/performance/src/pay.ts:11',
      'low/resilience/src/pay.ts:10',
    ]);
  });
});

describe('selectFindings: anchoring', () => {
  it('keeps a range inside one hunk as it is', () => {
    const res = select([finding({ line: 9, endLine: 12 })]);
    expect(res.inline[0]).toMatchObject({ line: 9, endLine: 12 });
  });

  it('shrinks a range that crosses hunks to the part holding its start line, and turns the suggestion into plain code', () => {
    const res = select([finding({ line: 14, endLine: 42, suggestion: 'x();' })]);
    const f = res.inline[0]!;
    expect(f).toMatchObject({ line: 14, endLine: 15 });
    expect(f.suggestion).toBeUndefined();
    expect(f.body).toContain('lines 14–42');
    expect(f.body).toContain('x();');
  });

  it('shrinks a range that starts before the hunk to its lines inside the hunk', () => {
    const res = select([finding({ line: 1, endLine: 6 })]);
    expect(res.inline[0]).toMatchObject({ line: 5, endLine: 6 });
  });

  it('lists a rule finding outside the diff in the summary as not-in-diff, with its original line', () => {
    const f = finding({ line: 30 });
    const res = select([f]);
    expect(res.inline).toHaveLength(0);
    expect(res.summaryOnly).toEqual([{ finding: f, reason: 'not-in-diff' }]);
  });

  it('lists a finding on a file that is not in the diff as not-in-diff', () => {
    const res = select([finding({ path: 'src/elsewhere.ts' })]);
    expect(res.summaryOnly[0]!.reason).toBe('not-in-diff');
  });

  it('moves an agent finding up to 3 lines to reach the diff, and says so', () => {
    const res = select([finding({ source: 'agent', line: 18 }), finding({ source: 'agent', line: 37, category: 'coupling' })]);
    expect(res.inline.map((f) => f.line).sort((a, b) => a - b)).toEqual([15, 40]);
    expect(res.inline.find((f) => f.line === 15)!.body).toContain('about line 18');
  });

  it('does not move an agent finding more than 3 lines', () => {
    const res = select([finding({ source: 'agent', line: 19 })]);
    expect(res.summaryOnly.map((s) => s.reason)).toEqual(['not-in-diff']);
  });

  it('anchors a LEFT-side finding against the old side', () => {
    const res = select([finding({ side: 'LEFT', line: 14 }), finding({ side: 'LEFT', line: 15, category: 'coupling' })]);
    expect(res.inline).toEqual([expect.objectContaining({ side: 'LEFT', line: 14 })]);
    expect(res.summaryOnly).toEqual([expect.objectContaining({ reason: 'not-in-diff' })]);
  });
});

describe('selectFindings: cap', () => {
  it('posts at most max_inline_comments inline and lists the rest as over-cap, in rank order', () => {
    const findings = [10, 11, 12, 13].map((line, i) => finding({ line, severity: i === 3 ? 'high' : 'low' }));
    const res = select(findings, { max_inline_comments: 2 });
    expect(res.inline.map((f) => f.line)).toEqual([13, 10]);
    expect(res.summaryOnly.map((s) => [s.finding.line, s.reason])).toEqual([
      [11, 'over-cap'],
      [12, 'over-cap'],
    ]);
  });

  it('with a cap of 0 lists everything in the summary and drops nothing', () => {
    const res = select([finding(), finding({ line: 30 })], { max_inline_comments: 0 });
    expect(res.inline).toEqual([]);
    expect(res.summaryOnly.map((s) => s.reason).sort()).toEqual(['not-in-diff', 'over-cap']);
  });
});

describe('selectFindings: confidence and demotion', () => {
  it('lists a finding under min_confidence as lower-confidence, not inline, not in the marker', () => {
    const res = select([finding({ confidence: 0.5, fingerprint: 'low1' }), finding({ line: 11, confidence: 0.9, fingerprint: 'high1' })], { min_confidence: 0.7 });
    expect(res.inline.map((f) => f.fingerprint)).toEqual(['high1']);
    expect(res.demoted).toHaveLength(1);
    expect(res.demoted[0]).toMatchObject({ reason: 'low-confidence', finding: { fingerprint: 'low1' } });
    expect(res.demoted[0]!.why).toContain('min_confidence: 0.7');
    expect(res.fingerprints).toEqual(['high1']);
    expect(res.open.map((o) => o.fingerprint)).toEqual(['high1']);
  });

  it('keeps a producer’s demotion (pre-existing, rejected by the agent) whatever the confidence', () => {
    const res = select([
      finding({ confidence: 1, fingerprint: 'pre', demotion: { reason: 'pre-existing', why: 'already in the base' } }),
      finding({ line: 11, fingerprint: 'rej', demotion: { reason: 'rejected-by-agent', why: 'the value is a constant' } }),
    ]);
    expect(res.inline).toEqual([]);
    expect(res.demoted.map((d) => [d.reason, d.why])).toEqual([
      ['pre-existing', 'already in the base'],
      ['rejected-by-agent', 'the value is a constant'],
    ]);
  });

  it('posts a finding without a confidence, and one exactly at the threshold, inline', () => {
    const res = select([finding({ fingerprint: 'none' }), finding({ line: 11, confidence: 0.7, fingerprint: 'at' })], { min_confidence: 0.7 });
    expect(res.inline).toHaveLength(2);
    expect(res.demoted).toEqual([]);
  });
});
