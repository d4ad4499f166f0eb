import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDefaultBranch } from '../../src/cli/find-default-branch.js';
import { LocalGitSource } from '../../src/cli/local-git-source.js';
import { InputError } from '../../src/errors.js';
import { commitAll, git, run, tempDir, writeFiles } from './cli-helpers.js';
import type { JsonReport } from '../../src/cli/format-json.js';

const CLIENT_V1 = "export async function charge(id: string) {\n  return fetch(`https://pay.example.com/charges/${id}`);\n}\n";
const CLIENT_V2 = "export async function charge(id: string) {\n  try {\n    return await fetch(`https://pay.example.com/charges/${id}`);\n  } catch (err) {}\n}\n";

/** main: one commit; feature (checked out): one more commit changing the client and adding a worker. */
function repo(): { root: string; baseSha: string; featureSha: string } {
  const root = tempDir();
  git(root, 'init', '-q');
  writeFiles(root, { 'src/integrations/pay-client.ts': CLIENT_V1, 'README.md': '# shop\n' });
  const baseSha = commitAll(root, 'base');
  git(root, 'checkout', '-q', '-b', 'feature');
  writeFiles(root, { 'src/integrations/pay-client.ts': CLIENT_V2, 'worker/sync.py': 'import requests\n' });
  const featureSha = commitAll(root, 'Charge through the client');
  return { root, baseSha, featureSha };
}

