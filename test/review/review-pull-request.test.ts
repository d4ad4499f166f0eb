import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { buildLearnings } from '../../src/review/feedback.js';
import { fingerprint } from '../../src/review/fingerprint.js';
import { parseMarker } from '../../src/review/marker.js';
import { renderSummary } from '../../src/review/render.js';
import type { Finding } from '../../src/review/finding.js';
import { silentLogger, type FileContent, type PullRequestSource, type Publisher, type ReviewResult, type Reviewer, type ReviewerInput, type ReviewerOutput } from '../../src/review/ports.js';
import { reviewPullRequest, type ReviewPullRequestDeps } from '../../src/review/review-pull-request.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/types.js';

const DIFF = `diff --git a/src/payments/client.ts b/src/payments/client.ts
index 1111111..2222222 100644
--- a/src/payments/client.ts
+++ b/src/payments/client.ts
@@ -1,7 +1,8 @@
 import { logger } from '../log.js';
 
 export async function charge(amount: number): Promise<Response> {
-  const res = await fetch('https://api.stripe.com/v1/charges', { method: 'POST' });
+  logger.info('charging');
+  const res = await fetch('https://api.stripe.com/v1/charges', { method: 'POST', body: String(amount) });
   return res;
 }
 
diff --git a/src/orders/repo.ts b/src/orders/repo.ts
index 5555555..6666666 100644
--- a/src/orders/repo.ts
+++ b/src/orders/repo.ts
@@ -1,3 +1,4 @@
 export async function loadOrder(id: string) {
+  await fetch(\`https://orders.internal/\${id}\`);
   return id;
 }
diff --git a/README.md b/README.md
index 3333333..4444444 100644
--- a/README.md
+++ b/README.md
@@ -1,2 +1,3 @@
 # Shop
+Payments now log each charge.
 
`;

const CLIENT = [
  "import { logger } from '../log.js';",
  '',
  'export async function charge(amount: number): Promise<Response> {',
  "  logger.info('charging');",
  "  const res = await fetch('https://api.stripe.com/v1/charges', { method: 'POST', body: String(amount) });",
  '  return res;',
  '}',
  '',
  ...Array.from({ length: 22 }, (_, i) => `export const C${i} = ${i};`),
].join('\n');
const REPO = ['export async function loadOrder(id: string) {', '  await fetch(`https://orders.internal/${id}`);', '  return id;', '}'].join('\n');
const HEAD: Record<string, string> = { 'src/payments/client.ts': CLIENT, 'src/orders/repo.ts': REPO, 'README.md': '# Shop\nPayments now log each charge.\n' };

/** A deterministic rule for the test: a `fetch(` call without a `signal`. */
const fetchWithoutTimeout: Rule = {
  id: 'test-fetch-without-timeout',
  category: 'resilience',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript'],
  title: 'fetch without a timeout',
  why: 'A slow upstream holds the request open.',
  fix: 'Pass `signal: AbortSignal.timeout(ms)`.',
  check: (ctx) => ctx.lines.flatMap((text, i) => (text.includes('fetch(') && !text.includes('signal') ? [{ line: i + 1 }] : [])),
};

function source(): PullRequestSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    loadDiff: async () => ({ kind: 'unified', text: DIFF }),
    readFile: async (path: string): Promise<FileContent | undefined> => {
      reads.push(path);
      const text = HEAD[path];
      return text === undefined ? undefined : { text, size: text.length, binary: false };
    },
  };
}

const agentFinding = (over: Partial<Finding> & Pick<Finding, 'path' | 'line' | 'category'>): Finding => ({
  side: 'RIGHT',
  severity: 'medium',
  title: 'Agent finding',
  body: 'Agent body.',
  source: 'agent',
  fingerprint: fingerprint({ category: over.category, path: over.path, code: [`line ${over.line}`] }),
  ...over,
});

const AGENT_FINDINGS: Finding[] = [
  agentFinding({ path: 'src/payments/client.ts', line: 5, category: 'resilience', body: 'Stripe can take 30 seconds under load; the checkout worker pool drains while waiting.' }),
  agentFinding({ path: 'src/payments/client.ts', line: 4, category: 'coupling', title: 'Global logger import', body: 'The client reaches for a global logger; inject it.' }),
  agentFinding({ path: 'src/payments/client.ts', line: 25, category: 'abstraction', title: 'Constants belong in config', body: 'Move these constants.' }),
  agentFinding({ path: 'src/ghost.ts', line: 1, category: 'security', title: 'Made-up file', body: 'Not in this change.' }),
];

