import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { parseDiff } from '../../src/diff/parse.js';
import { baseChangeOf, matchPreExisting, planBaseAnalysis, tokenSimilarity, type BaseMatch, type HeadMatch } from '../../src/review/differential.js';
import type { Finding } from '../../src/review/finding.js';
import { silentLogger, type ReviewResult } from '../../src/review/ports.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';
import { codeTokens } from '../../src/rules/match-signature.js';
import type { Rule } from '../../src/rules/types.js';
import { gitChange, sourceOf, type Change } from './git-change.js';

/** A deterministic AST rule for these tests: a `fetch(…)` call without `signal`, reported over the call's lines. */
const fetchWithoutTimeout: Rule = {
  id: 'test-fetch-without-timeout',
  category: 'resilience',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript'],
  title: 'fetch without a timeout',
  why: 'A slow upstream holds the request open.',
  fix: 'Pass `signal: AbortSignal.timeout(ms)`.',
  check: (ctx) =>
    ctx.root
      .root()
      .findAll('fetch($$$ARGS)')
      .filter((n) => !n.text().includes('signal'))
      .map((n) => ({ line: n.range().start.line + 1, endLine: n.range().end.line + 1 })),
};

async function review(change: Change, opts: { base?: boolean; failBase?: string } = {}): Promise<ReviewResult & { baseReads: string[] }> {
  const source = sourceOf(change, opts);
  // The integration map reads base versions of its own (tested in integration-map.test.ts): off here, so base reads are differential analysis's alone.
  const config = { ...defaultConfig(), integration_map: { ...defaultConfig().integration_map, enabled: false } };
  const result = await reviewPullRequest({ source, config, target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger, rules: [fetchWithoutTimeout] });
  return { ...result, baseReads: source.baseReads };
}

const at = (fs: readonly Finding[]) => fs.map((f) => `${f.path}:${f.line}`);
const preExisting = (r: ReviewResult) => (r.demoted ?? []).filter((d) => d.reason === 'pre-existing');

const ORDERS = [
  "import { log } from './log';",
  '',
  'export async function loadOrder(id: string) {',
  '  const res = await fetch(`https://orders.internal/${id}`);',
  '  return res.json();',
  '}',
  '',
].join('\n');