const diffPaths = (text: string) => [...text.matchAll(/^diff --git a\/(\S+) b\//gm)].map((m) => m[1]);

describe('LocalGitSource', () => {
  it('diffs the working tree against the merge base with main, including uncommitted and untracked files', async () => {
    const { root, baseSha } = repo();
    git(root, 'checkout', '-q', 'main');
    writeFiles(root, { 'main-only.txt': 'x\n' });
    commitAll(root, 'main moves on');
    git(root, 'checkout', '-q', 'feature');
    writeFiles(root, { 'README.md': '# shop\n\nEdited, not committed.\n', 'src/new-adapter.ts': 'export const x = 1;\n' });

    const source = await LocalGitSource.open({ cwd: path.join(root, 'src') });
    expect(source.mergeBase).toBe(baseSha);
    expect(source.root).toBe(root);
    const raw = await source.loadDiff();
    expect(raw.kind).toBe('unified');
    const text = raw.kind === 'unified' ? raw.text : '';
    expect(diffPaths(text).sort()).toEqual(['README.md', 'src/integrations/pay-client.ts', 'src/new-adapter.ts', 'worker/sync.py']);
    expect(text).not.toContain('main-only.txt');
    expect(text).toMatch(/new file mode 100644\n(index .*\n)?--- \/dev\/null\n\+\+\+ b\/src\/new-adapter\.ts/);
    expect(source.target.commitMessages).toEqual(['Charge through the client']);
  });

  it('can leave untracked files out', async () => {
    const { root } = repo();
    writeFiles(root, { 'scratch.ts': 'x\n' });
    const raw = await (await LocalGitSource.open({ cwd: root, includeUntracked: false })).loadDiff();
    expect(raw.kind === 'unified' && raw.text.includes('scratch.ts')).toBe(false);
  });

  it('with --head, diffs base...head and reads files at that commit, not from the working tree', async () => {
    const { root, baseSha, featureSha } = repo();
    writeFiles(root, { 'src/integrations/pay-client.ts': '// uncommitted edit\n' });
    const source = await LocalGitSource.open({ cwd: root, base: 'main', head: 'feature' });
    expect(source.target).toMatchObject({ headSha: featureSha, baseSha });
    const raw = await source.loadDiff();
    expect(raw.kind === 'unified' && raw.text.includes('uncommitted edit')).toBe(false);
    expect((await source.readFile('src/integrations/pay-client.ts', 1000))?.text).toBe(CLIENT_V2);
    expect(await source.readFile('does/not/exist.ts', 1000)).toBeUndefined();
    expect(await source.readFile('src', 1000)).toBeUndefined();
  });

  it('reads the working tree by default, marking binary and too-large files without their text', async () => {
    const { root } = repo();
    writeFiles(root, { 'logo.bin': Buffer.from([0x89, 0x50, 0x00, 0x01]), 'big.ts': 'x'.repeat(2000) });
    const source = await LocalGitSource.open({ cwd: root });
    expect(await source.readFile('logo.bin', 1000)).toEqual({ size: 4, binary: true });
    expect(await source.readFile('big.ts', 1000)).toEqual({ size: 2000, binary: false, tooLarge: true });
    expect((await source.readFile('worker/sync.py', 1000))?.text).toBe('import requests\n');
  });

  it('marks a too-large blob at a ref without reading it', async () => {
    const { root } = repo();
    const source = await LocalGitSource.open({ cwd: root, head: 'feature' });
    expect(await source.readFile('src/integrations/pay-client.ts', 10)).toEqual({ size: CLIENT_V2.length, binary: false, tooLarge: true });
  });

  it('refuses to read outside the repository, directly or through a symlink', async () => {
    const { root } = repo();
    const outside = tempDir();
    writeFiles(outside, { 'secret.txt': 'nope\n' });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    const source = await LocalGitSource.open({ cwd: root });
    await expect(source.readFile('../../etc/passwd', 1000)).rejects.toThrow(/outside the repository root/);
    await expect(source.readFile('link.txt', 1000)).rejects.toThrow(/symlink points outside/);
  });

  it('throws InputError for an unknown ref, a repository without commits, or histories with no common ancestor', async () => {
    const { root } = repo();
    await expect(LocalGitSource.open({ cwd: root, base: 'nope' })).rejects.toThrow(new InputError('unknown git ref "nope"'));
    await expect(LocalGitSource.open({ cwd: root, head: '--output=x' })).rejects.toThrow(InputError);

    git(root, 'checkout', '-q', '--orphan', 'unrelated');
    commitAll(root, 'unrelated root');
    await expect(LocalGitSource.open({ cwd: root, base: 'main', head: 'unrelated' })).rejects.toThrow(/have no common ancestor/);

    const empty = tempDir();
    git(empty, 'init', '-q');
    await expect(LocalGitSource.open({ cwd: empty })).rejects.toThrow(/no commits yet/);
  });
});

describe('findDefaultBranch', () => {
  it('prefers origin/HEAD, then main, then master, and asks for --base when there is none', async () => {
    const root = tempDir();
    git(root, 'init', '-q', '-b', 'trunk');
    writeFiles(root, { 'a.txt': 'a\n' });
    const sha = commitAll(root, 'a');
    await expect(findDefaultBranch(root)).rejects.toThrow(/pass --base <ref>/);

    git(root, 'branch', 'master');
    expect(await findDefaultBranch(root)).toBe('master');
    git(root, 'branch', 'main');
    expect(await findDefaultBranch(root)).toBe('main');
    git(root, 'update-ref', 'refs/remotes/origin/develop', sha);
    git(root, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/develop');
    expect(await findDefaultBranch(root)).toBe('origin/develop');
  });
});

describe('arch-review review in a git repository', () => {
  it('reviews the branch against main by default, and base...head with --head', async () => {
    const { root } = repo();
    const local = await run(['review', '--format', 'json', '-q'], { cwd: root });
    expect(local.code).toBe(0);
    const report = JSON.parse(local.stdout) as JsonReport;
    expect(report.files.map((f) => f.path).sort()).toEqual(['src/integrations/pay-client.ts', 'worker/sync.py']);
    expect(report.findings.map((f) => [f.ruleId, f.line])).toContainEqual(['swallowed-error', 4]);

    git(root, 'checkout', '-q', 'main');
    const ranged = await run(['review', '--base', 'main', '--head', 'feature', '--format', 'json', '-q'], { cwd: root });
    expect(ranged.code).toBe(0);
    expect((JSON.parse(ranged.stdout) as JsonReport).findings.map((f) => [f.ruleId, f.line])).toContainEqual(['swallowed-error', 4]);

    const unknown = await run(['review', '--head', 'no-such-branch'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown git ref "no-such-branch"');
  });
});
