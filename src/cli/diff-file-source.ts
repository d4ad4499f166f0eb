import path from 'node:path';
import type { FileContent, PullRequestSource, RawDiff } from '../review/ports.js';
import { readWorkingFile } from './read-working-file.js';

/**
 * A unified diff given as text (`--diff file` or `--diff -`), with head files read from a folder:
 * for reviewing a patch without the repository's history, or a diff produced elsewhere. With a base
 * folder (`--base-root`), the base versions are read from it too, for differential analysis; without
 * one, every rule match on a changed line counts as new.
 */
export class DiffFileSource implements PullRequestSource {
  readonly root: string;
  readonly baseRoot: string | undefined;
  readonly readBaseFile?: (filePath: string, maxBytes: number) => Promise<FileContent | undefined>;

  constructor(
    private readonly diffText: string,
    /** The folder holding the head version of the changed files. */
    root: string,
    /** The folder holding their base version (the files as they were before the change). */
    baseRoot?: string,
  ) {
    this.root = path.resolve(root);
    this.baseRoot = baseRoot === undefined ? undefined : path.resolve(baseRoot);
    const base = this.baseRoot;
    if (base !== undefined) this.readBaseFile = (filePath, maxBytes) => readWorkingFile(base, filePath, maxBytes);
  }

  loadDiff(): Promise<RawDiff> {
    return Promise.resolve({ kind: 'unified', text: this.diffText });
  }

  readFile(filePath: string, maxBytes: number): Promise<FileContent | undefined> {
    return readWorkingFile(this.root, filePath, maxBytes);
  }
}
