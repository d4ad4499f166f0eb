import { describe, expect, it } from 'vitest';
import { formatJson, type JsonReport } from '../../src/cli/format-json.js';
import { FindingSchema } from '../../src/review/finding.js';
import { finding, reviewResult } from './cli-helpers.js';

describe('formatJson', () => {
  const result = reviewResult({
    target: { repository: 'billing', headSha: 'abc', baseSha: 'def' },
    inline: [finding({ line: 12 }), finding({ path: 'a.py', line: 1, severity: 'high', category: 'security', fingerprint: 'fp-sec' })],
    summaryOnly: [{ finding: finding({ line: 99, fingerprint: 'fp-99' }), reason: 'not-in-diff' }],
    files: [
      { path: 'a.py', selected: true, reason: 'integration code', language: 'Python', ruleLanguage: 'python', signals: ['http-client:requests'] },
      { path: 'README.md', selected: false, reason: 'documentation (Markdown)', skipReason: 'docs', signals: [] },
    ],
  });
  const report = JSON.parse(formatJson(result)) as JsonReport;

  it('lists inline then summary-only findings, each a valid Finding', () => {
    expect(report.findings.map((f) => f.fingerprint)).toEqual(['fp-sec', 'fp-src/pay.ts-12-resilience', 'fp-99']);
    for (const f of report.findings) expect(FindingSchema.safeParse(f).success).toBe(true);
    expect(report.summaryOnly).toEqual([{ fingerprint: 'fp-99', reason: 'not-in-diff' }]);
  });

  it('summarises counts by severity and category, and files reviewed and skipped', () => {
    expect(report.summary).toMatchObject({
      findings: 3,
      inline: 2,
      summaryOnly: 1,
      bySeverity: { high: 1, medium: 2, low: 0 },
      byCategory: { security: 1, resilience: 2, coupling: 0 },
      filesReviewed: 1,
      filesSkipped: 1,
    });
  });

  it('gives every file with its verdict and reason, and the target', () => {
    expect(report.files).toEqual([
      { path: 'a.py', selected: true, reason: 'integration code', language: 'Python' },
      { path: 'README.md', selected: false, reason: 'documentation (Markdown)', skipReason: 'docs' },
    ]);
    expect(report.target).toEqual({ repository: 'billing', headSha: 'abc', baseSha: 'def' });
    expect(report.version).toBe(1);
  });
});
