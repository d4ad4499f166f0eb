import { describe, expect, it } from 'vitest';
import { readLocalSnapshot } from '../../src/cli/local-snapshot.js';
import { LocalGitSource } from '../../src/cli/local-git-source.js';
import { commitAll, git, run, tempDir, writeFiles } from './cli-helpers.js';

const BUDGET = { maxFiles: 5000, maxBytes: 50 * 1024 * 1024, timeoutMs: 20_000 };
const PAYMENTS = "import Stripe from 'stripe';\nconst stripe = new Stripe(process.env.KEY!, { timeout: 5000 });\nexport async function refund(id: string) {\n  return stripe.refunds.create({ payment_intent: id }, { idempotencyKey: id });\n}\n";
const ORDERS = "import { refund } from '../lib/payments';\nexport const cancel = (id: string) => refund(id);\n";
const DIRECT = "import Stripe from 'stripe';\nconst stripe = new Stripe(process.env.KEY!);\nexport async function pay(id: string) {\n  return stripe.refunds.create({ payment_intent: id });\n}\n";

function repo(): { root: string; base: string } {
  const root = tempDir();
  git(root, 'init', '-q');
  writeFiles(root, {
    'src/lib/payments.ts': PAYMENTS,
    'src/orders/cancel.ts': ORDERS,
    'src/util/math.ts': 'export const add = (a: number, b: number) => a + b;\n',
    'src/lib/payments.test.ts': "import Stripe from 'stripe';\n",
    'README.md': '# shop\n',
  });
  const base = commitAll(root, 'base');
  git(root, 'checkout', '-q', '-b', 'feature');
  writeFiles(root, { 'src/lib/payments.ts': PAYMENTS.replace('5000', '8000'), 'src/billing/direct.ts': DIRECT });
  commitAll(root, 'head');
  return { root, base };
}

describe('local repository snapshot', () => {
  it('reads the source files at the base ref through ls-tree and one cat-file --batch', async () => {
    const { root, base } = repo();
    const snap = await readLocalSnapshot({ root, ref: base, budget: BUDGET, changedPaths: ['src/lib/payments.ts'] });
    expect(snap.ref).toBe(base);
    expect(snap.files.map((f) => f.path)).toEqual(['src/lib/payments.ts', 'src/orders/cancel.ts']);
    // Base version, not the head's.
    expect(snap.files[0]!.source).toBe(PAYMENTS);
    expect(snap.truncated).toBe(false);
    expect(snap.stats.scanned).toBe(5);
  });

  it('cuts at the budget to the touched packages', async () => {
    const { root, base } = repo();
    const snap = await readLocalSnapshot({ root, ref: base, budget: { ...BUDGET, maxFiles: 1 }, changedPaths: ['src/orders/cancel.ts'] });
    expect(snap.truncated).toBe(true);
    expect(snap.scope).toEqual(['src/orders']);
    expect(snap.note).toBe('The repository snapshot was cut at 1 file: the repository model covers `src/orders`; 1 more file they import was left out to stay within the budget.');
  });

  it('over the budget, reads the touched package and what it imports first, wherever they sit in the tree', async () => {
    const root = tempDir();
    git(root, 'init', '-q');
    writeFiles(root, {
      'src/aa/one.ts': "import { two } from './two';\nexport const one = () => fetch('https://a.example.com');\n",
      'src/aa/two.ts': "import { one } from './one';\nexport const two = () => fetch('https://b.example.com');\n",
      'src/orders/cancel.ts': "import { refund } from '../zz/payments';\nexport const cancel = (id: string) => refund(id);\n",
      'src/zz/payments.ts': PAYMENTS,
    });
    const base = commitAll(root, 'base');
    const snap = await readLocalSnapshot({ root, ref: base, budget: { ...BUDGET, maxFiles: 2 }, changedPaths: ['src/orders/cancel.ts'] });
    expect(snap.truncated).toBe(true);
    // `src/zz/payments.ts` comes last in the tree, yet the cut keeps it: the touched module imports it.
    expect(snap.files.map((f) => f.path).sort()).toEqual(['src/orders/cancel.ts', 'src/zz/payments.ts']);
  });

  it('the CLI review carries the repository model: the adapter, and the new direct edge on the map', async () => {
    const { root } = repo();
    const source = await LocalGitSource.open({ cwd: root, base: 'main', head: 'feature' });
    expect(await source.baseSnapshotRef()).toBe(source.mergeBase);
    const { code, stdout } = await run(['--format', 'json', '--base', 'main', '--head', 'feature', '--no-agent'], { cwd: root });
    expect(code).toBeLessThan(2);
    const report = JSON.parse(stdout) as { findings: Array<{ ruleId?: string; path: string; line: number; body?: string }>; repository?: { adapters: Array<{ service: string; module: string }>; files: number; truncated: boolean }; integrationMap?: { edges: Array<{ module: string; service: string; status: string }> } };
    expect(report.repository).toMatchObject({ truncated: false, files: 2 });
    expect(report.repository!.adapters.map((a) => [a.service, a.module])).toEqual([['Stripe', 'src/lib/payments']]);
    expect(report.integrationMap!.edges.filter((e) => e.status === 'added').map((e) => [e.module, e.service])).toEqual([['src/billing/direct', 'Stripe']]);
    // The direct call beside the adapter gets the bypass finding on its line, in the CLI as in the App.
    expect(report.findings.filter((f) => f.ruleId === 'adapter-bypass').map((f) => [f.path, f.line])).toEqual([['src/billing/direct.ts', 4]]);
  });
});
