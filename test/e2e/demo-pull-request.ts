import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './build-once.js';
import type { FakePullRequestInit } from './fake-github.js';

const DEMO = join(REPO_ROOT, 'examples', 'payments-pr');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

let cached: { diff: string; headFiles: Map<string, string>; baseFiles: Map<string, string> } | undefined;

const filesUnder = (dir: string) => new Map(walk(dir).map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));

/** The merge base the fake's compare API reports for the demo PR (the base branch has moved on since: `baseSha` differs). */
export const DEMO_MERGE_BASE = 'c'.repeat(40);

/**
 * The bundled example pull request (examples/payments-pr: its `pr.diff`, the head version of every
 * file and their base version) as the fake GitHub serves it, at head `headSha`.
 */
export function demoPullRequest(number: number, headSha: string): FakePullRequestInit {
  cached ??= { diff: readFileSync(join(DEMO, 'pr.diff'), 'utf8'), headFiles: filesUnder(join(DEMO, 'head')), baseFiles: filesUnder(join(DEMO, 'base')) };
  return { number, headSha, baseSha: 'b'.repeat(40), mergeBaseSha: DEMO_MERGE_BASE, title: 'Stripe webhook and CRM sync', ...cached };
}
