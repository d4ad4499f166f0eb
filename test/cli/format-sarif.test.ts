import { describe, expect, it } from 'vitest';
import { formatSarif, SARIF_FINGERPRINT_KEY } from '../../src/cli/format-sarif.js';
import type { RuleMeta } from '../../src/rules/types.js';
import { finding, reviewResult } from './cli-helpers.js';
import { sarifErrors } from './sarif-schema.js';

const RULES: RuleMeta[] = [
  { id: 'http-call-without-timeout', category: 'resilience', severity: 'medium', languages: ['typescript'], title: 'HTTP call without a timeout', why: 'A slow provider holds every worker.', fix: 'Pass `AbortSignal.timeout(ms)`.' },
  { id: 'hardcoded-secret', category: 'security', severity: 'high', languages: ['python'], title: 'Hard-coded secret', why: 'Anyone with the repo can charge cards.', fix: 'Load it from a secret manager.' },
];
const OPTS = { version: '1.2.3', informationUri: 'https://www.npmjs.com/package/arch-review', rules: RULES };

interface Sarif {
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Array<{ id: string; defaultConfiguration: { level: string }; properties: { tags: string[]; 'security-severity'?: string }; help: { text: string } }> } };
    results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; partialFingerprints: Record<string, string>; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; endLine: number } } }> }>;
  }>;
}

describe('formatSarif', () => {
  const result = reviewResult({
    inline: [
      finding({ path: 'src/pay.ts', line: 12, endLine: 14 }),
      finding({ path: 'worker/sync orders.py', line: 3, category: 'security', severity: 'high', ruleId: 'hardcoded-secret', title: 'Hard-coded Stripe key', fingerprint: 'fp-secret' }),
      finding({ path: 'src/pay.ts', line: 30, source: 'agent', ruleId: undefined, category: 'coupling', severity: 'low', title: 'Domain knows the CRM', fingerprint: 'fp-agent' }),
    ],
    summaryOnly: [{ finding: finding({ path: 'src/old.ts', line: 5, side: 'LEFT', fingerprint: 'fp-left' }), reason: 'not-in-diff' }],
  });
  const text = formatSarif(result, OPTS);
  const doc = JSON.parse(text) as Sarif;
  const run = doc.runs[0]!;

  it('validates against the official SARIF 2.1.0 schema', () => {
    expect(sarifErrors(doc)).toEqual([]);
  });

  it('the schema check fails on a broken log, so the validation above means something', () => {
    const broken = JSON.parse(text) as Sarif & { runs: Array<{ results: Array<{ level: string }> }> };
    broken.runs[0]!.results[0]!.level = 'critical';
    expect(sarifErrors(broken).length).toBeGreaterThan(0);
  });

  it('describes the tool and every registry rule, with level, tags and help', () => {
    expect(run.tool.driver).toMatchObject({ name: 'arch-review', version: '1.2.3' });
    const secret = run.tool.driver.rules.find((r) => r.id === 'hardcoded-secret')!;
    expect(secret.defaultConfiguration.level).toBe('error');
    expect(secret.properties.tags).toEqual(['security']);
    expect(secret.properties['security-severity']).toBe('8.0');
    expect(secret.help.text).toBe('Load it from a secret manager.');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['http-call-without-timeout', 'hardcoded-secret', 'agent/coupling']));
  });

  it('maps severity to level and points each result at its rule by id and index', () => {
    const levels = Object.fromEntries(run.results.map((r) => [r.ruleId, r.level]));
    expect(levels['hardcoded-secret']).toBe('error');
    expect(levels['agent/coupling']).toBe('note');
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
  });

  it('gives every result a relative, encoded location, its line range and the fingerprint', () => {
    const first = run.results.find((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY] === 'fp-src/pay.ts-12-resilience')!;
    expect(first.locations[0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: 'src/pay.ts' }, region: { startLine: 12, endLine: 14 } });
    const secret = run.results.find((r) => r.ruleId === 'hardcoded-secret')!;
    expect(secret.locations[0]!.physicalLocation.artifactLocation.uri).toBe('worker/sync%20orders.py');
    expect(secret.message.text).toContain('Hard-coded Stripe key');
  });

  it('includes summary-only findings, and anchors a deleted-line finding to its file only', () => {
    const left = run.results.find((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY] === 'fp-left')!;
    expect(left.locations[0]!.physicalLocation.region).toBeUndefined();
    expect(run.results).toHaveLength(4);
  });
});
