import { describe, expect, it } from 'vitest';
import { stripJsonComments } from '../../src/cli/check-command.js';
import { commitAll, git, run, tempDir, writeFiles } from './cli-helpers.js';
import { sarifErrors } from './sarif-schema.js';

const CONFIG = `architecture:
  modules:
    api: src/api/**
    domain: src/domain/**
    adapters: src/adapters/**
  layers: [api, domain, adapters]
  forbid:
    - name: vendor-sdks-only-in-adapters
      to: vendor:*
      except: adapters
      reason: Vendor SDKs belong in src/adapters.
paths:
  exclude: ["src/legacy/**"]
rules:
  architecture-boundary: { exclude: ["src/generated/**"] }
`;

const CLEAN = {
  '.github/arch-review.yml': CONFIG,
  'src/api/handler.ts': "import { place } from '../domain/order';\nexport const handler = place;\n",
  'src/domain/order.ts': "import { charge } from '../adapters/payments';\nexport const place = charge;\n",
  'src/adapters/payments.ts': "import Stripe from 'stripe';\nexport const charge = () => new Stripe('k');\n",
  // Excluded by paths.exclude: would break the vendor rule.
  'src/legacy/old.ts': "import Stripe from 'stripe';\nexport const s = Stripe;\n",
  // Excluded from the rule by its rules: setting.
  'src/generated/client.ts': "import Stripe from 'stripe';\nexport const s = Stripe;\n",
};

function repo(files: Record<string, string> = CLEAN): string {
  const dir = tempDir('arch-review-check-');
  git(dir, 'init', '-q');
  writeFiles(dir, files);
  commitAll(dir, 'init');
  return dir;
}

describe('arch-review check', () => {
  it('exits 0 on a repository that keeps its boundaries (paths.exclude and the rule\'s own exclude honoured)', async () => {
    const dir = repo();
    const res = await run(['check'], { cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^No architecture violations in 3 files \(working tree, \d+ ms\)\.\n$/);
  });

  it('prints violations grouped by rule and exits 1', async () => {
    const dir = repo();
    writeFiles(dir, { 'src/domain/order.ts': "import Stripe from 'stripe';\nimport { handler } from '../api/handler';\nexport const place = [Stripe, handler];\n" });
    const res = await run(['check'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('vendor-sdks-only-in-adapters (1 violation): Vendor SDKs belong in src/adapters.\n  src/domain/order.ts:1  imports stripe [Stripe SDK]');
    expect(res.stdout).toContain('layers (1 violation): Layers are ordered api → domain → adapters');
    expect(res.stdout).toContain('  src/domain/order.ts:2  imports ../api/handler (src/api/handler.ts)');
    expect(res.stdout).toMatch(/2 architecture violations in 3 files/);
  });

  it('reads a commit with --ref, not the working tree', async () => {
    const dir = repo();
    writeFiles(dir, { 'src/domain/order.ts': "import Stripe from 'stripe';\n" });
    const head = git(dir, 'rev-parse', 'HEAD');
    commitAll(dir, 'break it');
    expect((await run(['check', '--ref', head], { cwd: dir })).code).toBe(0);
    const broken = await run(['check', '--ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as { ref: string; violations: Array<{ rule: string; path: string; line: number; specifier: string; vendor: string; fingerprint: string }> };
    expect(report.ref).toBe('HEAD');
    expect(report.violations).toEqual([expect.objectContaining({ rule: 'vendor-sdks-only-in-adapters', path: 'src/domain/order.ts', line: 1, specifier: 'stripe', vendor: 'Stripe' })]);
    expect(report.violations[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('writes SARIF that the official 2.1.0 schema accepts', async () => {
    const dir = repo();
    writeFiles(dir, { 'src/domain/order.ts': "import Stripe from 'stripe';\n" });
    const res = await run(['check', '--format', 'sarif'], { cwd: dir });
    expect(res.code).toBe(1);
    const log = JSON.parse(res.stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations: unknown[]; message: { text: string } }> }> };
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0]!.results).toHaveLength(1);
    expect(log.runs[0]!.results[0]).toMatchObject({ ruleId: 'architecture-boundary', locations: [{ physicalLocation: { artifactLocation: { uri: 'src/domain/order.ts' }, region: { startLine: 1 } } }] });
    expect(log.runs[0]!.results[0]!.message.text).toContain('breaks `vendor-sdks-only-in-adapters`');
  });

  it('exits 2 on a configuration error, with its position, and when no boundaries are declared', async () => {
    const dir = repo({ ...CLEAN, '.github/arch-review.yml': CONFIG.replace('except: adapters', 'except: adaptrs') });
    const bad = await run(['check'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('.github/arch-review.yml:10:15');
    expect(bad.stderr).toContain('did you mean "adapters"?');
    const none = repo({ ...CLEAN, '.github/arch-review.yml': 'min_severity: low\n' });
    const res = await run(['check'], { cwd: none });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no boundaries to check');
  });

  it('resolves Go imports with the root go.mod and TS aliases with the root tsconfig.json', async () => {
    const dir = repo({
      '.github/arch-review.yml': 'architecture:\n  modules:\n    api: "**/api/**"\n    domain: "**/domain/**"\n  layers: [api, domain]\n',
      'go.mod': 'module example.com/shop\n\ngo 1.22\n',
      'internal/domain/order.go': 'package domain\n\nimport "example.com/shop/internal/api"\n\nvar X = api.Y\n',
      'internal/api/h.go': 'package api\n\nvar Y = 1\n',
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": "./web", /* aliases */ "paths": { "#app/*": ["src/*"] } } }\n',
      'web/src/domain/a.ts': "import { b } from '#app/api/b';\nexport const a = b;\n",
      'web/src/api/b.ts': 'export const b = 1;\n',
    });
    const res = await run(['check', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(res.stdout) as { violations: Array<{ path: string; target: string }> };
    expect(report.violations.map((v) => `${v.path} → ${v.target}`).sort()).toEqual(['internal/domain/order.go → internal/api', 'web/src/domain/a.ts → web/src/api/b.ts']);
  });
});

describe('arch-review check in a monorepo', () => {
  it('resolves workspace packages imported by name to their folders', async () => {
    const dir = repo({
      '.github/arch-review.yml': 'architecture:\n  modules:\n    apps: apps/**\n    core: packages/core/**\n  layers: [apps, core]\n',
      'package.json': '{ "name": "root", "private": true }\n',
      'apps/shop/package.json': '{ "name": "@acme/shop" }\n',
      'apps/shop/src/index.ts': "export const shop = 1;\n",
      'packages/core/package.json': '{ "name": "@acme/core" }\n',
      'packages/core/src/money/index.ts': "import { shop } from '@acme/shop';\nexport const money = shop;\n",
      'packages/core/src/index.ts': "export { money } from '@acme/core/money';\n",
    });
    const res = await run(['check', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(res.stdout) as { violations: Array<{ path: string; rule: string; target: string }> };
    expect(report.violations.map((v) => `${v.path} ${v.rule} ${v.target}`)).toEqual(['packages/core/src/money/index.ts layers apps/shop/src/index.ts']);
  });
});

describe('stripJsonComments', () => {
  it('drops comments and trailing commas but keeps strings that look like them', () => {
    expect(JSON.parse(stripJsonComments('{ "a": "//x", /* c */ "b": [1,], // d\n }'))).toEqual({ a: '//x', b: [1] });
  });
});
