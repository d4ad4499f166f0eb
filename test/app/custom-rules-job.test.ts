import { describe, expect, it } from 'vitest';
import { createCustomRulesLoader } from '../../src/app/custom-rules-loader.js';
import { runReviewJob, type RunReviewJobDeps } from '../../src/app/run-review-job.js';
import { createRuleFileCache } from '../../src/github/github-rule-file-reader.js';
import { createMetrics } from '../../src/metrics.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, HEAD_SHA, ISSUE_COMMENTS_PATH, PR_PATH, REF, REPO_PATH, checkRunJson, commitJson, createdReviewJson, pullRequestJson, reviewJob, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';
import { DIFF, HEAD_TEXT, PATH } from './invoice-change.js';

const nock = useHttpMocks();

const RULES_DIR = '.github/arch-review/rules';
const MONEY_RULE = `id: money-rounding
language: TypeScript
severity: warning
message: Money rounded with Math.round
note: Math.round rounds half up on binary floats; invoices must round half to even on integer cents.
metadata:
  category: error-handling
rule:
  pattern: Math.round($X)
fix: roundHalfEven($X)
`;
const BROKEN_RULE = 'id: broken\nlanguage: TypeScript\nrule:\n  kind: not_a_kind\n';
const notFound = { message: 'Not Found', status: '404' };
const enc = (p: string) => encodeURIComponent(p);

function mockJob(files: Record<string, string>, opts: { listing?: boolean } = {}) {
  nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3+json').reply(200, pullRequestJson());
  nock(API).get(`${PR_PATH}/commits`).query({ per_page: 50 }).reply(200, [commitJson(HEAD_SHA, 'Round invoice totals')]);
  nock(API).get(`${REPO_PATH}/contents/${enc('.github/arch-review.yml')}`).reply(404, notFound);
  nock(API).get(`/repos/${REF.owner}/.github/contents/${enc('.github/arch-review.yml')}`).reply(404, notFound);
  nock(API).get(`${PR_PATH}/reviews`).query({ per_page: 100 }).reply(200, []);
  nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).reply(200, []);
  nock(API).get(`${REPO_PATH}/commits/${HEAD_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
  nock(API).post(`${REPO_PATH}/check-runs`).reply(201, checkRunJson(900));
  // The rule folder at the default branch (no ref), then each file.
  if (opts.listing !== false) {
    nock(API)
      .get(`${REPO_PATH}/contents/${enc(RULES_DIR)}`)
      .query((q) => q.ref === undefined)
      .reply(200, Object.entries(files).map(([name, text]) => ({ type: 'file', name, path: `${RULES_DIR}/${name}`, sha: `sha-${text.length}` })));
  }
  nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').reply(200, DIFF, { 'content-type': 'application/vnd.github.v3.diff; charset=utf-8' });
  nock(API).get(`${REPO_PATH}/contents/${enc(PATH)}`).query({ ref: HEAD_SHA }).reply(200, { type: 'file', encoding: 'base64', size: HEAD_TEXT.length, path: PATH, content: Buffer.from(HEAD_TEXT).toString('base64') });
  const posted: Array<{ body: string; comments: Array<{ line: number; body: string }> }> = [];
  nock(API).post(`${PR_PATH}/reviews`, (b: (typeof posted)[number]) => (posted.push(b), true)).reply(200, createdReviewJson(4242));
  const updates: Array<{ conclusion?: string; output: { title: string; summary: string; annotations: Array<{ path: string; start_line: number; annotation_level: string; message: string }> } }> = [];
  nock(API).patch(`${REPO_PATH}/check-runs/900`, (b: (typeof updates)[number]) => (updates.push(b), true)).reply(200, checkRunJson(900, 'completed'));
  return { posted, updates };
}

function mockFile(name: string, text: string) {
  nock(API).get(`${REPO_PATH}/contents/${enc(`${RULES_DIR}/${name}`)}`).matchHeader('accept', 'application/vnd.github.v3.raw').reply(200, text, { 'content-type': 'text/plain; charset=utf-8' });
}

const deps = (over: Partial<RunReviewJobDeps>): RunReviewJobDeps => ({ octokit: testOctokit(), job: reviewJob(), log: silentLogger, botLogin: BOT_LOGIN, version: '0.1.0', checkRunRetryDelayMs: 0, ...over });

describe('runReviewJob with the repository’s own ast-grep rules', () => {
  it('runs a rule read from the default branch: its match is an inline comment with a suggestion; files are read once per blob SHA', async () => {
    const cache = createRuleFileCache();
    const customRules = createCustomRulesLoader({ cache });
    const { posted, updates } = mockJob({ 'money.yml': MONEY_RULE });
    mockFile('money.yml', MONEY_RULE);
    expect(await runReviewJob(deps({ customRules }))).toMatchObject({ status: 'published', inline: 1 });
    const [comment] = posted[0]!.comments;
    expect(comment!.line).toBe(3);
    expect(comment!.body).toContain('Money rounded with Math.round');
    expect(comment!.body).toContain('```suggestion\n  const rounded = roundHalfEven(sum * 100) / 100;\n```');
    expect(updates[0]).toMatchObject({ conclusion: 'neutral' });

    // The next review of the repository lists the folder again, but the unchanged file comes from the cache.
    const second = mockJob({ 'money.yml': MONEY_RULE });
    expect(await runReviewJob(deps({ customRules }))).toMatchObject({ status: 'published', inline: 1 });
    expect(second.posted[0]!.comments).toHaveLength(1);
  });

  it('a broken rule file fails the check run, naming its line; the review still posts the other rules’ findings', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const customRules = createCustomRulesLoader({ metrics });
    const { posted, updates } = mockJob({ 'broken.yml': BROKEN_RULE, 'money.yml': MONEY_RULE });
    mockFile('broken.yml', BROKEN_RULE);
    mockFile('money.yml', MONEY_RULE);
    expect(await runReviewJob(deps({ customRules }))).toMatchObject({ status: 'published', inline: 1 });
    expect(posted[0]!.comments.map((c) => c.line)).toEqual([3]);
    expect(posted[0]!.body).toContain(`Custom rule file: ${RULES_DIR}/broken.yml:3:1: rule \`broken\`: ast-grep rejected the rule`);

    const [update] = updates;
    expect(update!.conclusion).toBe('failure');
    expect(update!.output.title).toMatch(/^Broken custom rule file: \.github\/arch-review\/rules\/broken\.yml:3:1: /);
    expect(update!.output.summary).toContain('Kind `not_a_kind` is invalid');
    expect(update!.output.annotations[0]).toMatchObject({ path: `${RULES_DIR}/broken.yml`, start_line: 3, annotation_level: 'failure' });
    expect(update!.output.annotations.some((a) => a.path === PATH && a.start_line === 3)).toBe(true);
    expect(await metrics.registry.getSingleMetricAsString('custom_rule_errors_total')).toContain('custom_rule_errors_total 1');
  });

  it('a repository without the rule folder costs one listing (a 404) and reviews as before', async () => {
    const { posted, updates } = mockJob({}, { listing: false });
    nock(API).get(`${REPO_PATH}/contents/${enc(RULES_DIR)}`).reply(404, notFound);
    expect(await runReviewJob(deps({ customRules: createCustomRulesLoader() }))).toMatchObject({ status: 'published', inline: 0 });
    expect(posted).toHaveLength(1);
    expect(updates[0]!.conclusion).toBe('neutral');
  });
});
