import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLineMap, isCommentable, spansOneHunk } from '../../src/diff/line-map.js';
import { parseDiff } from '../../src/diff/parse.js';
import { genDiff, renderDiff } from './generate-diff.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/diffs/${name}`, import.meta.url), 'utf8');
const firstFile = (text: string) => parseDiff({ kind: 'unified', text }).files[0]!;

describe('buildLineMap', () => {
  const map = buildLineMap(firstFile(fixture('git-multi-hunk.diff')));

  it('maps added and context lines on the RIGHT and deleted and context lines on the LEFT, by hunk', () => {
    expect([...map.right.entries()].filter(([l]) => l >= 27 && l <= 34)).toEqual([
      [27, 1], [28, 1], [29, 1], [30, 1], [31, 1], [32, 1], [33, 1], [34, 1],
    ]);
    expect(map.left.get(50)).toBe(2); // deleted "line 50"
    expect(map.right.has(1)).toBe(false); // before the first hunk
    expect(map.left.get(30)).toBe(1); // deleted "line 30" stays commentable on the old side
  });

  it('lists only added lines as added', () => {
    expect([...map.added].sort((a, b) => a - b)).toEqual([5, 30, 31, 61]);
  });

  it('answers isCommentable per side', () => {
    expect(isCommentable(map, 'RIGHT', 61)).toBe(true);
    expect(isCommentable(map, 'LEFT', 61)).toBe(false);
    expect(isCommentable(map, 'RIGHT', 20)).toBe(false);
  });

  it('accepts a range inside one hunk and rejects one that crosses hunks or leaves the diff', () => {
    expect(spansOneHunk(map, 'RIGHT', 28, 33)).toBe(true);
    expect(spansOneHunk(map, 'RIGHT', 5, 30)).toBe(false);
    expect(spansOneHunk(map, 'RIGHT', 33, 36)).toBe(false);
    expect(spansOneHunk(map, 'RIGHT', 30, 29)).toBe(false);
  });

  it('maps a deleted file on the LEFT only', () => {
    const m = buildLineMap(firstFile('diff --git a/x.go b/x.go\ndeleted file mode 100644\n--- a/x.go\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n'));
    expect([...m.left.keys()]).toEqual([1, 2]);
    expect(m.right.size).toBe(0);
    expect(m.added.size).toBe(0);
  });

  it('gives a binary file empty maps', () => {
    const m = buildLineMap(firstFile(fixture('git-binary-patch.diff')));
    expect([m.right.size, m.left.size, m.added.size]).toEqual([0, 0, 0]);
  });
});

describe('parseDiff and buildLineMap on generated diffs (properties)', () => {
  it('round-trips every generated line with its kind and text', () => {
    fc.assert(
      fc.property(genDiff, (spec) => {
        const { files, warnings } = parseDiff({ kind: 'unified', text: renderDiff(spec) });
        expect(warnings).toEqual([]);
        expect(files.map((f) => f.path)).toEqual(spec.map((s) => s.name));
        files.forEach((f, i) => {
          expect(f.hunks.map((h) => h.lines.map((l) => [l.kind, l.content]))).toEqual(spec[i]!.hunks.map((h) => h.ops.map((o) => [o.kind, o.text])));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('maps no line outside its hunk’s range', () => {
    fc.assert(
      fc.property(genDiff, (spec) => {
        for (const f of parseDiff({ kind: 'unified', text: renderDiff(spec) }).files) {
          const map = buildLineMap(f);
          for (const [line, idx] of map.right) {
            const h = f.hunks[idx]!;
            expect(line >= h.newStart && line < h.newStart + h.newLines).toBe(true);
          }
          for (const [line, idx] of map.left) {
            const h = f.hunks[idx]!;
            expect(line >= h.oldStart && line < h.oldStart + h.oldLines).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('has as many RIGHT lines as the headers’ new-side counts, LEFT as old-side, added as additions', () => {
    fc.assert(
      fc.property(genDiff, (spec) => {
        for (const f of parseDiff({ kind: 'unified', text: renderDiff(spec) }).files) {
          const map = buildLineMap(f);
          expect(map.right.size).toBe(f.hunks.reduce((n, h) => n + h.newLines, 0));
          expect(map.left.size).toBe(f.hunks.reduce((n, h) => n + h.oldLines, 0));
          expect(map.added.size).toBe(f.additions);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary text, and every file it returns has a path', () => {
    const diffish = fc.array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.constantFrom(
          'diff --git a/x.ts b/x.ts', 'diff --git "a/\\303 b/y', 'diff --cc x', '@@ -1,2 +1,3 @@', '@@ -0,0 +0,0 @@', '@@ -1 +1', '+a', '-b', ' c', '',
          '\\ No newline at end of file', '--- a/x.ts', '+++ b/x.ts', '--- /dev/null', '+++ /dev/null', 'rename from "a\\30', 'rename to b',
          'new file mode 100644', 'deleted file mode 100644', 'old mode 100644', 'new mode 100755', 'Binary files a/x and b/x differ', 'GIT binary patch', '\r',
        ),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), diffish.map((l) => l.join('\n'))), (text) => {
        const r = parseDiff({ kind: 'unified', text });
        for (const f of r.files) {
          expect(typeof f.path).toBe('string');
          buildLineMap(f);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary files-API input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ filename: fc.string(), status: fc.string(), patch: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }) })),
        (files) => {
          expect(() => parseDiff({ kind: 'files', files })).not.toThrow();
        },
      ),
      { numRuns: 200 },
    );
  });
});
