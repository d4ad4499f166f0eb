/**
 * Differential analysis through the CLI, over real git repositories and real rules: a problem the change
 * only re-touched or moved is not reported as new, one it introduced is.
 */
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/cli/format-json.js';
import { commitAll, git, run, tempDir, writeFiles } from './cli-helpers.js';

const SYNC = ['export async function syncCustomer(id: string) {', '  const res = await fetch(`https://crm.example.com/customers/${id}`);', '  return res.json();', '}', ''];
const INVOICES = ['export async function loadInvoices(customerId: string) {', '  const res = await fetch(`https://billing.example.com/invoices?customer=${customerId}`);', '  return res.json();', '}', ''];
const REFUND = ['export async function refund(chargeId: string) {', "  await fetch(`https://billing.example.com/refunds/${chargeId}`, { method: 'POST' });", '}', ''];

/**
 * main: a CRM client with two outbound calls without a timeout. feature: one call re-touched (an argument
 * added), the other function moved verbatim to a new billing client, next to a new call without a timeout.
 * After feature branched, main moved on and changed the CRM client, so only the merge base lines up with the diff.
 */
function repo(): string {
  const root = tempDir('arch-review-differential-');
  git(root, 'init', '-q', '-b', 'main');
  writeFiles(root, { 'src/integrations/crm-client.ts': [...SYNC, ...INVOICES].join('\n') });
  commitAll(root, 'CRM client');
  git(root, 'checkout', '-q', '-b', 'feature');
  const retouched = SYNC.map((l) => l.replace('${id}`)', "${id}`, { method: 'PUT' })"));
  writeFiles(root, {
    'src/integrations/crm-client.ts': retouched.join('\n'),
    'src/integrations/billing-client.ts': ["import { audit } from './audit';", '', ...INVOICES, ...REFUND].join('\n'),
  });
  commitAll(root, 'Move invoices to the billing client, add refunds');
  git(root, 'checkout', '-q', 'main');
  writeFiles(root, { 'src/integrations/crm-client.ts': ['// CRM client, v2', '// (owned by the CRM team)', ...SYNC, ...INVOICES].join('\n') });
  commitAll(root, 'main moves on');
  return root;
}

describe('differential analysis in the CLI (git)', () => {
  it('reports only the new problem: the re-touched and the moved calls are pre-existing', async () => {
    const root = repo();
    const r = await run(['review', '--base', 'main', '--head', 'feature', '--no-agent', '--format', 'json', '-q'], { cwd: root });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    const timeouts = report.findings.filter((f) => f.ruleId === 'http-call-without-timeout');
    expect(timeouts.map((f) => `${f.path}:${f.line}`)).toEqual(['src/integrations/billing-client.ts:9']);
    const pre = report.demoted.filter((d) => d.reason === 'pre-existing' && d.finding.ruleId === 'http-call-without-timeout');
    expect(pre.map((d) => `${d.finding.path}:${d.finding.line}`).sort()).toEqual(['src/integrations/billing-client.ts:4', 'src/integrations/crm-client.ts:2']);
    expect(pre.find((d) => d.finding.path === 'src/integrations/billing-client.ts')!.why).toBe('moved from `src/integrations/crm-client.ts`, where the base version has it already.');
    expect(report.notes).toEqual([]);
  });

  it('reads base files from --base-root with --diff, and says so when it is missing', async () => {
    const root = repo();
    const diff = git(root, 'diff', '--no-color', '-M', 'main...feature');
    writeFiles(root, { 'change.diff': diff });
    git(root, 'checkout', '-q', 'feature');
    const head = tempDir('arch-review-head-');
    writeFiles(head, { 'src/integrations/crm-client.ts': git(root, 'show', 'feature:src/integrations/crm-client.ts'), 'src/integrations/billing-client.ts': git(root, 'show', 'feature:src/integrations/billing-client.ts') });
    const base = tempDir('arch-review-base-');
    writeFiles(base, { 'src/integrations/crm-client.ts': git(root, 'show', 'main~1:src/integrations/crm-client.ts') });

    const withBase = JSON.parse((await run(['review', '--diff', `${root}/change.diff`, '--repo-root', head, '--base-root', base, '--no-agent', '--format', 'json', '-q'])).stdout) as JsonReport;
    expect(withBase.findings.filter((f) => f.ruleId === 'http-call-without-timeout').map((f) => f.line)).toEqual([9]);

    const without = JSON.parse((await run(['review', '--diff', `${root}/change.diff`, '--repo-root', head, '--no-agent', '--format', 'json', '-q'])).stdout) as JsonReport;
    expect(without.findings.filter((f) => f.ruleId === 'http-call-without-timeout')).toHaveLength(3);
    expect(without.notes).toContain('The base versions of the changed files were not available, so every rule match on a changed line counts as new.');

    const misuse = await run(['review', '--base-root', base, '--no-agent'], { cwd: root });
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--base-root goes with --diff');
  });
});
