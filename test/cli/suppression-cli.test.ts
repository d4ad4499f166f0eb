/**
 * Suppression in code through the CLI, over a real git repository and the real rules: a finding silenced
 * with a reason is gone (and listed as suppressed), one silenced without a reason is gone too but its
 * comment is flagged; per-rule config overrides apply.
 */
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/cli/format-json.js';
import { commitAll, git, run, tempDir, writeFiles } from './cli-helpers.js';

const BASE = ['export async function ping(): Promise<number> {', '  return 1;', '}', ''];

const CLIENT = [
  'export async function syncCustomer(id: string) {',
  '  // arch-review-ignore http-call-without-timeout: the CRM gateway enforces a 3 s deadline on every call',
  '  const res = await fetch(`https://crm.example.com/customers/${id}`);',
  '  return res.json();',
  '}',
  '',
  'export async function loadInvoices(customerId: string) {',
  '  const res = await fetch(`https://billing.example.com/invoices?customer=${customerId}`); // arch-review-ignore http-call-without-timeout',
  '  return res.json();',
  '}',
  '',
  'export async function loadRefunds(customerId: string) {',
  '  const label = "// arch-review-ignore http-call-without-timeout: not a comment";',
  '  const res = await fetch(`https://billing.example.com/refunds?customer=${customerId}&l=${label}`);',
  '  return res.json();',
  '}',
  '',
];

function repo(config?: string): string {
  const root = tempDir('arch-review-suppress-');
  git(root, 'init', '-q', '-b', 'main');
  writeFiles(root, { 'src/integrations/crm-client.ts': BASE.join('\n') });
  commitAll(root, 'base');
  git(root, 'checkout', '-q', '-b', 'feature');
  writeFiles(root, { 'src/integrations/crm-client.ts': CLIENT.join('\n'), ...(config ? { '.github/arch-review.yml': config } : {}) });
  commitAll(root, 'CRM and billing calls');
  return root;
}

/** The findings of the two rules this test is about (others, such as response-status-unchecked, also fire). */
const ours = (report: JsonReport) => report.findings.filter((f) => f.ruleId === 'http-call-without-timeout' || f.ruleId === 'suppression-without-reason');

const review = async (root: string, format = 'json') => run(['review', '--base', 'main', '--head', 'feature', '--no-agent', '--format', format, '-q'], { cwd: root });

describe('suppression in code (CLI, git)', () => {
  it('drops the silenced findings, flags the directive without a reason, and keeps the call whose "directive" is a string', async () => {
    const r = await review(repo());
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(ours(report).map((f) => `${f.line}:${f.ruleId}`)).toEqual(['8:suppression-without-reason', '14:http-call-without-timeout']);
    const flagged = report.findings.find((f) => f.ruleId === 'suppression-without-reason')!;
    expect(flagged).toMatchObject({ severity: 'low', category: 'abstraction', path: 'src/integrations/crm-client.ts' });
    expect(report.suppressed.map((s) => `${s.finding.line}:${s.finding.ruleId}:${s.by.line}:${s.by.reason ?? '-'}`)).toEqual([
      '3:http-call-without-timeout:2:the CRM gateway enforces a 3 s deadline on every call',
      '8:http-call-without-timeout:8:-',
    ]);
  });

  it('lists suppressed findings in the text output', async () => {
    const r = await review(repo(), 'text');
    expect(r.stdout).toContain('Suppressed in code (2: arch-review-ignore comments):');
    expect(r.stdout).toContain('src/integrations/crm-client.ts:3  http-call-without-timeout  line 2: the CRM gateway enforces a 3 s deadline on every call');
    expect(r.stdout).toContain('src/integrations/crm-client.ts:8  http-call-without-timeout  line 8: (no reason given)');
  });

  it('applies per-rule overrides from .github/arch-review.yml: severity and exclude', async () => {
    const config = ['rules:', '  suppression-without-reason:', '    severity: medium', '  http-call-without-timeout:', '    exclude: ["src/integrations/**"]', ''].join('\n');
    const report = JSON.parse((await review(repo(config))).stdout) as JsonReport;
    expect(ours(report).map((f) => `${f.line}:${f.ruleId}:${f.severity}`)).toEqual(['8:suppression-without-reason:medium']);
    expect(report.suppressed).toEqual([]);
  });
});
