import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { applySecondOpinion } from '../../src/review/apply-second-opinion.js';
import { selectFindings } from '../../src/review/select-findings.js';
import { finding } from './factories.js';

const rules = Array.from({ length: 5 }, (_, i) => finding({ line: 10 + i, fingerprint: `fp${i}`, confidence: 0.8 }));
const reject = (fingerprint: string, reason = 'The client sets a timeout.') => ({ fingerprint, reason });

describe('applySecondOpinion', () => {
  it('leaves the findings as they are without an opinion', () => {
    expect(applySecondOpinion(rules, undefined, 0.7)).toEqual({ findings: rules, notes: [] });
  });

  it('demotes a rejected rule finding only: an agent finding, an unknown fingerprint or a blank reason touch nothing', () => {
    const agent = finding({ source: 'agent', fingerprint: 'agent1' });
    const out = applySecondOpinion([...rules, agent], { judged: 5, rejected: [reject('fp1', 'Timeout set\non the client.'), reject('agent1'), reject('nope'), reject('fp2', ' \u200B ')], confirmed: [] }, 0.7);
    expect(out.findings.filter((f) => f.demotion).map((f) => [f.fingerprint, f.demotion])).toEqual([['fp1', { reason: 'rejected-by-agent', why: 'Timeout set on the client.' }]]);
    expect(out.findings.find((f) => f.fingerprint === 'agent1')).toBe(agent);
  });

  it('keeps an earlier demotion (pre-existing, summary-only rule) and does not promote a rejected finding', () => {
    const old = finding({ fingerprint: 'old', confidence: 0.5, demotion: { reason: 'pre-existing', why: 'Already in the base.' } });
    const out = applySecondOpinion([old], { judged: 1, rejected: [reject('old')], confirmed: ['old'] }, 0.7);
    expect(out.findings[0]).toEqual(old);
  });

  it('promotes a confirmed finding under the threshold to it, and no further', () => {
    const low = finding({ fingerprint: 'low', confidence: 0.4 });
    const high = finding({ fingerprint: 'high', confidence: 0.9 });
    const out = applySecondOpinion([low, high], { judged: 2, rejected: [], confirmed: ['low', 'high'] }, 0.7);
    expect(out.findings.map((f) => f.confidence)).toEqual([0.7, 0.9]);
  });

  it('sets aside a rejection of more than 80 % of at least 5 findings, with a note; up to 80 %, or under 5 judged, it is honoured', () => {
    const all = applySecondOpinion(rules, { judged: 5, rejected: rules.map((f) => reject(f.fingerprint)), confirmed: ['fp0'] }, 0.7);
    expect(all.findings).toEqual(rules);
    expect(all.notes).toEqual(['The agent rejected 5 of the 5 rule findings it was shown. So many rejections at once look steered rather than judged, so its second opinion was set aside and every rule finding kept.']);

    const four = applySecondOpinion(rules, { judged: 5, rejected: rules.slice(0, 4).map((f) => reject(f.fingerprint)), confirmed: [] }, 0.7);
    expect(four.findings.filter((f) => f.demotion)).toHaveLength(4);
    const small = applySecondOpinion(rules.slice(0, 4), { judged: 4, rejected: rules.slice(0, 4).map((f) => reject(f.fingerprint)), confirmed: [] }, 0.7);
    expect(small.findings.filter((f) => f.demotion)).toHaveLength(4);
    expect(small.notes).toEqual([]);
  });

  it('does not merge the agent\'s own finding into a rule finding it rejected on the same lines', () => {
    const [rejected] = applySecondOpinion([rules[0]!], { judged: 1, rejected: [reject('fp0')], confirmed: [] }, 0.7).findings;
    const own = finding({ source: 'agent', ruleId: undefined, line: 10, fingerprint: 'agent1', title: 'Retry storm on the PSP' });
    const chosen = selectFindings({ findings: [rejected!, own], config: defaultConfig(), lineMaps: new Map() });
    expect(chosen.demoted.map((d) => [d.finding.fingerprint, d.reason])).toEqual([['fp0', 'rejected-by-agent']]);
    expect(chosen.summaryOnly.map((s) => s.finding.fingerprint)).toEqual(['agent1']);
  });
});
