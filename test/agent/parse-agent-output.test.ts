import { describe, expect, it } from 'vitest';
import { parseAgentOutput } from '../../src/agent/parse-agent-output.js';

const finding = { path: 'src/a.ts', line: 3, category: 'resilience', severity: 'high', title: 'No timeout', body: 'Hangs.', confidence: 0.9 };

describe('parseAgentOutput', () => {
  it('accepts an answer that matches the contract', () => {
    const r = parseAgentOutput(JSON.stringify({ findings: [finding], questions: ['Which API version?'], assessment: 'Sound.' }));
    expect(r).toEqual({ ok: true, output: { findings: [finding], rule_verdicts: [], questions: ['Which API version?'], assessment: 'Sound.' } });
  });

  it('accepts JSON wrapped in a ```json fence', () => {
    expect(parseAgentOutput('```json\n{"findings":[],"questions":[],"assessment":""}\n```').ok).toBe(true);
  });

  it('reports a JSON syntax error', () => {
    const r = parseAgentOutput('{"findings": [');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatch(/not valid JSON/);
  });

  it('reports contract violations by path: bounds the API cannot enforce, unknown categories, missing keys', () => {
    const bad = { findings: [{ ...finding, line: 0, confidence: 1.5, category: 'style' }], questions: [] };
    const r = parseAgentOutput(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const text = r.issues.join('\n');
      expect(text).toContain('findings.0.line');
      expect(text).toContain('findings.0.confidence');
      expect(text).toContain('findings.0.category');
      expect(text).toContain('assessment');
    }
  });

  it('finds the object in prose around it (an answer without structured output), and still validates it', () => {
    const obj = { findings: [], questions: [], assessment: 'Fine.' };
    expect(parseAgentOutput(`Here is my review:\n${JSON.stringify(obj)}\nThanks.`)).toEqual({ ok: true, output: { ...obj, rule_verdicts: [] } });
    const bad = parseAgentOutput(`Sure! ${JSON.stringify({ findings: 'none', questions: [], assessment: 'x' })}`);
    expect(bad.ok).toBe(false);
    expect(parseAgentOutput('No JSON here at all.').ok).toBe(false);
  });
});
