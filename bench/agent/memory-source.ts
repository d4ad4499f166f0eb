import type { FileContent, PullRequestSource, RawDiff } from '../../src/review/ports.js';

/** A pull request held in memory: a unified diff and the head files by path. */
export class MemorySource implements PullRequestSource {
  constructor(
    readonly diffText: string,
    readonly headFiles: ReadonlyMap<string, string>,
  ) {}

  loadDiff(): Promise<RawDiff> {
    return Promise.resolve({ kind: 'unified', text: this.diffText });
  }

  readFile(path: string, maxBytes: number): Promise<FileContent | undefined> {
    const text = this.headFiles.get(path);
    if (text === undefined) return Promise.resolve(undefined);
    const size = Buffer.byteLength(text);
    return Promise.resolve(size > maxBytes ? { size, binary: false, tooLarge: true } : { text, size, binary: false });
  }
}
