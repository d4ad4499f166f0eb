import { describe, expect, it } from 'vitest';
import { compileArchitecture } from '../../src/architecture/index.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { boundaryFindings } from '../../src/review/boundary-findings.js';
import { silentLogger, type FileContent, type PullRequestSource } from '../../src/review/ports.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';

const CONFIG = `
architecture:
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
`;

// The base already imported the api layer on line 1 (a violation nobody added now); the change adds Stripe.
const DIFF = `diff --git a/src/domain/order.ts b/src/domain/order.ts
index 1111111..2222222 100644
--- a/src/domain/order.ts
+++ b/src/domain/order.ts
@@ -1,4 +1,5 @@
 import { handler } from '../api/handler';
+import Stripe from 'stripe';
 
 export function place(id: string) {
   return handler(id);
`;
const HEAD = "import { handler } from '../api/handler';\nimport Stripe from 'stripe';\n\nexport function place(id: string) {\n  return handler(id);\n}\n";

function source(diff = DIFF, head = HEAD): PullRequestSource {
  return {
    loadDiff: async () => ({ kind: 'unified', text: diff }),
    readFile: async (path: string): Promise<FileContent | undefined> => (path === 'src/domain/order.ts' ? { text: head, size: head.length, binary: false } : undefined),
  };
}

const review = (config: Config, src = source()) => reviewPullRequest({ source: src, config, target: { repository: 'acme/shop', headSha: 'abc' }, log: silentLogger });

describe('declared boundaries in a pull-request review', () => {
  it('posts an architecture-boundary finding on the added import, naming the rule and its reason', async () => {
    const result = await review(loadConfig(CONFIG).config);
    const found = result.inline.filter((f) => f.ruleId === 'architecture-boundary');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'src/domain/order.ts', line: 2, category: 'coupling', severity: 'medium', title: 'Import breaks the declared rule `vendor-sdks-only-in-adapters`' });
    expect(found[0]!.body).toContain('`src/domain/order.ts` (module `domain`) imports `stripe`: breaks `vendor-sdks-only-in-adapters` (Vendor SDKs belong in src/adapters).');
    expect(found[0]!.body).toContain('**Fix:**');
  });

  it('says nothing about the pre-existing upward import on an unchanged line', async () => {
    const result = await review(loadConfig(CONFIG).config);
    const all = [...result.inline, ...result.summaryOnly.map((s) => s.finding), ...(result.demoted ?? []).map((d) => d.finding)];
    expect(all.filter((f) => f.ruleId === 'architecture-boundary').map((f) => f.line)).toEqual([2]);
  });

  it('follows rules: settings (severity, off) like any rule', async () => {
    const high = await review(loadConfig(`${CONFIG}rules:\n  architecture-boundary: { severity: high }\n`).config);
    expect(high.inline.find((f) => f.ruleId === 'architecture-boundary')?.severity).toBe('high');
    const off = await review(loadConfig(`${CONFIG}rules:\n  architecture-boundary: false\n`).config);
    expect(off.inline.find((f) => f.ruleId === 'architecture-boundary')).toBeUndefined();
  });

  it('is silenced by an arch-review-ignore comment on the line above, through the review\'s suppression step', async () => {
    const head = "import { handler } from '../api/handler';\n// arch-review-ignore architecture-boundary: moving to the adapter in #12\nimport Stripe from 'stripe';\n\nexport function place(id: string) {\n  return handler(id);\n}\n";
    const diff = DIFF.replace('@@ -1,4 +1,5 @@', '@@ -1,4 +1,6 @@').replace("+import Stripe from 'stripe';", "+// arch-review-ignore architecture-boundary: moving to the adapter in #12\n+import Stripe from 'stripe';");
    const result = await review(loadConfig(CONFIG).config, source(diff, head));
    expect(result.inline.find((f) => f.ruleId === 'architecture-boundary')).toBeUndefined();
    expect(result.suppressed?.map((s) => s.finding.ruleId)).toEqual(['architecture-boundary']);
  });

  it('does not count an import the change only moved within the file (deleted and added again)', async () => {
    const head = "import Stripe from 'stripe';\nimport { handler } from '../api/handler';\n\nexport function place(id: string) {\n  return handler(id);\n}\n";
    const diff = `diff --git a/src/domain/order.ts b/src/domain/order.ts
index 1111111..2222222 100644
--- a/src/domain/order.ts
+++ b/src/domain/order.ts
@@ -1,5 +1,5 @@
+import Stripe from 'stripe';
 import { handler } from '../api/handler';
-import Stripe from "stripe";
 
 export function place(id: string) {
   return handler(id);
`;
    const result = await review(loadConfig(CONFIG).config, source(diff, head));
    expect(result.inline.filter((f) => f.ruleId === 'architecture-boundary')).toEqual([]);
    // A different vendor on the deleted line does not hide the new one.
    const swapped = await review(loadConfig(CONFIG).config, source(diff.replace('-import Stripe from "stripe";', "-import { S3 } from '@aws-sdk/client-s3';"), head));
    expect(swapped.inline.filter((f) => f.ruleId === 'architecture-boundary').map((f) => f.line)).toEqual([1]);
  });

  it('finds nothing without architecture: boundaries', () => {
    const config = loadConfig('min_severity: low\n').config;
    expect(boundaryFindings({ config, files: [{ path: 'src/domain/order.ts', language: 'typescript', text: HEAD, added: new Set([1, 2]) }] })).toEqual([]);
  });

  it('judges with the architecture the review already compiled when given one (compiled once per review)', () => {
    const config = loadConfig(CONFIG).config;
    const files = [{ path: 'src/domain/order.ts', language: 'typescript' as const, text: HEAD, added: new Set([2]) }];
    expect(boundaryFindings({ config, files }).map((f) => f.line)).toEqual([2]);
    // A compiled architecture without the vendor rule: the given one is what judges, not config.architecture again.
    const lenient = compileArchitecture(loadConfig(CONFIG.replace(/ {2}forbid:[\s\S]*$/, '')).config.architecture!);
    expect(boundaryFindings({ config, files, compiled: lenient })).toEqual([]);
  });
});
