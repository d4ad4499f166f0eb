import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './build-once.js';
import type { FakePullRequestInit } from './fake-github.js';

const DEMO = join(REPO_ROOT, 'examples', 'payments-pr');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

let cached: { diff: string; headFiles: Map<string, string> } | undefined;

/**
 * The bundled example pull request (examples/payments-pr: its `pr.diff` and the head version of
 * every file) as the fake GitHub serves it, at head `headSha`.
 */
export function demoPullRequest(number: number, headSha: string): FakePullRequestInit {
  cached ??= {
    diff: readFileSync(join(DEMO, 'pr.diff'), 'utf8'),
    headFiles: new Map(walk(join(DEMO, 'head')).map((f) => [relative(join(DEMO, 'head'), f), readFileSync(f, 'utf8')])),
  };
  return { number, headSha, baseSha: 'b'.repeat(40), title: 'Stripe webhook and CRM sync', ...cached };
}
