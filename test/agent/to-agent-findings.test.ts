import { describe, expect, it } from 'vitest';
import type { AgentFinding } from '../../src/agent/agent-output-schema.js';
import { toAgentFindings } from '../../src/agent/to-agent-findings.js';
import { FindingSchema } from '../../src/review/finding.js';
import { addedFile } from './fixtures.js';

const head = "import axios from 'axios';\n\nexport async function pay() {\n  await axios.post('https://psp.example.com/charge', {});\n}\n";
const raw = (over: Partial<AgentFinding> = {}): AgentFinding => ({
  path: 'src/pay.ts',
  line: 4,
  category: 'resilience',
  severity: 'high',
  title: 'Charge call has no timeout',
  body: 'A slow PSP hangs checkout.',
  confidence: 0.9,
  ...over,
});

describe('toAgentFindings', () => {
  const files = [addedFile('src/pay.ts', head)];

  it('makes valid agent findings with a fingerprint and RIGHT side', () => {
    const { findings } = toAgentFindings([raw()], files, 0.6);
    expect(findings).toHaveLength(1);
    expect(FindingSchema.parse(findings[0])).toMatchObject({ source: 'agent', side: 'RIGHT', path: 'src/pay.ts', line: 4 });
    expect(findings[0]?.ruleId).toBeUndefined();
  });

  it('sets aside a finding on a file the request did not contain', () => {
    const r = toAgentFindings([raw({ path: 'src/other.ts' })], files, 0.6);
    expect(r.findings).toEqual([]);
    expect(r.foreign).toHaveLength(1);
  });

  it('drops findings below the confidence floor', () => {
    const r = toAgentFindings([raw({ confidence: 0.59 }), raw({ confidence: 0.6, line: 3 })], files, 0.6);
    expect(r.findings.map((f) => f.line)).toEqual([3]);
    expect(r.unsure).toHaveLength(1);
  });

  it('keeps a line outside the diff for the review core to move to the summary', () => {
    expect(toAgentFindings([raw({ line: 400 })], files, 0.6).findings[0]?.line).toBe(400);
  });

  it('keeps its fingerprint when the same code moves down the file', () => {
    const moved = [addedFile('src/pay.ts', `// header\n// more\n${head}`)];
    const a = toAgentFindings([raw()], files, 0.6).findings[0];
    const b = toAgentFindings([raw({ line: 6 })], moved, 0.6).findings[0];
    expect(a?.fingerprint).toBe(b?.fingerprint);
    const other = toAgentFindings([raw({ line: 3 })], files, 0.6).findings[0];
    expect(other?.fingerprint).not.toBe(a?.fingerprint);
  });

  it('drops an end line before the start, and strips invisible characters from the text', () => {
    const [f] = toAgentFindings([raw({ endLine: 2, title: 'No\u200B timeout\u202E', body: 'x\u2066y' })], files, 0.6).findings;
    expect(f?.endLine).toBeUndefined();
    expect(f?.title).toBe('No timeout');
    expect(f?.body).toBe('xy');
  });
});