function reviewer(out: Partial<ReviewerOutput> = {}): Reviewer & { inputs: ReviewerInput[] } {
  const inputs: ReviewerInput[] = [];
  return {
    name: 'fake',
    inputs,
    review: async (input) => {
      inputs.push(input);
      return { findings: AGENT_FINDINGS, questions: ['Is the charge idempotent?'], assessment: 'Mostly fine.', notes: ['Agent note.'], ...out };
    },
  };
}

const throwingReviewer: Reviewer = {
  name: 'down',
  review: async () => {
    throw new Error('503 from the model API');
  },
};

function publisher(): Publisher & { published: ReviewResult[] } {
  const published: ReviewResult[] = [];
  return { published, publish: async (r) => void published.push(r) };
}

const run = (over: Partial<ReviewPullRequestDeps> = {}, config: Config = defaultConfig()) =>
  reviewPullRequest({
    source: source(),
    config,
    target: { repository: 'acme/shop', number: 7, headSha: 'abc123' },
    log: silentLogger,
    rules: [fetchWithoutTimeout],
    ...over,
  });

const where = (fs: Finding[]) => fs.map((f) => `${f.path}:${f.line}:${f.source}:${f.category}`);

describe('reviewPullRequest', () => {
  it('reviews a small pull request: rule and agent findings inline, the rest in the summary, every file accounted for', async () => {
    const pub = publisher();
    const res = await run({ reviewer: reviewer(), publisher: pub });

    expect(where(res.inline)).toEqual([
      'src/orders/repo.ts:2:rule:resilience',
      'src/payments/client.ts:5:rule:resilience',
      'src/payments/client.ts:4:agent:coupling',
    ]);
    const merged = res.inline[1]!;
    expect(merged.ruleId).toBe('test-fetch-without-timeout');
    expect(merged.body).toContain('**Reviewer note:** Stripe can take 30 seconds');

    expect(res.summaryOnly.map((s) => [s.finding.path, s.finding.line, s.reason])).toEqual([['src/payments/client.ts', 25, 'not-in-diff']]);

    expect(res.files.map((f) => [f.path, f.selected, f.skipReason])).toEqual([
      ['src/payments/client.ts', true, undefined],
      ['src/orders/repo.ts', true, undefined],
      ['README.md', false, 'docs'],
    ]);
    expect(res.questions).toEqual(['Is the charge idempotent?']);
    expect(res.assessment).toBe('Mostly fine.');
    expect(res.notes).toContain('Agent note.');
    expect(res.notes).toContain('1 agent finding(s) about files outside the reviewed set were discarded.');
    expect(res.counts).toMatchObject({ resilience: 2, coupling: 1, abstraction: 1, security: 0 });
    expect(res.lineMaps.get('src/payments/client.ts')?.added).toEqual(new Set([4, 5]));
    expect(pub.published).toEqual([res]);
  });

  it('gives the reviewer the selected files with their head text and the rule findings as hints', async () => {
    const rev = reviewer();
    await run({ reviewer: rev });
    const input = rev.inputs[0]!;
    expect(input.files.map((f) => f.diff.path)).toEqual(['src/payments/client.ts', 'src/orders/repo.ts']);
    expect(input.files[0]!.headText).toBe(CLIENT);
    expect(input.hints.map((h) => `${h.path}:${h.line}`)).toEqual(['src/payments/client.ts:5', 'src/orders/repo.ts:2']);
  });

  it('falls back to the rules when the reviewer throws, and says so', async () => {
    const pub = publisher();
    const res = await run({ reviewer: throwingReviewer, publisher: pub });
    expect(where(res.inline)).toEqual(['src/orders/repo.ts:2:rule:resilience', 'src/payments/client.ts:5:rule:resilience']);
    expect(res.summaryOnly).toEqual([]);
    expect(res.notes).toContain('The agent reviewer was unavailable, so this review comes from the deterministic rules only.');
    expect(res.questions).toEqual([]);
    expect(pub.published).toHaveLength(1);
  });

  it('does not call the reviewer when the agent is turned off', async () => {
    const rev = reviewer();
    const res = await run({ reviewer: rev }, { ...defaultConfig(), agent: { ...defaultConfig().agent, enabled: false } });
    expect(rev.inputs).toHaveLength(0);
    expect(res.inline.every((f) => f.source === 'rule')).toBe(true);
  });

  it('restricts findings and the reviewer to onlyPaths, but still lists every file', async () => {
    const rev = reviewer();
    const res = await run({ reviewer: rev, onlyPaths: new Set(['src/orders/repo.ts']) });
    expect(rev.inputs[0]!.files.map((f) => f.diff.path)).toEqual(['src/orders/repo.ts']);
    expect(where(res.inline)).toEqual(['src/orders/repo.ts:2:rule:resilience']);
    expect(res.summaryOnly).toEqual([]);
    expect(res.files).toHaveLength(3);
  });

  it('does not repeat findings an earlier review posted, counts them, and keeps them in the marker fingerprints', async () => {
    const first = await run({ reviewer: reviewer() });
    const second = await run({ reviewer: reviewer(), alreadyPosted: new Set(first.fingerprints) });
    expect(second.inline).toEqual([]);
    expect(second.summaryOnly).toEqual([]);
    expect(second.alreadyPosted).toBe(first.inline.length + first.summaryOnly.length);
    expect(new Set(second.fingerprints)).toEqual(new Set(first.fingerprints));
  });

  it('posts only the new finding when one of two was posted before', async () => {
    const first = await run();
    const posted = first.inline.find((f) => f.path === 'src/orders/repo.ts')!;
    const second = await run({ alreadyPosted: new Set([posted.fingerprint]) });
    expect(where(second.inline)).toEqual(['src/payments/client.ts:5:rule:resilience']);
    expect(second.alreadyPosted).toBe(1);
  });

  it('reviews a file from the diff alone when its head cannot be read, and notes it', async () => {
    const src = source();
    const failing: PullRequestSource = {
      loadDiff: src.loadDiff,
      readFile: async (path, max) => {
        if (path === 'src/orders/repo.ts') throw new Error('GitHub 502');
        return src.readFile(path, max);
      },
    };
    const res = await run({ source: failing });
    expect(res.notes).toContain('Could not read `src/orders/repo.ts` at the head commit; reviewed from the diff alone.');
    expect(where(res.inline)).toEqual(['src/payments/client.ts:5:rule:resilience']);
  });

  it('reads the head only of files the path pass selected', async () => {
    const src = source();
    await run({ source: src });
    expect(src.reads.sort()).toEqual(['src/orders/repo.ts', 'src/payments/client.ts']);
  });
});

