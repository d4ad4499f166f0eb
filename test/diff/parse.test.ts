import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLineMap } from '../../src/diff/line-map.js';
import { parseDiff } from '../../src/diff/parse.js';
import type { DiffFile, RawDiff } from '../../src/diff/types.js';
import { bigDiff } from './generate-diff.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/diffs/${name}`, import.meta.url), 'utf8');
const unified = (text: string) => parseDiff({ kind: 'unified', text });
const byPath = (files: DiffFile[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in ${files.map((x) => x.path).join(', ')}`);
  return f;
};
const lineTexts = (f: DiffFile) => f.hunks.flatMap((h) => h.lines.map((l) => `${l.kind}:${l.oldLine ?? ''}:${l.newLine ?? ''}:${l.content}`));

describe('parseDiff on real git output', () => {
  const { files, warnings } = unified(fixture('git-gaps.diff'));

  it('reads every file of the diff without warnings', () => {
    expect(warnings).toEqual([]);
    expect(files.map((f) => f.path)).toEqual([
      'added.ts', 'café.ts', 'copied.java', 'crlf.ts', 'gone.go', 'img.bin', 'keep.ts', 'moved2.py', 'nonl.ts', 'renamed é.ts', 'run.sh', 'sp ace.ts',
    ]);
  });

  it('reads a new file as added, numbered from line 1', () => {
    const f = byPath(files, 'added.ts');
    expect(f).toMatchObject({ status: 'added', binary: false, additions: 1, deletions: 0 });
    expect(f.oldPath).toBeUndefined();
    expect(lineTexts(f)).toEqual(['add::1:new']);
  });

  it('gives a deleted file its old path and only old-side lines', () => {
    const f = byPath(files, 'gone.go');
    expect(f).toMatchObject({ status: 'deleted', deletions: 1, additions: 0 });
    expect(lineTexts(f)).toEqual(['del:1::bye']);
  });

  it('decodes octal-escaped quoted paths to UTF-8 and strips the a/ b/ prefixes', () => {
    expect(byPath(files, 'café.ts').status).toBe('modified');
    expect(byPath(files, 'renamed é.ts')).toMatchObject({ status: 'renamed', oldPath: 'old.ts', similarity: 100, hunks: [] });
  });

  it('reads a rename with its old path, similarity and the hunk of its edit', () => {
    const f = byPath(files, 'moved2.py');
    expect(f).toMatchObject({ status: 'renamed', oldPath: 'moved.py', similarity: 82, additions: 1, deletions: 1 });
    expect(f.hunks[0]!.header).toBe('@@ -4,4 +4,4 @@ three');
    expect(lineTexts(f)).toEqual(['context:4:4:four', 'context:5:5:five', 'context:6:6:six', 'del:7::seven', 'add::7:SEVEN']);
  });

  it('reads a copy with its source path', () => {
    expect(byPath(files, 'copied.java')).toMatchObject({ status: 'copied', oldPath: 'copysrc.java', similarity: 100, hunks: [] });
  });

  it('reads a permission change with no hunks as mode-changed', () => {
    expect(byPath(files, 'run.sh')).toMatchObject({ status: 'mode-changed', oldMode: '100644', newMode: '100755', hunks: [] });
  });

  it('flags a binary file from "Binary files … differ"', () => {
    expect(byPath(files, 'img.bin')).toMatchObject({ binary: true, status: 'modified', hunks: [] });
  });

  it('drops the "\\ No newline at end of file" marker that parse-diff counts as a change', () => {
    const f = byPath(files, 'nonl.ts');
    expect(lineTexts(f)).toEqual(['del:1::x', 'add::1:y']);
    expect(f).toMatchObject({ additions: 1, deletions: 1 });
  });

  it('strips the \\r of CRLF content lines and keeps their numbering', () => {
    expect(lineTexts(byPath(files, 'crlf.ts'))).toEqual(['context:1:1:l1', 'del:2::l2', 'add::2:L2', 'add::3:l3']);
  });

  it('keeps a path with spaces whole, without the tab git appends', () => {
    expect(lineTexts(byPath(files, 'sp ace.ts'))).toEqual(['del:1::k', 'add::1:k2']);
  });
});

describe('parseDiff on other unified shapes', () => {
  it('flags a GIT binary patch as binary and does not read its data as hunks', () => {
    const { files, warnings } = unified(fixture('git-binary-patch.diff'));
    expect(warnings).toEqual([]);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: 'img.bin', binary: true, hunks: [] });
  });

  it('numbers lines from each hunk header across several hunks', () => {
    const f = unified(fixture('git-multi-hunk.diff')).files[0]!;
    expect(f.hunks.map((h) => [h.index, h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([
      [0, 2, 7, 2, 7], [1, 27, 7, 27, 8], [2, 47, 7, 48, 6], [3, 58, 3, 58, 4],
    ]);
    expect(f.hunks[1]!.lines.filter((l) => l.kind === 'add').map((l) => [l.newLine, l.content])).toEqual([[30, 'line thirty'], [31, 'line thirty-b']]);
    expect(f.hunks[2]!.lines.find((l) => l.kind === 'del')).toEqual({ kind: 'del', content: 'line 50', oldLine: 50 });
    expect(f.hunks[3]!.lines.at(-1)).toEqual({ kind: 'add', content: 'x', newLine: 61 });
    expect(f).toMatchObject({ additions: 4, deletions: 3 });
  });

  it('reads a diff whose own line ends are CRLF exactly like the LF one', () => {
    const lf = unified(fixture('git-multi-hunk.diff'));
    const crlf = unified(fixture('git-multi-hunk.diff').replace(/\n/g, '\r\n'));
    expect(crlf).toEqual(lf);
  });

  it('does not strip a first path component under --no-prefix', () => {
    const { files } = unified(fixture('git-no-prefix.diff'));
    expect(files.map((f) => f.path)).toEqual(['keep.ts', 'sp ace.ts']);
  });

  it("strips git's mnemonic c/ i/ prefixes", () => {
    expect(unified(fixture('git-mnemonic-prefix.diff')).files.map((f) => f.path)).toEqual(['keep.ts']);
  });

  it('keeps a/ in a --no-prefix path that really starts with a/', () => {
    const text = 'diff --git a/x.ts a/x.ts\n--- a/x.ts\n+++ a/x.ts\n@@ -1 +1 @@\n-1\n+2\n';
    expect(unified(text).files[0]!.path).toBe('a/x.ts');
  });

  it('reads plain `diff -u` output and drops the timestamps', () => {
    const { files, warnings } = unified(fixture('plain-unified.diff'));
    expect(warnings).toEqual([]);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: 'new.txt', status: 'modified', additions: 1, deletions: 1 });
  });

  it('reads /dev/null sides of a plain diff as added and deleted', () => {
    const text = '--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n';
    const { files } = unified(text);
    expect(files.map((f) => [f.path, f.status])).toEqual([['new.py', 'added'], ['old.py', 'deleted']]);
  });

  it('ignores the signature at the end of git format-patch output without a warning', () => {
    const { files, warnings } = unified(fixture('git-format-patch.patch'));
    expect(warnings).toEqual([]);
    expect(files.map((f) => [f.path, f.additions, f.deletions])).toEqual([['svc.py', 4, 3]]);
  });

  it('reads an empty new file (no hunks) as added with its path from the diff --git line', () => {
    const text = 'diff --git a/src/empty.ts b/src/empty.ts\nnew file mode 100644\nindex 0000000..e69de29\n';
    expect(unified(text).files).toEqual([{ path: 'src/empty.ts', status: 'added', binary: false, newMode: '100644', hunks: [], additions: 0, deletions: 0 }]);
  });

  it('reads a quoted path with escaped quote, backslash and tab', () => {
    const text = 'diff --git "a/we\\"ird\\\\na\\tme.ts" "b/we\\"ird\\\\na\\tme.ts"\nnew file mode 100644\n--- /dev/null\n+++ "b/we\\"ird\\\\na\\tme.ts"\n@@ -0,0 +1 @@\n+x\n';
    expect(unified(text).files[0]!.path).toBe('we"ird\\na\tme.ts');
  });

  it('reads a binary rename whose new name alone is quoted', () => {
    const text = 'diff --git a/logo.png "b/log\\303\\266.png"\nsimilarity index 90%\nrename from logo.png\nrename to "log\\303\\266.png"\nindex 1..2 100644\nBinary files a/logo.png and "b/log\\303\\266.png" differ\n';
    expect(unified(text).files[0]).toMatchObject({ path: 'logö.png', oldPath: 'logo.png', status: 'renamed', binary: true, similarity: 90 });
  });

  it('keeps hunks and mode when a file changes both mode and content', () => {
    const text = 'diff --git a/run.py b/run.py\nold mode 100644\nnew mode 100755\nindex 1..2\n--- a/run.py\n+++ b/run.py\n@@ -1 +1 @@\n-a\n+b\n';
    expect(unified(text).files[0]).toMatchObject({ status: 'modified', oldMode: '100644', newMode: '100755', additions: 1 });
  });
});

describe('parseDiff on bad input', () => {
  it('returns no files and no warning for an empty or blank diff', () => {
    expect(unified('')).toEqual({ files: [], warnings: [] });
    expect(unified(' \n\t\n')).toEqual({ files: [], warnings: [] });
  });

  it('warns when the text holds no diff at all', () => {
    const r = unified('hello\nworld\n');
    expect(r.files).toEqual([]);
    expect(r.warnings[0]).toMatch(/no file changes/);
  });

  it('does not let a hunk whose header over-counts swallow the next file', () => {
    const text = 'diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1,5 +1,5 @@\n x\n-y\n+z\ndiff --git a/b.ts b/b.ts\n--- a/b.ts\n+++ b/b.ts\n@@ -1 +1 @@\n-q\n+r\n';
    const { files, warnings } = unified(text);
    expect(files.map((f) => f.path)).toEqual(['a.ts', 'b.ts']);
    expect(files[0]!.parseError).toMatch(/does not match its header's counts/);
    expect(files[0]!.hunks).toEqual([]);
    expect(lineTexts(files[1]!)).toEqual(['del:1::q', 'add::1:r']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('`a.ts`');
  });

  it('drops a hunk with a garbage line, keeps the file’s other hunks, and warns naming the file', () => {
    const text = 'diff --git a/svc.go b/svc.go\n--- a/svc.go\n+++ b/svc.go\n@@ -1,2 +1,2 @@\n x\ngarbage\n@@ -10 +10 @@\n-a\n+b\n';
    const { files, warnings } = unified(text);
    expect(files[0]!.parseError).toBeUndefined();
    expect(files[0]!.hunks.map((h) => [h.index, h.oldStart])).toEqual([[0, 10]]);
    expect(warnings).toEqual([expect.stringMatching(/^`svc\.go`: hunk `@@ -1,2 \+1,2 @@` has a line that is not context/)]);
  });

  it('drops a hunk header that does not parse', () => {
    const text = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ bogus @@\n+x\n@@ -3 +3 @@\n-a\n+b\n';
    const { files, warnings } = unified(text);
    expect(files[0]!.hunks.map((h) => h.oldStart)).toEqual([3]);
    expect(warnings[0]).toMatch(/`x\.py`: hunk header `@@ bogus @@` does not parse/);
  });

  it('marks a file whose only hunk is truncated as unparseable', () => {
    const text = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n-b\n';
    const { files, warnings } = unified(text);
    expect(files[0]!.parseError).toMatch(/2\/3 old, 1\/3 new/);
    expect(warnings[0]).toMatch(/`x\.py`.*not reviewed/);
  });

  it('keeps a hunk followed by extra diff lines beyond its counts, with a warning', () => {
    const text = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n+c\n';
    const { files, warnings } = unified(text);
    expect(lineTexts(files[0]!)).toEqual(['del:1::a', 'add::1:b']);
    expect(warnings[0]).toMatch(/beyond its header's counts; ignored/);
  });

  it('drops a hunk that overlaps the one before it', () => {
    const text = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -5,2 +5,2 @@\n a\n b\n@@ -6 +6 @@\n-b\n+B\n';
    const { files, warnings } = unified(text);
    expect(files[0]!.hunks.map((h) => h.oldStart)).toEqual([5]);
    expect(warnings[0]).toMatch(/overlaps/);
  });

  it('does not throw on a no-newline marker right after an empty hunk (parse-diff does)', () => {
    const text = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,0 +1,0 @@\n\\ No newline at end of file\n';
    expect(() => unified(text)).not.toThrow();
  });

  it('drops an empty hunk', () => {
    const text = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -0,0 +0,0 @@\n@@ -2 +2 @@\n-a\n+b\n';
    const { files, warnings } = unified(text);
    expect(files[0]!.hunks.map((h) => [h.index, h.oldStart])).toEqual([[0, 2]]);
    expect(warnings[0]).toMatch(/is empty; dropped/);
  });

  it('drops a localized no-newline marker too', () => {
    const text = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n\\ Kein Zeilenumbruch am Dateiende.\n+b\n';
    const { files, warnings } = unified(text);
    expect(warnings).toEqual([]);
    expect(lineTexts(files[0]!)).toEqual(['del:1::a', 'add::1:b']);
  });

  it('reports a combined merge diff as unparseable', () => {
    const text = 'diff --cc src/a.ts\nindex 1,2..3\n--- a/src/a.ts\n+++ b/src/a.ts\n@@@ -1,1 -1,1 +1,1 @@@\n- a\n +b\n';
    const { files, warnings } = unified(text);
    expect(files[0]!.parseError).toMatch(/combined/);
    expect(warnings).toHaveLength(1);
  });

  it('survives non-UTF-8 bytes read as latin1 in paths and content', () => {
    const junk = Buffer.from([0xff, 0xfe, 0x00, 0xc3]).toString('latin1');
    const text = `diff --git a/${junk}.ts b/${junk}.ts\n--- a/${junk}.ts\n+++ b/${junk}.ts\n@@ -1 +1 @@\n-${junk}\n+${junk}!\n`;
    const { files } = unified(text);
    expect(files[0]!.path).toBe(`${junk}.ts`);
    expect(files[0]!.hunks[0]!.lines.map((l) => l.content)).toEqual([junk, `${junk}!`]);
    expect(() => unified(junk)).not.toThrow();
    expect(() => unified(`diff --git "a/\\377\\376" "b/\\377\\376"\nnew file mode 100644\n`)).not.toThrow();
  });

  it('reads a 50 MB diff without crashing', () => {
    const unit = bigDiff(200, 10, 20);
    const text = unit.repeat(Math.ceil((50 * 1024 * 1024) / unit.length));
    expect(text.length).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    const { files } = unified(text);
    expect(files.length).toBe(200 * Math.ceil((50 * 1024 * 1024) / unit.length));
    expect(files.every((f) => f.additions === 200 && f.deletions === 200)).toBe(true);
  });

  it('reads a 10,000-file diff', () => {
    const { files, warnings } = unified(bigDiff(10_000, 1, 2));
    expect(warnings).toEqual([]);
    expect(files).toHaveLength(10_000);
    expect(files[9_999]!.path).toBe('src/f9999.ts');
  });

  it('parses and maps a 100k-changed-line diff in under 2 s', () => {
    const text = bigDiff(500, 20, 5); // 500 files × 20 hunks × (5 deleted + 5 added)
    const t0 = performance.now();
    const { files } = unified(text);
    const maps = files.map(buildLineMap);
    const ms = performance.now() - t0;
    expect(files.reduce((n, f) => n + f.additions + f.deletions, 0)).toBe(100_000);
    expect(maps.reduce((n, m) => n + m.added.size, 0)).toBe(50_000);
    expect(ms).toBeLessThan(2000);
  });
});

describe('parseDiff on GitHub files-API patches', () => {
  const raw: RawDiff = { kind: 'files', files: JSON.parse(fixture('github-files.json')) };
  const { files, warnings } = parseDiff(raw);

  it('parses a patch that starts at @@ with no diff --git header', () => {
    const f = byPath(files, 'src/payments/stripe-client.ts');
    expect(f).toMatchObject({ status: 'modified', additions: 3, deletions: 1 });
    expect(f.hunks[0]!.lines.filter((l) => l.kind === 'add').map((l) => l.newLine)).toEqual([12, 13, 14]);
  });

  it('maps GitHub statuses: added, removed, renamed with previous_filename', () => {
    expect(byPath(files, 'src/webhooks/handler.py')).toMatchObject({ status: 'added', additions: 3 });
    expect(byPath(files, 'src/legacy/old.go')).toMatchObject({ status: 'deleted', deletions: 2 });
    expect(byPath(files, 'src/billing/invoice.java')).toMatchObject({ status: 'renamed', oldPath: 'src/billing/bill.java' });
  });

  it('drops the no-newline marker in a patch without a warning', () => {
    expect(byPath(files, 'src/webhooks/handler.py').hunks[0]!.lines).toHaveLength(3);
    expect(warnings).toEqual([]);
  });

  it('flags files GitHub sent without a patch, keeping its counts', () => {
    expect(byPath(files, 'docs/logo.png')).toMatchObject({ noPatch: true, hunks: [], status: 'added' });
    expect(byPath(files, 'src/huge/generated_tables.go')).toMatchObject({ noPatch: true, additions: 20000, deletions: 15000 });
    expect(byPath(files, 'src/moved/same.ts')).toMatchObject({ noPatch: true, status: 'renamed', oldPath: 'src/old/same.ts' });
  });

  it('reads "changed" without a patch as a mode change', () => {
    expect(byPath(files, 'scripts/deploy.sh')).toMatchObject({ status: 'mode-changed', noPatch: true });
  });

  it('reads "changed" with a patch as modified, and warns on an unknown status', () => {
    const r = parseDiff({ kind: 'files', files: [
      { filename: 'a.ts', status: 'changed', patch: '@@ -1 +1 @@\n-a\n+b' },
      { filename: 'b.ts', status: 'exploded', patch: '@@ -1 +1 @@\n-a\n+b' },
      { filename: 'c.ts', status: 'constructor', patch: '@@ -1 +1 @@\n-a\n+b' },
    ] });
    expect(r.files.map((f) => f.status)).toEqual(['modified', 'modified', 'modified']);
    expect(r.warnings).toEqual([expect.stringContaining('`b.ts`: unknown GitHub file status'), expect.stringContaining('`c.ts`')]);
  });

  it('reads a CRLF patch and marks a malformed one unparseable', () => {
    const r = parseDiff({ kind: 'files', files: [
      { filename: 'a.ts', status: 'modified', patch: '@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c' },
      { filename: 'b.ts', status: 'modified', patch: 'not a patch at all' },
    ] });
    expect(lineTexts(r.files[0]!)).toEqual(['context:1:1:a', 'del:2::b', 'add::2:c']);
    expect(r.files[1]!.parseError).toBeDefined();
    expect(r.warnings).toEqual([expect.stringContaining('`b.ts`')]);
  });
});
