import path from 'node:path';
import type { FileContent, PullRequestSource, RawDiff } from '../review/ports.js';
import { readWorkingFile } from './read-working-file.js';

/**
 * A unified diff given as text (`--diff file` or `--diff -`), with head files read from a folder:
 * for reviewing a patch without the repository's history, or a diff produced elsewhere.
 */
export class DiffFileSource implements PullRequestSource {
  readonly root: string;

  constructor(
    private readonly diffText: string,
    /** The folder holding the head version of the changed files. */
    root: string,
  ) {
    this.root = path.resolve(root);
  }

  loadDiff(): Promise<RawDiff> {
    return Promise.resolve({ kind: 'unified', text: this.diffText });
  }

  readFile(filePath: string, maxBytes: number): Promise<FileContent | undefined> {
    return readWorkingFile(this.root, filePath, maxBytes);
  }
}
