/**
 * The App's over-budget snapshot on a real repository: `npx tsx bench/integration/tarball-cut.bench.ts <repo dir> <max files> <changed path>…`.
 * Makes the repository's tar.gz at HEAD with `git archive` (GitHub's tarball is the same: git's tree order, one
 * top folder), serves it to `readTarballSnapshot` through a stand-in Octokit that counts the requests, and
 * prints what was kept, the requests, the files read in the second pass, the time and the peak RSS; then reads
 * the same repository with the CLI's reader (`readLocalSnapshot`, listing up front) for comparison.
 */
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { readTarballSnapshot } from '../../src/github/github-snapshot.js';
import type { GitHubClient } from '../../src/github/types.js';
import { readLocalSnapshot } from '../../src/cli/local-snapshot.js';

const [dir, maxFiles, ...changedPaths] = process.argv.slice(2);
if (!dir || !maxFiles || changedPaths.length === 0) throw new Error('usage: tarball-cut.bench.ts <repo dir> <max files> <changed path>…');
const archive = execFileSync('git', ['-C', dir, 'archive', '--format=tar.gz', '--prefix=owner-repo-0000000/', 'HEAD'], { maxBuffer: 1024 * 1024 * 1024 });
let requests = 0;
const octokit = {
  rest: {
    repos: {
      downloadTarballArchive: () => {
        requests++;
        return Promise.resolve({ data: Readable.toWeb(Readable.from([archive])) });
      },
    },
  },
} as unknown as GitHubClient;
const budget = { maxFiles: Number(maxFiles), maxBytes: 50 * 1024 * 1024, timeoutMs: 60_000 };
const started = performance.now();
const app = await readTarballSnapshot(octokit, { owner: 'o', repo: 'r', ref: 'HEAD', budget, changedPaths });
const appMs = performance.now() - started;
const appRss = Math.round(process.resourceUsage().maxRSS / 1024);
const cliStarted = performance.now();
const cli = await readLocalSnapshot({ root: dir, ref: 'HEAD', budget, changedPaths });
const cliMs = performance.now() - cliStarted;
const appPaths = new Set(app.files.map((f) => f.path));
console.log(
  JSON.stringify(
    {
      dir,
      maxFiles: budget.maxFiles,
      archiveMb: Math.round((archive.length / 1024 / 1024) * 10) / 10,
      app: { requests, stats: app.stats, note: app.note, readMs: Math.round(appMs), peakRssMb: appRss },
      cli: { stats: cli.stats, note: cli.note, readMs: Math.round(cliMs) },
      cliFilesTheAppHas: `${cli.files.filter((f) => appPaths.has(f.path)).length} of ${cli.files.length}`,
    },
    null,
    2,
  ),
);
