import { describe, expect, it } from 'vitest';
import { runReviewJob, type RunReviewJobDeps } from '../../src/app/run-review-job.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, HEAD_SHA, ISSUE_COMMENTS_PATH, PR_PATH, REPO_PATH, checkRunJson, commitJson, createdReviewJson, pullRequestJson, reviewJob, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();

// The default branch's configuration declares the rule; the pull request adds a Stripe import to the domain.
const CONFIG = `custom_rules:
  enabled: false
architecture:
  modules:
    domain: src/domain/**
    adapters: src/adapters/**
  forbid:
    - name: vendor-sdks-only-in-adapters
      to: vendor:*
      except: adapters
      reason: Vendor SDKs belong in src/adapters.
`;
const PATH = 'src/domain/order.ts';
const DIFF = `diff --git a/${PATH} b/${PATH}
index 1111111..2222222 100644
--- a/${PATH}
+++ b/${PATH}
@@ -1,3 +1,4 @@
+import Stripe from 'stripe';
 export function place(id: string) {
   return id;
 }
`;
const HEAD_TEXT = "import Stripe from 'stripe';\nexport function place(id: string) {\n  return id;\n}\n";
const enc = (p: string) => encodeURIComponent(p);

function mockJob() {
  nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3+json').reply(200, pullRequestJson());
  nock(API).get(`${PR_PATH}/commits`).query({ per_page: 50 }).reply(200, [commitJson(HEAD_SHA, 'Charge orders')]);
  // Read without a ref: the default branch's file, so the pull request's own version of it has no say.
  nock(API)
    .get(`${REPO_PATH}/contents/${enc('.github/arch-review.yml')}`)
    .query((q) => q.ref === undefined)
    .reply(200, CONFIG, { 'content-type': 'text/plain; charset=utf-8' });
  nock(API).get(`${PR_PATH}/reviews`).query({ per_page: 100 }).reply(200, []);
  nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).reply(200, []);
  nock(API).get(`${REPO_PATH}/commits/${HEAD_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
  nock(API).post(`${REPO_PATH}/check-runs`).reply(201, checkRunJson(900));
  nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').reply(200, DIFF, { 'content-type': 'application/vnd.github.v3.diff; charset=utf-8' });
  nock(API).get(`${REPO_PATH}/contents/${enc(PATH)}`).query({ ref: HEAD_SHA }).reply(200, { type: 'file', encoding: 'base64', size: HEAD_TEXT.length, path: PATH, content: Buffer.from(HEAD_TEXT).toString('base64') });
  const posted: Array<{ body: string; comments: Array<{ path: string; line: number; body: string }> }> = [];
  nock(API).post(`${PR_PATH}/reviews`, (b: (typeof posted)[number]) => (posted.push(b), true)).reply(200, createdReviewJson(4242));
  nock(API).patch(`${REPO_PATH}/check-runs/900`).reply(200, checkRunJson(900, 'completed'));
  return { posted };
}

const deps = (over: Partial<RunReviewJobDeps> = {}): RunReviewJobDeps => ({ octokit: testOctokit(), job: reviewJob(), log: silentLogger, botLogin: BOT_LOGIN, version: '0.1.0', checkRunRetryDelayMs: 0, ...over });

describe('runReviewJob with declared architecture boundaries', () => {
  it('posts an inline finding naming the broken rule on the added import, with no extra GitHub request', async () => {
    const { posted } = mockJob();
    expect(await runReviewJob(deps())).toMatchObject({ status: 'published' });
    const comments = posted[0]!.comments.filter((c) => c.body.includes('architecture-boundary') || c.body.includes('vendor-sdks-only-in-adapters'));
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ path: PATH, line: 1 });
    expect(comments[0]!.body).toContain('breaks `vendor-sdks-only-in-adapters` (Vendor SDKs belong in src/adapters)');
  });
});