describe('reviewPullRequest: findings still open at head (issue 7, item 10)', () => {
  /** The marker a first, full review leaves: both rule findings (high) with severity and path. */
  const firstMarker = async () => parseMarker(renderSummary(await run()))!;

  it('carries the last marker’s findings on files an incremental review did not re-review, and counts them as still open', async () => {
    const last = await firstMarker();
    expect(last.open?.map((f) => f.severity)).toEqual(['high', 'high']);
    const res = await run({ onlyPaths: new Set(['src/orders/repo.ts']), alreadyPosted: new Set(last.fingerprints), lastOpen: last.open! });
    expect(res.inline).toEqual([]);
    // repo.ts was re-reviewed and still has its finding; client.ts was not, so its finding is carried.
    expect(res.earlier?.map((e) => [e.severity, e.finding?.path])).toEqual([
      ['high', 'src/orders/repo.ts'],
      ['high', undefined],
    ]);
    const next = parseMarker(renderSummary(res))!;
    expect(new Set(next.open)).toEqual(new Set(last.open));
  });

  it('does not carry a finding whose file was re-reviewed and no longer has it (fixed)', async () => {
    const last = await firstMarker();
    const fixed: Rule = { ...fetchWithoutTimeout, check: (ctx) => (ctx.path === 'src/orders/repo.ts' ? [] : fetchWithoutTimeout.check(ctx)) };
    const res = await run({ rules: [fixed], onlyPaths: new Set(['src/orders/repo.ts']), alreadyPosted: new Set(last.fingerprints), lastOpen: last.open! });
    expect(res.earlier?.map((e) => [e.severity, e.finding?.path])).toEqual([['high', undefined]]);
    expect(res.open).toHaveLength(1);
  });

  it('carries nothing on a full review: every file was re-reviewed', async () => {
    const last = await firstMarker();
    const res = await run({ rules: [], alreadyPosted: new Set(last.fingerprints), lastOpen: last.open! });
    expect(res.earlier).toEqual([]);
    expect(res.open).toEqual([]);
  });
});