describe('differential analysis through reviewPullRequest', () => {
  it('demotes a line only re-touched (an argument added), and keeps a genuinely new match inline', async () => {
    const head = ORDERS.replace('fetch(`https://orders.internal/${id}`)', "fetch(`https://orders.internal/${id}`, { headers: { accept: 'application/json' } })").replace(
      '  return res.json();',
      "  await fetch('https://audit.internal/orders', { method: 'POST' });\n  return res.json();",
    );
    const r = await review(gitChange({ 'src/orders.ts': ORDERS }, { 'src/orders.ts': head }));
    expect(at(r.inline)).toEqual(['src/orders.ts:5']);
    expect(at(preExisting(r).map((d) => d.finding))).toEqual(['src/orders.ts:4']);
    expect(preExisting(r)[0]!.why).toMatch(/already in the base version of this file/);
    expect(r.baseReads).toEqual(['src/orders.ts']);
    expect(r.notes).toEqual([]);
  });

  it('demotes a reformatted and re-indented call spread over several lines', async () => {
    const head = ORDERS.replace(
      '  const res = await fetch(`https://orders.internal/${id}`);',
      ['  if (id) {', '    const res = await fetch(', '      `https://orders.internal/${id}`,', '    );', '    return res.json();', '  }'].join('\n'),
    );
    const r = await review(gitChange({ 'src/orders.ts': ORDERS }, { 'src/orders.ts': head }));
    expect(r.inline).toEqual([]);
    expect(at(preExisting(r).map((d) => d.finding))).toEqual(['src/orders.ts:5']);
  });

  it('demotes a function moved verbatim to another file, reading the file it came from', async () => {
    const rest = "import { log } from './log';\n\nexport const VERSION = 2;\n";
    const moved = `import { log } from './log';\n\n${ORDERS.split('\n').slice(2).join('\n')}`;
    const r = await review(gitChange({ 'src/orders.ts': `${ORDERS}\nexport const VERSION = 2;\n` }, { 'src/orders.ts': rest, 'src/orders/load.ts': moved }));
    expect(r.inline).toEqual([]);
    expect(at(preExisting(r).map((d) => d.finding))).toEqual(['src/orders/load.ts:4']);
    expect(preExisting(r)[0]!.why).toBe('moved from `src/orders.ts`, where the base version has it already.');
    expect(r.baseReads).toEqual(['src/orders.ts']);
  });

  it('demotes a function moved within its file', async () => {
    const other = `export function total(a: number, b: number) {\n${Array.from({ length: 10 }, (_, i) => `  a += ${i};`).join('\n')}\n  return a + b;\n}\n`;
    const base = `${ORDERS}\n${other}`;
    const head = `import { log } from './log';\n\n${other}\n${ORDERS.split('\n').slice(2).join('\n')}`;
    const change = gitChange({ 'src/orders.ts': base }, { 'src/orders.ts': head });
    expect(change.diff).toContain('+  const res = await fetch(');
    const r = await review(change);
    expect(r.inline).toEqual([]);
    expect(preExisting(r)).toHaveLength(1);
  });

  it('counts occurrences: the base had 2, the head has 3, so one is new', async () => {
    const call = (indent: string) => `${indent}await fetch('https://ledger.internal/sync');`;
    const base = ['export async function sync() {', call('  '), call('  '), '}', ''].join('\n');
    const head = ['export async function sync(force: boolean) {', '  if (force) {', call('    '), call('    '), call('    '), '  }', '}', ''].join('\n');
    const r = await review(gitChange({ 'src/sync.ts': base }, { 'src/sync.ts': head }));
    // The two re-indented copies pair with the base's two; the third is new, and the three merge (one
    // fingerprint) into one inline finding on it.
    expect(at(r.inline)).toEqual(['src/sync.ts:5']);
    expect(r.inline[0]!.body).toContain('_The same code also appears at line 3, 4._');
    expect(preExisting(r)).toEqual([]);
  });

  it('reads a renamed file at its old path', async () => {
    const head = ORDERS.replace('fetch(`https://orders.internal/${id}`)', 'fetch(`https://orders.internal/v2/${id}`)');
    const r = await review(gitChange({ 'src/orders.ts': `${ORDERS}\n// one\n// two\n// three\n// four\n` }, { 'src/orders.ts': null, 'src/order-client.ts': `${head}\n// one\n// two\n// three\n// four\n` }));
    expect(r.files.find((f) => f.path === 'src/order-client.ts')?.selected).toBe(true);
    expect(r.inline).toEqual([]);
    expect(at(preExisting(r).map((d) => d.finding))).toEqual(['src/order-client.ts:4']);
    expect(r.baseReads).toEqual(['src/orders.ts']);
  });

  it('takes a deleted file as the source of a move', async () => {
    const legacy = `${ORDERS.replace(': string', '')}\n${Array.from({ length: 12 }, (_, i) => `export const LEGACY_${i} = '${i}';`).join('\n')}\n`;
    const kept = 'export const LIMIT = 10;\n';
    const r = await review(gitChange({ 'src/legacy/orders.js': legacy, 'src/orders.ts': kept }, { 'src/legacy/orders.js': null, 'src/orders.ts': `${kept}${ORDERS}` }));
    expect(r.files.map((f) => `${f.path} ${f.skipReason ?? 'reviewed'}`)).toEqual(['src/legacy/orders.js deleted', 'src/orders.ts reviewed']);
    expect(r.inline).toEqual([]);
    expect(preExisting(r)[0]!.why).toBe('moved from `src/legacy/orders.js`, where the base version has it already.');
  });

  it('reviews as before, with a note, when the source cannot read base versions or a base file fails', async () => {
    const head = ORDERS.replace('${id}`)', '${id}`, {})');
    const change = gitChange({ 'src/orders.ts': ORDERS }, { 'src/orders.ts': head });
    const without = await review(change, { base: false });
    expect(at(without.inline)).toEqual(['src/orders.ts:4']);
    expect(without.notes).toEqual(['The base versions of the changed files were not available, so every rule match on a changed line counts as new.']);
    const failing = await review(change, { failBase: 'src/orders.ts' });
    expect(at(failing.inline)).toEqual(['src/orders.ts:4']);
    expect(failing.notes).toEqual(['Could not read `src/orders.ts` at the base commit; rule matches that might come from it count as new.']);
  });

  it('reads no base file when every match is in new code unlike anything deleted', async () => {
    const head = `${ORDERS}\nexport async function ping() {\n  await fetch('https://health.internal/ping');\n}\n`;
    const r = await review(gitChange({ 'src/orders.ts': ORDERS, 'src/other.ts': 'export const A = 1;\n' }, { 'src/orders.ts': head, 'src/other.ts': null }));
    expect(at(r.inline)).toEqual(['src/orders.ts:9']);
    expect(r.baseReads).toEqual([]);
  });
});

