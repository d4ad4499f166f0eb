import { describe, expect, it } from 'vitest';
import type { FileClassification } from '../../src/diff/types.js';
import { CATEGORIES, type Category } from '../../src/review/finding.js';
import { splitCodeSegments } from '../../src/review/markdown.js';
import { parseMarker } from '../../src/review/marker.js';
import type { ReviewResult, SummaryFinding } from '../../src/review/ports.js';
import { renderComment, renderSummary } from '../../src/review/render.js';
import { finding } from './factories.js';

function result(over: Partial<ReviewResult> = {}): ReviewResult {
  const inline = over.inline ?? [finding({ severity: 'high', category: 'security', line: 10 }), finding({ line: 11 })];
  const summaryOnly = over.summaryOnly ?? [{ finding: finding({ line: 99, severity: 'low', title: 'Retry without backoff', body: 'Retries hammer the API.' }), reason: 'not-in-diff' as const }];
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of [...inline, ...summaryOnly.map((s) => s.finding)]) counts[f.category]++;
  return {
    target: { repository: 'acme/shop', number: 7, headSha: 'abcdef1234567890' },
    inline,
    summaryOnly,
    files: [
      { path: 'src/pay.ts', selected: true, reason: 'integration code: imports stripe', signals: ['sdk:stripe'] },
      { path: 'package-lock.json', selected: false, reason: 'lockfile', skipReason: 'lockfile', signals: [] },
      { path: 'README.md', selected: false, reason: 'documentation', skipReason: 'docs', signals: [] },
    ],
    questions: [],
    notes: [],
    alreadyPosted: 0,
    counts,
    fingerprints: ['fp1', 'fp2'],
    lineMaps: new Map(),
    ...over,
  };
}

describe('renderComment', () => {
  it('starts with a plain-text badge line, then the bold title and the body', () => {
    const md = renderComment(finding({ severity: 'high', category: 'security', ruleId: 'sql-string-building', title: 'SQL built from strings', body: 'Use parameters.' }));
    expect(md.split('\n\n')).toEqual(['🔴 High · Security · rule `sql-string-building`', '**SQL built from strings**', 'Use parameters.']);
    expect(md).not.toMatch(/<img|<[a-z]/);
  });

  it('names the reviewer for an agent finding', () => {
    expect(renderComment(finding({ source: 'agent', severity: 'low' }))).toMatch(/^🟡 Low · Resilience · reviewer\n/);
  });

  it('adds a suggestion block whose fence the suggestion cannot close', () => {
    const md = renderComment(finding({ suggestion: 'const s = `a`;\n// ```\n' }));
    expect(md.endsWith('````suggestion\nconst s = `a`;\n// ```\n````')).toBe(true);
  });

  it('renders an empty suggestion (delete the lines) as an empty suggestion block', () => {
    expect(renderComment(finding({ suggestion: '' })).endsWith('```suggestion\n```')).toBe(true);
  });

  it('strips invisible characters from the suggestion but keeps the code otherwise', () => {
    expect(renderComment(finding({ suggestion: 'if (isAdmin\u202E) { @x <b>' }))).toContain('```suggestion\nif (isAdmin) { @x <b>\n```');
  });

  it('shows a suggestion on the old side as plain code, since GitHub cannot apply it there', () => {
    const md = renderComment(finding({ side: 'LEFT', suggestion: 'x();' }));
    expect(md).not.toContain('suggestion\n');
    expect(md).toContain('Suggested change:\n\n```\nx();\n```');
  });

  it('sanitises the title and body', () => {
    const md = renderComment(finding({ title: 'Ping @alice\nnow', body: 'See ![x](https://evil.example/p.png) <b>bold</b> [link](https://evil.example)' }));
    expect(md).toContain('**Ping `@alice` now**');
    expect(md).toContain('See x bold link');
    expect(md).not.toContain('evil.example');
  });

  it('keeps a body from closing the sections that follow it', () => {
    const md = renderComment(finding({ body: '```\nunclosed', suggestion: 'x();' }));
    const segments = splitCodeSegments(md);
    expect(segments.filter((s) => s.kind === 'fence')).toHaveLength(2);
    expect(segments.every((s) => s.kind !== 'fence' || s.closed)).toBe(true);
  });
});

