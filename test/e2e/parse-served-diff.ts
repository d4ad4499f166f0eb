/** One file of a unified diff as GitHub's pull-request APIs describe it. */
export interface ServedFile {
  /** The path on the head side (the base side for a deleted file). */
  filename: string;
  previousFilename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  additions: number;
  deletions: number;
  /** The hunks as `pulls.listFiles` returns them in `patch` (no file header); absent for binary files. */
  patch?: string;
  /** Commentable line -> hunk index, per side: RIGHT = added or context (new numbers), LEFT = deleted or context (old numbers). */
  right: Map<number, number>;
  left: Map<number, number>;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Reads a `git diff` the way GitHub's review API judges comments: which lines of which file a review
 * comment may target, on which side, and in which hunk. Written apart from `src/diff/` on purpose, so
 * the fake GitHub's check is independent of the code under test.
 */
export function parseServedDiff(diff: string): Map<string, ServedFile> {
  const files = new Map<string, ServedFile>();
  const chunks = diff.split(/^(?=diff --git )/m).filter((c) => c.startsWith('diff --git '));
  for (const chunk of chunks) {
    const lines = chunk.split('\n');
    let oldPath: string | undefined;
    let newPath: string | undefined;
    let status: ServedFile['status'] = 'modified';
    let i = 1;
    for (; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const line = lines[i]!;
      if (line.startsWith('new file mode')) status = 'added';
      else if (line.startsWith('deleted file mode')) status = 'removed';
      else if (line.startsWith('rename from ')) {
        status = 'renamed';
        oldPath = line.slice('rename from '.length);
      } else if (line.startsWith('rename to ')) newPath = line.slice('rename to '.length);
      else if (line.startsWith('--- ')) oldPath = line === '--- /dev/null' ? oldPath : line.slice(6);
      else if (line.startsWith('+++ ')) newPath = line === '+++ /dev/null' ? undefined : line.slice(6);
    }
    const header = /^diff --git a\/(.+) b\/(.+)$/.exec(lines[0]!);
    const filename = newPath ?? (status === 'removed' ? oldPath : undefined) ?? header?.[2];
    if (!filename) continue;
    const file: ServedFile = {
      filename,
      ...(status === 'renamed' && oldPath ? { previousFilename: oldPath } : {}),
      status,
      additions: 0,
      deletions: 0,
      right: new Map(),
      left: new Map(),
    };
    const patch: string[] = [];
    let hunk = -1;
    let oldLine = 0;
    let newLine = 0;
    let oldLeft = 0;
    let newLeft = 0;
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      const m = HUNK.exec(line);
      if (m) {
        hunk++;
        oldLine = Number(m[1]);
        oldLeft = m[2] === undefined ? 1 : Number(m[2]);
        newLine = Number(m[3]);
        newLeft = m[4] === undefined ? 1 : Number(m[4]);
        patch.push(line);
        continue;
      }
      if (hunk < 0) continue;
      if (line.startsWith('\\')) {
        patch.push(line);
        continue;
      }
      // Past the counts of the hunk header the chunk has ended (a trailing newline of the diff).
      if (oldLeft === 0 && newLeft === 0) continue;
      const tag = line[0] ?? ' ';
      if (tag === '+') {
        file.right.set(newLine++, hunk);
        newLeft--;
        file.additions++;
      } else if (tag === '-') {
        file.left.set(oldLine++, hunk);
        oldLeft--;
        file.deletions++;
      } else {
        file.right.set(newLine++, hunk);
        file.left.set(oldLine++, hunk);
        newLeft--;
        oldLeft--;
      }
      patch.push(line);
    }
    if (patch.length > 0) file.patch = patch.join('\n');
    files.set(filename, file);
  }
  return files;
}
