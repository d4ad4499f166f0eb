import { spawn } from 'node:child_process';
import { InputError } from '../errors.js';

/**
 * Streams objects through one `git cat-file --batch` process: for each of `objects` (an object id, or
 * `<rev>:<path>`), in order, `onObject(index, type, body)` with the object's type and contents, or with
 * type `missing` and an empty body. `onObject` returns false to stop early (the process is killed). Rejects
 * when git fails to start or exits non-zero before answering every object, or when `signal` aborts.
 *
 * @example await catFileBatch(root, [`${sha}:src/pay.ts`], (i, type, body) => { texts[i] = body.toString('utf8'); return true; })
 */
export function catFileBatch(cwd: string, objects: readonly string[], onObject: (index: number, type: string, body: Buffer) => boolean, signal?: AbortSignal): Promise<void> {
  if (objects.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const git = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
    let next = 0;
    let pending: Buffer = Buffer.alloc(0);
    let finished = false;
    const stop = (err?: Error) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      git.stdin.end();
      git.kill();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => stop(new Error('git cat-file aborted'));
    signal?.addEventListener('abort', onAbort);
    git.on('error', (err) => stop(err));
    git.on('close', (code) => stop(next < objects.length ? new InputError(`git cat-file --batch ended (exit ${code}) after ${next} of ${objects.length} objects`) : undefined));
    git.stdin.on('error', () => undefined);
    git.stdout.on('data', (chunk: Buffer) => {
      if (finished) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const eol = pending.indexOf(10);
        if (eol < 0) return;
        const m = /^\S+ (\w+) (\d+)$/.exec(pending.subarray(0, eol).toString('utf8'));
        let go: boolean;
        if (!m) {
          // `<object> missing` (or ambiguous): a header line without a body.
          pending = pending.subarray(eol + 1);
          go = onObject(next++, 'missing', Buffer.alloc(0));
        } else {
          const size = Number(m[2]);
          if (pending.length < eol + 1 + size + 1) return;
          const body = pending.subarray(eol + 1, eol + 1 + size);
          pending = pending.subarray(eol + 1 + size + 1);
          go = onObject(next++, m[1]!, body);
        }
        if (!go || next >= objects.length) return stop();
      }
    });
    // One line per object; git answers in order.
    git.stdin.write(objects.join('\n') + '\n');
    git.stdin.end();
  });
}
