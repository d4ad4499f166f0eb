import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileArchitecture, declaredLayerOf, judgeFiles, type ArchitectureFile, type BoundaryViolation, type ResolveContext } from '../../src/architecture/index.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { RuleLanguage } from '../../src/diff/types.js';

const CONFIG = `
architecture:
  modules:
    api: "**/api/**"
    domain: "**/domain/**"
    adapters: "**/adapters/**"
  layers: [api, domain, adapters]
  forbid:
    - name: vendor-sdks-only-in-adapters
      to: vendor:*
      except: adapters
      reason: Vendor SDKs belong in the adapters.
    - name: api-not-to-adapters
      from: api
      to: adapters
      reason: Handlers go through the domain.
`;
const compiled = compileArchitecture(loadConfig(CONFIG).config.architecture!);

const LANG: Record<string, RuleLanguage> = { ts: 'typescript', py: 'python', go: 'go', java: 'java' };

function fixture(name: string): ArchitectureFile[] {
  const dir = new URL(`fixtures/${name}/`, import.meta.url);
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .map((p) => p.split('\\').join('/'))
    .flatMap((p) => {
      const language = LANG[p.slice(p.lastIndexOf('.') + 1)];
      return language ? [{ path: p, language, source: readFileSync(new URL(p, dir), 'utf8') }] : [];
    });
}

const brief = (vs: BoundaryViolation[]) => vs.map((v) => `${v.path}:${v.line} ${v.rule} ${v.target ?? v.specifier}`).sort();

describe('judgeFiles on the fixture repositories (every path known)', () => {
  const judge = (name: string, ctx: Omit<ResolveContext, 'paths'> = {}) => {
    const files = fixture(name);
    return brief(judgeFiles(compiled, files, { ...ctx, paths: new Set(files.map((f) => f.path)) }));
  };

  it('TypeScript: a vendor SDK outside the adapters, an upward import, and an alias resolved through tsconfig paths', () => {
    expect(judge('ts-layers', { tsPaths: { '@shop/*': ['src/*'] } })).toEqual([
      'src/api/handler.ts:2 api-not-to-adapters src/adapters/payments.ts',
      'src/domain/order.ts:1 vendor-sdks-only-in-adapters stripe',
      'src/domain/order.ts:2 layers src/api/handler.ts',
    ]);
  });

  it('Python: relative imports climb packages, absolute ones resolve to files', () => {
    expect(judge('py-layers')).toEqual(['app/domain/order.py:1 vendor-sdks-only-in-adapters stripe', 'app/domain/order.py:2 layers app/api/views.py']);
  });

  it('Go: packages under the go.mod module path', () => {
    expect(judge('go-layers', { goModule: 'github.com/acme/shop' })).toEqual([
      'internal/domain/order.go:6 layers internal/api',
      'internal/domain/order.go:7 vendor-sdks-only-in-adapters github.com/stripe/stripe-go/v76',
    ]);
  });

  it('Go without go.mod: the module prefix is found from the repository directories', () => {
    expect(judge('go-layers')).toContain('internal/domain/order.go:6 layers internal/api');
  });

  it('Java: classes by package path, a wildcard import as its package', () => {
    expect(judge('java-layers')).toEqual([
      'src/main/java/com/acme/api/OrderController.java:4 api-not-to-adapters src/main/java/com/acme/adapters',
      'src/main/java/com/acme/domain/Order.java:3 layers src/main/java/com/acme/api/OrderController.java',
      'src/main/java/com/acme/domain/Order.java:4 vendor-sdks-only-in-adapters com.stripe.model.Charge',
    ]);
  });
});

