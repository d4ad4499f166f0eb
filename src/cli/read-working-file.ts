import { lstat, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { FileContent } from '../review/ports.js';
import { toFileContent } from '../diff/file-content.js';

/**
 * Reads `relPath` under `root` from the file system, reading at most `maxBytes`.
 * Returns `undefined` when the file does not exist (or is a directory, e.g. a submodule).
 * A path that leaves `root`, directly or through a symlink, is refused: a diff is untrusted input,
 * and `+++ b/../../etc/passwd` must not make the CLI read outside the repository.
 */
export async function readWorkingFile(root: string, relPath: string, maxBytes: number): Promise<FileContent | undefined> {
  const absRoot = path.resolve(root);
  const abs = path.resolve(absRoot, relPath);
  if (!isInside(absRoot, abs)) throw new InputError(`${relPath}: path is outside the repository root`);

  let stat;
  try {
    stat = await lstat(abs);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (stat.isSymbolicLink()) {
    let target: string;
    try {
      target = await realpath(abs);
    } catch (err) {
      if (isNotFound(err)) return undefined; // a dangling link
      throw err;
    }
    if (!isInside(await realpath(absRoot), target)) throw new InputError(`${relPath}: symlink points outside the repository root`);
    stat = await lstat(target);
  }
  if (!stat.isFile()) return undefined;
  if (stat.size > maxBytes) return { size: stat.size, binary: false, tooLarge: true };

  const handle = await open(abs, 'r');
  try {
    // Read at most maxBytes + 1 so a file that grew since lstat is still caught as too large.
    const buf = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let read = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, read, buf.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
      if (read === buf.length) break;
    }
    return toFileContent(buf.subarray(0, read), read, maxBytes);
  } finally {
    await handle.close();
  }
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