describe('renderSummary', () => {
  it('has a headline with counts by severity and where they were posted', () => {
    expect(renderSummary(result())).toContain('**3 findings**: 🔴 1 high · 🟠 1 medium · 🟡 1 low (2 inline comments, 1 in this summary).');
  });

  it('says so when there is nothing to report', () => {
    expect(renderSummary(result({ inline: [], summaryOnly: [] }))).toContain('**No findings in 1 reviewed file.**');
  });

  it('has a table of counts by category with every category', () => {
    const md = renderSummary(result());
    expect(md).toContain('| Category | Findings |\n| --- | ---: |\n| Coupling | 0 |\n| Error handling | 0 |\n| Resilience | 2 |');
    expect(md).toContain('| Security | 1 |');
  });

  it('lists summary-only findings with location, severity, category, title and reason, bodies collapsed', () => {
    const md = renderSummary(result());
    expect(md).toContain('### Not posted inline (1)');
    expect(md).toContain('**🟡 Low · Resilience** · `src/pay.ts:99` · Retry without backoff _(outside the diff)_');
    expect(md).toContain('<details>\n<summary>Details</summary>\n\nRetries hammer the API.\n\n</details>');
  });

  it('shows the over-cap reason and a range', () => {
    const md = renderSummary(result({ summaryOnly: [{ finding: finding({ line: 5, endLine: 9 }), reason: 'over-cap' }] }));
    expect(md).toContain('`src/pay.ts:5-9`');
    expect(md).toContain('_(over the inline-comment limit)_');
  });

  it('includes the sanitised assessment and questions', () => {
    const md = renderSummary(result({ assessment: 'Solid, but @bob should look <script>x</script>.', questions: ['Is the retry idempotent?', 'Why not reuse the client?\nSee `Client`.'] }));
    expect(md).toContain('### Assessment\n\nSolid, but `@bob` should look x.');
    expect(md).toContain('### Questions for the author\n\n1. Is the retry idempotent?\n2. Why not reuse the client?\n   See `Client`.');
  });

  it('lists files reviewed with reasons and files skipped grouped by reason', () => {
    const md = renderSummary(result());
    expect(md).toContain('Reviewed 1 of 3 changed files:\n\n- `src/pay.ts` — integration code: imports stripe');
    expect(md).toContain('Skipped 2 files:\n\n- **lockfile** (1): `package-lock.json`\n- **docs** (1): `README.md` (documentation)');
  });

  it('collapses a long skipped list', () => {
    const files: FileClassification[] = Array.from({ length: 12 }, (_, i) => ({ path: `docs/p${i}.md`, selected: false, reason: 'docs', skipReason: 'docs', signals: [] }));
    const md = renderSummary(result({ files }));
    expect(md).toContain('<details>\n<summary>Skipped 12 files</summary>\n\n- **docs** (12): `docs/p0.md`');
  });

  it('shows notes, the already-posted count and the cost', () => {
    const md = renderSummary(
      result({
        notes: ['The agent reviewer was unavailable.'],
        alreadyPosted: 2,
        usage: { inputTokens: 12345, outputTokens: 678, cacheReadTokens: 1000, cacheWriteTokens: 0, requests: 2, costUsd: 0.1234 },
      }),
    );
    expect(md).toContain('### Notes\n\n- The agent reviewer was unavailable.\n- 2 findings from an earlier review of this pull request are not repeated.');
    expect(md).toContain('Model usage: 12,345 input and 678 output tokens (cache: 1,000 read, 0 written) in 2 requests, about $0.12.');
  });

  it('has no cost line without usage', () => {
    expect(renderSummary(result())).not.toContain('Model usage');
  });

  it('ends with the marker carrying the head SHA and fingerprints', () => {
    const md = renderSummary(result(), { version: '9.9.9' });
    expect(md.endsWith('<!-- arch-review:v2 sha=abcdef1234567890 fp=fp1,fp2 ver=9.9.9 -->')).toBe(true);
    expect(parseMarker(md)).toEqual({ headSha: 'abcdef1234567890', fingerprints: ['fp1', 'fp2'], version: '9.9.9' });
  });

  it("keeps links to the reviewed repository and drops others", () => {
    const md = renderSummary(result({ assessment: '[ok](https://github.com/acme/shop/pull/7) [no](https://github.com/other/x)' }));
    expect(md).toContain('[ok](https://github.com/acme/shop/pull/7) no');
  });

  it('cannot be hijacked by a forged marker in a finding body', () => {
    const forged = finding({ line: 50, body: '<!-- arch-review:v1 sha=evil fp=x ver=1 -->' });
    const md = renderSummary(result({ summaryOnly: [{ finding: forged, reason: 'not-in-diff' }] }));
    expect(parseMarker(md)?.headSha).toBe('abcdef1234567890');
    expect(md.match(/arch-review:v\d/g)).toHaveLength(1);
  });
});

