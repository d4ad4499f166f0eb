import { execFile } from 'node:child_process';
import { ExternalServiceError, InputError } from '../errors.js';

/** Large enough for a 50 MB diff with room to spare. */
export const GIT_MAX_BUFFER = 64 * 1024 * 1024;

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export interface GitOptions {
  cwd: string;
  /** Exit codes that are answers rather than failures (e.g. `1` for `diff --no-index`). Default `[0]`. */
  okCodes?: readonly number[];
  maxBuffer?: number;
}

/**
 * Runs `git <args>` without a shell (no quoting or injection concerns with paths and refs) and
 * returns its raw stdout. A missing git binary becomes an `InputError`; any other unexpected exit
 * an `ExternalServiceError` carrying git's own message.
 */
export function runGit(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  const ok = opts.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      { cwd: opts.cwd, encoding: 'buffer', maxBuffer: opts.maxBuffer ?? GIT_MAX_BUFFER, windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
      (err, stdout, stderrBuf) => {
        const stderr = stderrBuf.toString('utf8').trim();
        if (!err) return resolve({ stdout, stderr, code: 0 });
        const e = err as NodeJS.ErrnoException & { code?: unknown };
        if (e.code === 'ENOENT') return reject(new InputError('git is not installed or not on PATH', { cause: err }));
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return reject(new InputError(`git ${args[0]} printed more than ${Math.round((opts.maxBuffer ?? GIT_MAX_BUFFER) / 1024 / 1024)} MB; the change is too large to review`, { cause: err }));
        }
        const code = typeof e.code === 'number' ? e.code : -1;
        if (ok.includes(code)) return resolve({ stdout, stderr, code });
        reject(new ExternalServiceError('git', `git ${args.join(' ')} failed (exit ${code}): ${stderr || err.message}`, { cause: err }));
      },
    );
  });
}

/** `runGit` returning trimmed UTF-8 stdout. */
export async function gitText(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await runGit(args, opts)).stdout.toString('utf8').trim();
}
