/**
 * End to end, the GitHub App on Amazon Bedrock: the built app (`npm start`) with
 * `ARCH_REVIEW_PROVIDER=bedrock` and static AWS keys, against a fake GitHub Enterprise and the fake
 * Messages API serving Bedrock's InvokeModel on 127.0.0.1. One pull request; the agent's finding must
 * reach the posted review, from a SigV4-signed request for the mapped model id. (Vertex through a
 * process is covered by test/e2e/providers-cli.test.ts.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from './build-once.js';
import { deliverWebhook } from './deliver-webhook.js';
import { demoPullRequest } from './demo-pull-request.js';
import { WEBHOOK_COUPLING_FINDING, messageReply, startFakeAnthropic, userText, webhookFindingAnswer, type FakeAnthropic } from './fake-anthropic.js';
import type { FakeGitHub } from './fake-github.js';
import { fetchMetrics, readMetric } from './read-metric.js';
import { startAppWithFakeGitHub, type AppProcess } from './start-app-process.js';
import { throwawayCredentials } from './throwaway-credentials.js';
import { pullRequestOpenedPayload } from './webhook-payloads.js';

const REPO = { owner: 'acme', repo: 'payments', installationId: 4545 };
const APP_ID = 31340;
const CREDENTIALS = throwawayCredentials();
const WEBHOOK_SECRET = CREDENTIALS.webhookSecret;
// Made at test time: not real AWS credentials.
const ACCESS_KEY_ID = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
const SECRET_ACCESS_KEY = randomBytes(30).toString('base64');
const REGION = 'eu-central-1';
const POLL = { timeout: 30_000, interval: 50 };

const FINDING = WEBHOOK_COUPLING_FINDING;

let github: FakeGitHub;
let bedrock: FakeAnthropic;
let app: AppProcess;
let webhookUrl: string;

describe('the GitHub App process with the agent on Amazon Bedrock (fake InvokeModel)', () => {
  beforeAll(async () => {
    await buildOnce();
    bedrock = await startFakeAnthropic({
      apiKey: 'unused',
      platform: { kind: 'bedrock', region: REGION, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      respond: (r) => messageReply(webhookFindingAnswer(userText(r.body))),
    });
    ({ github, app, webhookUrl } = await startAppWithFakeGitHub({
      target: REPO,
      appId: APP_ID,
      appSlug: 'arch-review-bedrock-e2e',
      credentials: CREDENTIALS,
      env: { ARCH_REVIEW_PROVIDER: 'bedrock', AWS_REGION: REGION, AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY, ANTHROPIC_BEDROCK_BASE_URL: bedrock.baseUrl },
    }));
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await github?.close();
    await bedrock?.close();
  });

  it('posts the model finding inline after SigV4-signed InvokeModel calls for global.anthropic.claude-sonnet-5-5, and never logs the secret key', async () => {
    const number = 31;
    const sha = createHash('sha1').update(`bedrock-${randomBytes(8).toString('hex')}`).digest('hex');
    github.addPullRequest(demoPullRequest(number, sha));
    const metric = async () => readMetric(await fetchMetrics(app.url), 'reviews_total', { outcome: 'published' });
    const before = await metric();
    const ack = await deliverWebhook(webhookUrl, { event: 'pull_request', id: `bedrock-e2e-${randomBytes(4).toString('hex')}`, payload: pullRequestOpenedPayload({ ...REPO, number }, sha), secret: WEBHOOK_SECRET });
    expect(ack.status).toBe(200);
    await expect.poll(metric, POLL).toBe(before + 1);

    expect(bedrock.requests.length).toBeGreaterThan(0);
    for (const r of bedrock.requests) {
      expect(r.status).toBe(200);
      expect(r.path).toBe('/model/global.anthropic.claude-sonnet-5-5/invoke');
      expect(r.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/${REGION}/bedrock/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$`));
      expect(r.body.output_config?.format?.type).toBe('json_schema');
      expect(r.body.system?.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    }

    const reviews = github.submittedReviews(number);
    expect(reviews).toHaveLength(1);
    const agent = reviews[0]!.comments.filter((c) => c.body.split('\n')[0]!.endsWith('· reviewer'));
    expect(agent).toHaveLength(1);
    expect(agent[0]).toMatchObject({ path: FINDING.path, line: 7 });
    expect(agent[0]!.body).toContain(`**${FINDING.title}**`);
    expect(reviews[0]!.body).toMatch(/_Model usage: .* in \d+ requests?, about \$\d/);
    expect(app.output()).not.toContain(SECRET_ACCESS_KEY);
  }, 60_000);
});