describe('reviewPullRequest: per-rule overrides in config (issue 11, item 2)', () => {
  const withRules = (rules: Config['rules']): Config => ({ ...defaultConfig(), rules });

  it('runs a rule only on files matching its `paths`', async () => {
    const res = await run({}, withRules({ 'test-fetch-without-timeout': { paths: ['src/payments/**'] } }));
    expect(where(res.inline)).toEqual(['src/payments/client.ts:5:rule:resilience']);
  });

  it('never runs a rule on files matching its `exclude`, which wins over `paths`', async () => {
    const res = await run({}, withRules({ 'test-fetch-without-timeout': { paths: ['src/**'], exclude: ['client.ts'] } }));
    expect(where(res.inline)).toEqual(['src/orders/repo.ts:2:rule:resilience']);
  });

  it('gives every finding of a rule the configured severity', async () => {
    const res = await run({}, withRules({ 'test-fetch-without-timeout': { severity: 'low' } }));
    expect(res.inline.map((f) => f.severity)).toEqual(['low', 'low']);
  });

  it('drops the findings of a rule whose configured severity is under min_severity', async () => {
    const res = await run({}, { ...withRules({ 'test-fetch-without-timeout': { severity: 'low' } }), min_severity: 'medium' });
    expect(res.inline).toEqual([]);
  });
});

describe('reviewPullRequest: suppression in code (issue 11, item 2)', () => {
  const SUPPRESSED_DIFF = `diff --git a/src/orders/repo.ts b/src/orders/repo.ts
index 5555555..6666666 100644
--- a/src/orders/repo.ts
+++ b/src/orders/repo.ts
@@ -1,3 +1,6 @@
 export async function loadOrder(id: string) {
+  // arch-review-ignore test-fetch-without-timeout: the orders mesh sidecar enforces a 2 s deadline
+  await fetch(\`https://orders.internal/\${id}\`);
+  await fetch(\`https://audit.internal/\${id}\`); // arch-review-ignore test-fetch-without-timeout
   return id;
 }
`;
  const HEAD_TEXT = [
    'export async function loadOrder(id: string) {',
    '  // arch-review-ignore test-fetch-without-timeout: the orders mesh sidecar enforces a 2 s deadline',
    '  await fetch(`https://orders.internal/${id}`);',
    '  await fetch(`https://audit.internal/${id}`); // arch-review-ignore test-fetch-without-timeout',
    '  return id;',
    '}',
  ].join('\n');
  const suppressedSource = (): PullRequestSource => ({
    loadDiff: async () => ({ kind: 'unified', text: SUPPRESSED_DIFF }),
    readFile: async () => ({ text: HEAD_TEXT, size: HEAD_TEXT.length, binary: false }),
  });
  const withoutReason = (): Rule => {
    // The registry's rule, run with the test rule.
    const r = ALL_RULES.find((x) => x.id === 'suppression-without-reason');
    if (!r) throw new Error('suppression-without-reason is not registered');
    return r;
  };

  it('leaves suppressed rule and agent findings out, counts them, flags the directive without a reason inline, and says so in the summary', async () => {
    const agentOnLine3 = agentFinding({ path: 'src/orders/repo.ts', line: 3, category: 'resilience', title: 'Orders call can hang' });
    const agentOnLine3Coupling = agentFinding({ path: 'src/orders/repo.ts', line: 3, category: 'coupling', title: 'Orders URL hard-coded' });
    const res = await run({ source: suppressedSource(), rules: [fetchWithoutTimeout, withoutReason()], reviewer: reviewer({ findings: [agentOnLine3, agentOnLine3Coupling] }) });
    expect(res.inline.map((f) => `${f.line}:${f.ruleId ?? f.category}`)).toEqual(['3:coupling', '4:suppression-without-reason']);
    expect(res.suppressed!.map((s) => `${s.finding.line}:${s.finding.ruleId ?? s.finding.category}:${s.by.reason ?? '-'}`)).toEqual([
      '3:test-fetch-without-timeout:the orders mesh sidecar enforces a 2 s deadline',
      '4:test-fetch-without-timeout:-',
      // The agent's version of the silenced rule finding (same line and category) goes with it.
      '3:resilience:the orders mesh sidecar enforces a 2 s deadline',
    ]);
    expect(res.fingerprints).not.toContain(res.suppressed![0]!.finding.fingerprint);
    expect(renderSummary(res)).toContain('3 findings suppressed in code (`arch-review-ignore` comments).');
  });

  it('suppresses agent findings by category name', async () => {
    const agentOnLine3 = agentFinding({ path: 'src/orders/repo.ts', line: 3, category: 'resilience', title: 'Orders call can hang' });
    const res = await run({ source: suppressedSource(), rules: [], reviewer: reviewer({ findings: [agentOnLine3] }) });
    expect(res.inline.map((f) => f.title)).toEqual(['Orders call can hang']);
    expect(res.suppressed).toBeUndefined();
    // The directive names a rule id, not the category: an agent finding needs `resilience` (or `all`).
    const byCategory = HEAD_TEXT.replace('test-fetch-without-timeout: the orders', 'resilience: the orders');
    const res2 = await run({
      source: { loadDiff: async () => ({ kind: 'unified', text: SUPPRESSED_DIFF.replace('test-fetch-without-timeout: the orders', 'resilience: the orders') }), readFile: async () => ({ text: byCategory, size: 1, binary: false }) },
      rules: [],
      reviewer: reviewer({ findings: [agentOnLine3] }),
    });
    expect(res2.inline).toEqual([]);
    expect(res2.suppressed!.map((s) => s.finding.title)).toEqual(['Orders call can hang']);
  });
});