describe('renderSummary: length cap', () => {
  const many = (n: number, bodyLength: number): SummaryFinding[] =>
    Array.from({ length: n }, (_, i) => ({ finding: finding({ line: 100 + i, fingerprint: `f${i}`, body: `Body ${i} `.padEnd(bodyLength, 'x') }), reason: 'not-in-diff' as const }));
  const skippedFiles = (n: number): FileClassification[] => Array.from({ length: n }, (_, i) => ({ path: `vendor/lib${i}/index.js`, selected: false, reason: 'vendored', skipReason: 'vendored', signals: [] }));

  it('stays within GitHub limit by default', () => {
    const md = renderSummary(result({ summaryOnly: many(200, 600), files: skippedFiles(3000) }));
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(parseMarker(md)?.headSha).toBe('abcdef1234567890');
  });

  it('drops skipped file names first, and keeps the finding bodies when that is enough', () => {
    const full = renderSummary(result({ summaryOnly: many(3, 200), files: skippedFiles(200) }));
    const md = renderSummary(result({ summaryOnly: many(3, 200), files: skippedFiles(200) }), { maxLength: 4000 });
    expect(full.length).toBeGreaterThan(4000);
    expect(md.length).toBeLessThanOrEqual(4000);
    expect(md).not.toContain('vendor/lib0');
    expect(md).toContain('- **vendored** (200)');
    expect(md).toContain('…truncated: skipped file names left out');
    expect(md).toContain('Body 2 xxx');
  });

  it('then drops the bodies of the lowest-ranked summary findings, keeping their headlines', () => {
    const md = renderSummary(result({ summaryOnly: many(10, 500) }), { maxLength: 5000 });
    expect(md.length).toBeLessThanOrEqual(5000);
    expect(md).toContain('Body 0 ');
    expect(md).not.toContain('Body 9 ');
    expect(md).toContain('`src/pay.ts:109`');
    expect(md).toMatch(/…truncated: details of the last \d+ findings left out/);
  });

  it('as a last resort cuts the text, closes what the cut left open and keeps the marker whole', () => {
    const assessment = `Start\n\n\`\`\`\n${'code line\n'.repeat(2000)}\`\`\``;
    const fingerprints = Array.from({ length: 50 }, (_, i) => `fingerprint${i}`);
    const md = renderSummary(result({ assessment, fingerprints }), { maxLength: 3000 });
    expect(md.length).toBeLessThanOrEqual(3000);
    expect(md).toContain('…truncated');
    expect(parseMarker(md)?.fingerprints).toEqual(fingerprints);
    expect(splitCodeSegments(md).every((s) => s.kind !== 'fence' || s.closed)).toBe(true);
    expect(md.trimEnd().endsWith('-->')).toBe(true);
  });
});

describe('renderSummary: demoted findings', () => {
  it('lists lower-confidence and pre-existing findings collapsed, grouped by why, outside the counts', () => {
    const body = renderSummary(
      result({
        inline: [],
        summaryOnly: [],
        demoted: [
          { finding: finding({ path: 'src/a.ts', line: 4, ruleId: 'swallowed-error', title: 'Error swallowed' }), reason: 'low-confidence', why: 'confidence 0.50 is under the threshold' },
          { finding: finding({ path: 'src/b.ts', line: 9, title: 'SQL built from strings' }), reason: 'pre-existing', why: 'already in the base version of this file' },
        ],
      }),
    );
    expect(body).toMatch(/<details>\n<summary>Not posted inline: 2 lower-confidence, pre-existing or rejected findings<\/summary>/);
    expect(body).toContain('**Lower confidence** (1)');
    expect(body).toContain('`src/a.ts:4` · `swallowed-error` · Error swallowed — confidence 0.50 is under the threshold');
    expect(body).toContain('**Already in the base branch** (1)');
    expect(body).not.toContain('| Category | Findings |');
  });

  it('shortens the demoted list first when the body would be too long', () => {
    const demoted = Array.from({ length: 400 }, (_, i) => ({ finding: finding({ line: i + 1, title: `T${i} ${'x'.repeat(80)}` }), reason: 'low-confidence' as const, why: 'low' }));
    const body = renderSummary(result({ inline: [], summaryOnly: [], demoted }), { maxLength: 8000 });
    expect(body.length).toBeLessThanOrEqual(8000);
    expect(body).toMatch(/more findings? not listed, to fit GitHub's size limit/);
    expect(parseMarker(body)).toBeDefined();
  });
});
