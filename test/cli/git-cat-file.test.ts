import { describe, expect, it } from 'vitest';
import { catFileBatch } from '../../src/cli/git-cat-file.js';
import { commitAll, git, tempDir, writeFiles } from './cli-helpers.js';

describe('catFileBatch', () => {
  it('answers every object in order, missing ones included, and stops when told to', async () => {
    const root = tempDir();
    git(root, 'init', '-q');
    writeFiles(root, { 'a.ts': 'export const a = 1;\n', 'b b.ts': 'export const b = 2;\n', 'c.ts': 'c\n' });
    const sha = commitAll(root, 'base');
    const seen: Array<[number, string, string]> = [];
    await catFileBatch(root, [`${sha}:a.ts`, `${sha}:nope.ts`, `${sha}:b b.ts`], (i, type, body) => {
      seen.push([i, type, body.toString('utf8')]);
      return true;
    });
    expect(seen).toEqual([
      [0, 'blob', 'export const a = 1;\n'],
      [1, 'missing', ''],
      [2, 'blob', 'export const b = 2;\n'],
    ]);
    const first: number[] = [];
    await catFileBatch(root, [`${sha}:a.ts`, `${sha}:c.ts`], (i) => {
      first.push(i);
      return false;
    });
    expect(first).toEqual([0]);
  });

  it('rejects when git cannot run there', async () => {
    await expect(catFileBatch('/nonexistent-dir-for-cat-file', ['HEAD:a'], () => true)).rejects.toThrow();
  });
});
