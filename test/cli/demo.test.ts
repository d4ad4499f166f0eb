import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/cli/format-json.js';
import { run } from './cli-helpers.js';
import { sarifErrors } from './sarif-schema.js';

// Exactly what `npm run demo` runs (package.json), in-process.
const DEMO = ['review', '--diff', 'examples/payments-pr/pr.diff', '--repo-root', 'examples/payments-pr/head', '--base-root', 'examples/payments-pr/base', '--no-agent'];

describe('npm run demo (the bundled payments PR)', () => {
  it('finds at least 6 real problems in at least 4 categories', async () => {
    const r = await run([...DEMO, '--format', 'json', '-q']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.length).toBeGreaterThanOrEqual(6);
    expect(new Set(report.findings.map((f) => f.category)).size).toBeGreaterThanOrEqual(4);
    // Every finding sits in a reviewed backend file, on a line of its head version.
    const reviewed = new Set(report.files.filter((f) => f.selected).map((f) => f.path));
    for (const f of report.findings) expect(reviewed.has(f.path), f.path).toBe(true);
  });

  it('reviews the backend files and skips docs, lockfile, config, tests and frontend with their reasons', async () => {
    const report = JSON.parse((await run([...DEMO, '--format', 'json', '-q'])).stdout) as JsonReport;
    const skipped = Object.fromEntries(report.files.filter((f) => !f.selected).map((f) => [f.path, f.skipReason]));
    expect(skipped).toEqual({
      'docs/payments.md': 'docs',
      'package-lock.json': 'lockfile',
      'package.json': 'config',
      'test/services/billing-service.test.ts': 'test',
      'web/src/components/Checkout.tsx': 'frontend',
    });
    expect(report.files.filter((f) => f.selected).map((f) => f.path)).toEqual([
      'services/ledger/exporter.go',
      'src/integrations/crm-client.ts',
      'src/payments/stripe-webhook.ts',
      'src/services/billing-service.ts',
      'worker/sync_orders.py',
    ]);
  });

  it('prints the same text review every time, with the skipped files and their reasons', async () => {
    const a = await run(DEMO);
    const b = await run(DEMO);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('Skipped files (5):');
    expect(a.stdout).toMatch(/package-lock\.json +lockfile/);
    expect(a.stdout).toMatch(/web\/src\/components\/Checkout\.tsx +frontend/);
    expect(a.stdout.trimEnd().split('\n').pop()).toMatch(/^\d+ findings .* · 5 files reviewed, 5 skipped$/);
  });

  it('produces SARIF that validates against the official 2.1.0 schema', async () => {
    const r = await run([...DEMO, '--format', 'sarif', '-q']);
    const doc = JSON.parse(r.stdout) as { runs: Array<{ results: unknown[] }> };
    expect(sarifErrors(doc)).toEqual([]);
    expect(doc.runs[0]!.results.length).toBeGreaterThanOrEqual(6);
  });
});