describe('judgeFiles from the changed files alone (no repository listing)', () => {
  it('guesses targets that fall in a declared module, in each language', () => {
    const all = ['ts-layers', 'py-layers', 'go-layers', 'java-layers'].flatMap((n) => fixture(n).filter((f) => /\/domain\/order|Order(Controller)?\.java$/.test(f.path)));
    const got = brief(judgeFiles(compiled, all));
    expect(got).toEqual(
      expect.arrayContaining([
        'src/domain/order.ts:2 layers src/api/handler',
        // Without the listing, `from ..api import views` is read as the package itself.
        'app/domain/order.py:2 layers app/api/__init__.py',
        'internal/domain/order.go:6 layers internal/api',
        'src/main/java/com/acme/domain/Order.java:3 layers src/main/java/com/acme/api/OrderController.java',
        'src/main/java/com/acme/api/OrderController.java:4 api-not-to-adapters src/main/java/com/acme/adapters',
      ]),
    );
  });

  it('judges only the imports touching the given lines', () => {
    const [order] = fixture('ts-layers').filter((f) => f.path === 'src/domain/order.ts');
    expect(brief(judgeFiles(compiled, [{ ...order!, lines: new Set([1]) }]))).toEqual(['src/domain/order.ts:1 vendor-sdks-only-in-adapters stripe']);
    expect(judgeFiles(compiled, [{ ...order!, lines: new Set([5, 6]) }])).toEqual([]);
  });
});

describe('rules', () => {
  const judgeOne = (yaml: string, path: string, language: RuleLanguage, source: string) =>
    brief(judgeFiles(compileArchitecture(loadConfig(yaml).config.architecture!), [{ path, language, source }], { paths: new Set([path, 'src/adapters/pay.ts', 'src/domain/money.ts']) }));

  it('an allow entry clears an import of the layers and every forbid rule', () => {
    const yaml = `${CONFIG}  allow:\n    - from: src/domain/order.ts\n      to: vendor:stripe\n      reason: legacy, being moved\n`;
    expect(judgeOne(yaml, 'src/domain/order.ts', 'typescript', "import Stripe from 'stripe';\nimport { S3 } from '@aws-sdk/client-s3';\n")).toEqual([
      'src/domain/order.ts:2 vendor-sdks-only-in-adapters @aws-sdk/client-s3',
    ]);
  });

  it('vendor:<id> names one vendor, package:<name> a third-party package and its subpaths', () => {
    const yaml = `
architecture:
  modules: { domain: src/domain/** }
  forbid:
    - { name: no-stripe, to: vendor:stripe, reason: r }
    - { name: no-axios, from: domain, to: package:axios, reason: r }
`;
    const src = "import Stripe from 'stripe';\nimport { S3 } from '@aws-sdk/client-s3';\nimport axios from 'axios';\nimport x from 'axios/lib/x';\nimport y from 'axios-retry';\n";
    expect(judgeOne(yaml, 'src/domain/order.ts', 'typescript', src)).toEqual(['src/domain/order.ts:1 no-stripe stripe', 'src/domain/order.ts:3 no-axios axios', 'src/domain/order.ts:4 no-axios axios/lib/x']);
  });

  it('a layer may import itself and the layers below, never above; files outside the layers are free', () => {
    const src = "import { m } from './money';\nimport { p } from '../adapters/pay';\n";
    expect(judgeOne(CONFIG, 'src/domain/order.ts', 'typescript', src)).toEqual([]);
    expect(judgeOne(CONFIG, 'src/main.ts', 'typescript', "import { p } from './adapters/pay';\n")).toEqual([]);
  });
});

describe('declaredLayerOf', () => {
  it('is the first module, in file order, whose globs match the path', () => {
    const c = compileArchitecture(loadConfig('architecture:\n  modules:\n    stripe: src/adapters/stripe/**\n    adapters: src/adapters/**\n').config.architecture!);
    expect(declaredLayerOf(c, 'src/adapters/stripe/client.ts')).toBe('stripe');
    expect(declaredLayerOf(c, 'src/adapters/s3.ts')).toBe('adapters');
    expect(declaredLayerOf(c, 'src/main.ts')).toBeUndefined();
  });
});
