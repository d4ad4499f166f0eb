import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import type { FileContent, PullRequestSource } from '../../src/review/ports.js';

const tmp = mkdtempSync(join(tmpdir(), 'arch-review-differential-'));
let repos = 0;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

export interface Change {
  diff: string;
  base: Map<string, string>;
  head: Map<string, string>;
}

/** The diff git makes (renames detected) from `base` to `head`; a path mapped to `null` in head is deleted. */
export function gitChange(base: Record<string, string>, head: Record<string, string | null>): Change {
  const dir = join(tmp, `repo-${repos++}`);
  mkdirSync(dir);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  const write = (files: Record<string, string | null>) => {
    for (const [path, text] of Object.entries(files)) {
      if (text === null) rmSync(join(dir, path));
      else {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    }
  };
  git('init', '-q', '-b', 'main');
  write(base);
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  write(head);
  git('add', '-A');
  const diff = git('diff', '--cached', '--no-color', '-M', '--src-prefix=a/', '--dst-prefix=b/');
  const headFiles = new Map(Object.entries({ ...base, ...head }).filter((e): e is [string, string] => e[1] !== null));
  return { diff, base: new Map(Object.entries(base)), head: headFiles };
}

const content = (text: string | undefined): FileContent | undefined => (text === undefined ? undefined : { text, size: text.length, binary: false });

export function sourceOf(change: Change, opts: { base?: boolean; failBase?: string } = {}): PullRequestSource & { baseReads: string[] } {
  const baseReads: string[] = [];
  return {
    baseReads,
    loadDiff: async () => ({ kind: 'unified', text: change.diff }),
    readFile: async (path) => content(change.head.get(path)),
    ...(opts.base === false
      ? {}
      : {
          readBaseFile: async (path: string) => {
            baseReads.push(path);
            if (path === opts.failBase) throw new Error('connection reset');
            return content(change.base.get(path));
          },
        }),
  };
}

