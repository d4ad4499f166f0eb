/**
 * End to end: the built app (npm start) against the fake GitHub, with the repository's own ast-grep rules
 * on its default branch. Every assertion is on what the fake GitHub saw.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from './build-once.js';
import { deliverWebhook } from './deliver-webhook.js';
import { demoPullRequest } from './demo-pull-request.js';
import type { FakeGitHub } from './fake-github.js';
import { fetchMetrics, readMetric } from './read-metric.js';
import { startAppWithFakeGitHub, type AppProcess } from './start-app-process.js';
import { throwawayCredentials } from './throwaway-credentials.js';
import { pullRequestOpenedPayload } from './webhook-payloads.js';

const TARGET = { owner: 'acme', repo: 'payments', number: 7, installationId: 4242 };
const APP_ID = 31337;
const APP_SLUG = 'arch-review-e2e';
const CREDENTIALS = throwawayCredentials();
const WEBHOOK_SECRET = CREDENTIALS.webhookSecret;
const POLL = { timeout: 20_000, interval: 50 };

const RULES = '.github/arch-review/rules';
const AXIOS_RULE = `id: axios-outside-http-client
language: TypeScript
severity: error
message: axios.$M is called directly instead of through lib/http
note: lib/http sets our timeout, retries and tracing headers on every outbound call.
files: ["src/payments/**"]
metadata:
  category: coupling
rule:
  pattern: axios.$M($$$ARGS)
fix: http.$M($$$ARGS)
`;
const BROKEN_RULE = 'id: broken-rule\nlanguage: TypeScript\nrule:\n  kind: not_a_kind\n';

let github: FakeGitHub;
let app: AppProcess;
let webhookUrl: string;

const shaFor = (scenario: string) => createHash('sha1').update(`${scenario}-${randomBytes(8).toString('hex')}`).digest('hex');

async function review(sha: string): Promise<void> {
  github.addPullRequest(demoPullRequest(TARGET.number, sha));
  const published = readMetric(await fetchMetrics(app.url), 'reviews_total', { outcome: 'published' });
  const ack = await deliverWebhook(webhookUrl, { event: 'pull_request', payload: pullRequestOpenedPayload(TARGET, sha), id: `custom-${randomBytes(4).toString('hex')}`, secret: WEBHOOK_SECRET });
  expect(ack.status).toBe(200);
  await expect.poll(async () => readMetric(await fetchMetrics(app.url), 'reviews_total', { outcome: 'published' }), POLL).toBe(published + 1);
  await expect.poll(() => github.checkRuns.find((c) => c.headSha === sha)?.statuses.at(-1), POLL).toBe('completed');
}

describe('the repository’s own ast-grep rules, end to end', () => {
  beforeAll(async () => {
    await buildOnce();
    ({ github, app, webhookUrl } = await startAppWithFakeGitHub({ target: TARGET, appId: APP_ID, appSlug: APP_SLUG, credentials: CREDENTIALS }));
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await github?.close();
  });

  beforeEach(() => github.reset());

  it('a rule on the default branch finds its match in the pull request, posted inline with a suggestion', async () => {
    github.knobs.defaultBranchFiles = { [`${RULES}/http.yml`]: AXIOS_RULE };
    const sha = shaFor('custom-rule');
    await review(sha);

    const [posted] = github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha);
    const comment = posted!.comments.find((c) => c.path === 'src/payments/stripe-webhook.ts' && c.line === 21 && c.body.includes('axios.post is called directly instead of through lib/http'));
    expect(comment, 'the custom rule’s comment on the Slack call').toBeDefined();
    expect(comment!.body).toContain("```suggestion\n    http.post(process.env.SLACK_BILLING_WEBHOOK_URL ?? '', { text: `Invoice ${event.data.object.id} paid` });\n```");
    expect(github.checkRuns.find((c) => c.headSha === sha)!.conclusion).not.toBe('failure');

    // The rules come from the default branch (no ref): one listing and one read of the file.
    const reads = github.calls('GET', /\/contents\/\.github%2Farch-review%2Frules|\/contents\/\.github\/arch-review\/rules/);
    expect(reads.map((r) => [decodeURIComponent(r.route.split('/contents/')[1]!), r.query.ref])).toEqual([
      [RULES, undefined],
      [`${RULES}/http.yml`, undefined],
    ]);
  });

  it('a broken rule file fails the check run naming its line, and the review still posts the other rules’ findings', async () => {
    github.knobs.defaultBranchFiles = { [`${RULES}/broken.yml`]: BROKEN_RULE, [`${RULES}/http.yml`]: AXIOS_RULE };
    const errors = readMetric(await fetchMetrics(app.url), 'custom_rule_errors_total');
    const sha = shaFor('broken-rule');
    await review(sha);

    const run = github.checkRuns.find((c) => c.headSha === sha)!;
    expect(run.conclusion).toBe('failure');
    expect(run.output?.title).toContain(`${RULES}/broken.yml:3:1`);
    expect(run.output?.summary).toContain('Kind `not_a_kind` is invalid');
    expect(run.output?.annotations).toContainEqual(expect.objectContaining({ path: `${RULES}/broken.yml`, start_line: 3, annotation_level: 'failure' }));

    const [posted] = github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha);
    expect(posted!.comments.some((c) => c.body.includes('axios.post is called directly'))).toBe(true);
    expect(posted!.body).toContain(`${RULES}/broken.yml:3:1`);
    expect(readMetric(await fetchMetrics(app.url), 'custom_rule_errors_total')).toBe(errors + 1);
  });
});