describe('matching', () => {
  const sig = (ruleId: string, code: string, scope?: string) => ({ ruleId, line: 1, code: codeTokens(code).join(' '), ...(scope ? { scope } : {}) });
  const headOf = (code: string, scope?: string, ruleId = 'r'): HeadMatch => ({ path: 'b.go', basePath: 'b.go', signature: sig(ruleId, code, scope) });
  const baseOf = (code: string, scope?: string, ruleId = 'r', path = 'b.go'): BaseMatch => ({ path, signature: sig(ruleId, code, scope) });

  it('pairs by rule and normalised code whatever the path, whitespace and trailing commas', () => {
    const paired = matchPreExisting([headOf('foo(a,\n   b,)')], [baseOf('foo( a, b )', undefined, 'r', 'a.go')]);
    expect(paired.get(0)?.path).toBe('a.go');
  });

  it('pairs a re-touched line in the same function by token similarity, not across functions or rules', () => {
    const before = 'resp, err = client.Do(req)';
    const after = 'resp, err := client.Do(req.WithContext(ctx))';
    expect(tokenSimilarity(codeTokens(before), codeTokens(after))).toBeGreaterThanOrEqual(0.6);
    expect(matchPreExisting([headOf(after, 'Sync')], [baseOf(before, 'Sync')]).size).toBe(1);
    expect(matchPreExisting([headOf(after, 'Sync')], [baseOf(before, 'Export')]).size).toBe(0);
    expect(matchPreExisting([headOf(after, 'Sync')], [baseOf(before, 'Sync', 'other-rule')]).size).toBe(0);
    expect(matchPreExisting([headOf('x := Compute(a)', 'Sync')], [baseOf('fmt.Errorf("fail: %v", err)', 'Sync')]).size).toBe(0);
  });

  it('consumes each base match once', () => {
    const paired = matchPreExisting([headOf('f(x)'), headOf('f(x)'), headOf('f(x)')], [baseOf('f(x)'), baseOf('f(x)')]);
    expect([...paired.keys()]).toEqual([0, 1]);
  });

  it('reads deleted lines and insertion points from the hunks', () => {
    const [file] = parseDiff({ kind: 'unified', text: 'diff --git a/x.go b/x.go\n--- a/x.go\n+++ b/x.go\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n+d\n e\n' }).files;
    const change = baseChangeOf(file!);
    expect([...change.deleted]).toEqual([2]);
    expect([...change.insertedAfter]).toEqual([2, 3]);
    expect(change.deletedText.get(2)).toBe('b');
  });

  it('plans base files only where a counterpart could be, with the rules that matched', () => {
    const files = [
      { path: 'a.ts', language: 'typescript' as const, change: { deleted: new Set([3]), insertedAfter: new Set<number>(), deletedText: new Map([[3, '  await fetch(url);']]) } },
      { path: 'b.ts', language: 'typescript' as const, change: { deleted: new Set([1]), insertedAfter: new Set<number>(), deletedText: new Map([[1, 'const x = 1;']]) } },
    ];
    const match = (path: string, text: string, ruleId: string, added = true) => ({ path, basePath: path, signature: sig(ruleId, text), lines: [text], added: new Set(added ? [1] : []) });
    const plan = planBaseAnalysis([match('c.ts', 'await fetch(url)', 'r1'), match('b.ts', 'await post(url)', 'r2'), match('b.ts', 'send()', 'r3', false)], files);
    expect(Object.fromEntries([...plan].map(([p, ids]) => [p, [...ids]]))).toEqual({ 'a.ts': ['r1'], 'b.ts': ['r3'] });
  });
});