describe('reviewPullRequest with learnings from feedback', () => {
  const learned = (events: Parameters<typeof buildLearnings>[0], threshold = 3) => ({ learnings: async () => buildLearnings(events, new Map(), threshold) });

  it('never posts a dismissed fingerprint again: it is listed as dismissed, and the rest of the review is unchanged', async () => {
    const first = await run();
    const target = first.inline.find((f) => f.path === 'src/orders/repo.ts')!;
    const res = await run({ feedback: learned([{ kind: 'dismissed', fingerprint: target.fingerprint, ruleId: target.ruleId!, reason: 'thumbs-down', prNumber: 3, at: '2026-01-01T00:00:00.000Z' }]) });
    expect(res.inline.map((f) => f.fingerprint)).toEqual(first.inline.filter((f) => f !== target).map((f) => f.fingerprint));
    expect(res.demoted?.map((d) => [d.finding.fingerprint, d.reason])).toContainEqual([target.fingerprint, 'dismissed']);
    expect(res.fingerprints).not.toContain(target.fingerprint);
    expect(res.learned).toEqual({ suppressed: { 'test-fetch-without-timeout': 1 }, summaryOnlyRules: [] });
  });

  it('sends a rule dismissed 3 times to the summary with a note, and leaves a review without a feedback port alone', async () => {
    const events = ['1', '2', '3'].map((d) => ({ kind: 'dismissed' as const, fingerprint: d.repeat(16), ruleId: 'test-fetch-without-timeout', reason: 'resolved' as const, prNumber: 2, at: '2026-01-01T00:00:00.000Z' }));
    const res = await run({ feedback: learned(events) });
    expect(res.inline).toEqual([]);
    expect(res.summaryOnly.map((s) => s.reason)).toEqual(['learned-summary-only', 'learned-summary-only']);
    expect(res.notes.filter((n) => n.includes('/arch-review forget test-fetch-without-timeout'))).toHaveLength(1);
    expect(res.learned?.summaryOnlyRules).toEqual(['test-fetch-without-timeout']);
    const plain = await run();
    expect(plain.inline).toHaveLength(2);
    expect(plain.learned).toBeUndefined();
  });

  it('reviews on without learnings when the feedback port fails, and says so', async () => {
    const res = await run({ feedback: { learnings: async () => Promise.reject(new Error('redis down')) } });
    expect(res.inline).toHaveLength(2);
    expect(res.notes).toContain('Feedback learned from earlier reviews could not be read, so dismissed findings may be posted again.');
  });
});
