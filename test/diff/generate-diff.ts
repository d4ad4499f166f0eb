import fc from 'fast-check';

/** One line of a generated hunk: context, added or deleted, with its text. */
export type GenOp = { kind: 'context' | 'add' | 'del'; text: string };
/** A generated hunk: unchanged lines skipped before it, then its lines. */
export type GenHunk = { gap: number; ops: GenOp[] };
export type GenFile = { name: string; hunks: GenHunk[] };

/** Renders files as `git diff` would, computing each hunk header from its lines. */
export function renderDiff(files: readonly GenFile[]): string {
  const out: string[] = [];
  for (const f of files) {
    out.push(`diff --git a/${f.name} b/${f.name}`, 'index 1111111..2222222 100644', `--- a/${f.name}`, `+++ b/${f.name}`);
    let oldPos = 1;
    let newPos = 1;
    for (const h of f.hunks) {
      oldPos += h.gap;
      newPos += h.gap;
      const oldCount = h.ops.filter((o) => o.kind !== 'add').length;
      const newCount = h.ops.filter((o) => o.kind !== 'del').length;
      // git's convention: an empty side names the line before it.
      const oldStart = oldCount > 0 ? oldPos : oldPos - 1;
      const newStart = newCount > 0 ? newPos : newPos - 1;
      out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
      for (const o of h.ops) out.push(`${o.kind === 'context' ? ' ' : o.kind === 'add' ? '+' : '-'}${o.text}`);
      oldPos += oldCount;
      newPos += newCount;
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** Line text: anything but line breaks, including text that looks like diff syntax. */
const lineText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
  fc.constantFrom('', '@@ -1 +1 @@', 'diff --git a/x b/x', '\\ No newline at end of file', '--- a/x', '+++ b/x', '-', '+'),
);

const genOp: fc.Arbitrary<GenOp> = fc.record({ kind: fc.constantFrom('context', 'add', 'del'), text: lineText });
const genHunk: fc.Arbitrary<GenHunk> = fc.record({ gap: fc.nat({ max: 20 }), ops: fc.array(genOp, { minLength: 1, maxLength: 12 }) });

/** Random well-formed diffs of 1-4 files, each with 1-5 hunks that do not overlap. */
export const genDiff: fc.Arbitrary<GenFile[]> = fc.uniqueArray(
  fc.record({ name: fc.stringMatching(/^[a-z]{1,8}\/[a-z]{1,8}\.(ts|py|go)$/), hunks: fc.array(genHunk, { minLength: 1, maxLength: 5 }) }),
  { minLength: 1, maxLength: 4, selector: (f) => f.name },
);

/**
 * A large diff for load tests: `files` files of `hunksPerFile` hunks, each with two context lines,
 * `changed` deleted and `changed` added lines, then one more context line.
 */
export function bigDiff(files: number, hunksPerFile: number, changed: number): string {
  const out: string[] = [];
  for (let f = 0; f < files; f++) {
    out.push(`diff --git a/src/f${f}.ts b/src/f${f}.ts`, 'index 1111111..2222222 100644', `--- a/src/f${f}.ts`, `+++ b/src/f${f}.ts`);
    let line = 1;
    for (let h = 0; h < hunksPerFile; h++) {
      out.push(`@@ -${line},${3 + changed} +${line},${3 + changed} @@ function f${h}() {`, ' const a = 1;', ' const b = 2;');
      for (let c = 0; c < changed; c++) out.push(`-  const r${c} = await fetch(url);`);
      for (let c = 0; c < changed; c++) out.push(`+  const r${c} = await fetch(url, { signal: AbortSignal.timeout(5000) });`);
      out.push(' return a + b;');
      line += 3 + changed + 10;
    }
  }
  return `${out.join('\n')}\n`;
}
