import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { ProbotOctokit } from 'probot';
import { withGitHubRetryPolicy } from '../../src/github/octokit-policy.js';
import type { GitHubClient, PullRequestRef } from '../../src/github/types.js';
import type { ReviewJob } from '../../src/queue/review-job.js';

/** GitHub's REST root, as nock scopes take it. */
export const API = 'https://api.github.com';
/** The repository of GitHub's own example payloads. */
export const REF: PullRequestRef = { owner: 'Codertocat', repo: 'Hello-World', number: 2 };
export const REPO_PATH = `/repos/${REF.owner}/${REF.repo}`;
export const PR_PATH = `${REPO_PATH}/pulls/${REF.number}`;
/** The pull request's conversation comments (where the fallback comment and its marker live). */
export const ISSUE_COMMENTS_PATH = `${REPO_PATH}/issues/${REF.number}/comments`;
export const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
export const BASE_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
export const BOT_LOGIN = 'arch-review[bot]';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** arch-review's retry policy with millisecond waits (a second of `retry-after` lasts 1 ms). */
export const FAST_RETRY_POLICY = { baseDelayMs: 1, maxDelayMs: 20_000, secondMs: 1, random: () => 0.5 } as const;

/**
 * A real Probot Octokit (pagination, config plugins) with a test token and arch-review's retry policy
 * as production wires it (`withGitHubRetryPolicy`), with millisecond back-off, so a test sees what the
 * policy would do. Throttling is off (no write spacing, no rate-limit waits).
 */
export function testOctokit(): GitHubClient {
  const Octokit = withGitHubRetryPolicy(ProbotOctokit, FAST_RETRY_POLICY);
  return new Octokit({ auth: { token: 'test-token' }, throttle: { enabled: false }, log: silent });
}

/**
 * A review job for the pull request `REF` at `HEAD_SHA` (opened, installation 1), with `over` applied.
 *
 * @example
 * const job = reviewJob({ trigger: 'synchronize', deliveryId: 'd-2' });
 */
export function reviewJob(over: Partial<ReviewJob> = {}): ReviewJob {
  return {
    installationId: 1,
    owner: REF.owner,
    repo: REF.repo,
    number: REF.number,
    headSha: HEAD_SHA,
    trigger: 'opened',
    deliveryId: 'd-1',
    full: false,
    enqueuedAt: 0,
    ...over,
  };
}

type Json = Record<string, unknown>;
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

/** `GET /repos/{owner}/{repo}/pulls/{n}` as GitHub answers it: the documented example pull request, with changes. */
export function pullRequestJson(over: { headSha?: string; state?: string; changedFiles?: number; body?: string | null; title?: string } = {}): Json {
  const def = definitions.find((d) => d.name === 'pull_request');
  const example = (def?.examples as unknown as Json[]).find((e) => e.action === 'opened')!;
  const pr = structuredClone(example.pull_request) as Json & { head: Json; base: Json };
  pr.head.sha = over.headSha ?? HEAD_SHA;
  pr.base.sha = BASE_SHA;
  if (over.state) pr.state = over.state;
  if (over.changedFiles !== undefined) pr.changed_files = over.changedFiles;
  if (over.body !== undefined) pr.body = over.body;
  if (over.title !== undefined) pr.title = over.title;
  return pr;
}

/** One entry of `GET …/pulls/{n}/commits`. */
export function commitJson(sha: string, message: string): Json {
  return {
    sha,
    node_id: 'C_kwDOABCD',
    commit: { author: { name: 'Monalisa Octocat', email: 'mona@github.com', date: '2024-01-01T00:00:00Z' }, committer: { name: 'GitHub', email: 'noreply@github.com', date: '2024-01-01T00:00:00Z' }, message, tree: { sha: 'tree', url: '' }, url: '', comment_count: 0 },
    url: `${API}${REPO_PATH}/commits/${sha}`,
    html_url: `https://github.com/${REF.owner}/${REF.repo}/commit/${sha}`,
    parents: [],
  };
}

/** One entry of `GET …/pulls/{n}/reviews`. */
export function reviewJson(id: number, user: { login: string; type: 'Bot' | 'User' }, body: string, commitId = HEAD_SHA): Json {
  return {
    id,
    node_id: `PRR_${id}`,
    user: { login: user.login, id: 1000 + id, type: user.type, site_admin: false },
    body,
    state: 'COMMENTED',
    html_url: `https://github.com/${REF.owner}/${REF.repo}/pull/${REF.number}#pullrequestreview-${id}`,
    pull_request_url: `${API}${PR_PATH}`,
    author_association: user.type === 'Bot' ? 'NONE' : 'OWNER',
    submitted_at: '2024-01-01T00:00:00Z',
    commit_id: commitId,
  };
}

/** What `POST …/pulls/{n}/reviews` answers. */
export function createdReviewJson(id: number, state: 'COMMENTED' | 'PENDING' = 'COMMENTED'): Json {
  return { ...reviewJson(id, { login: BOT_LOGIN, type: 'Bot' }, ''), state };
}

/** What `POST /repos/{o}/{r}/check-runs` answers. */
export function checkRunJson(id: number, status = 'in_progress'): Json {
  return { id, head_sha: HEAD_SHA, node_id: `CR_${id}`, name: 'arch-review', status, conclusion: null, html_url: `https://github.com/${REF.owner}/${REF.repo}/runs/${id}` };
}

/** GitHub's 422 body for a review comment it cannot place. */
export const UNPROCESSABLE = {
  message: 'Unprocessable Entity',
  errors: ['Line could not be resolved'],
  documentation_url: 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request',
  status: '422',
};
