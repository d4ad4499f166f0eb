/**
 * End to end on Amazon Bedrock and Google Vertex AI: the CLI as a user runs it
 * (`tsx src/cli/main.ts review --diff …`, a child process) with `ARCH_REVIEW_PROVIDER` and the cloud's
 * usual variables, against the fake Messages API serving that cloud's endpoint on 127.0.0.1. On Vertex,
 * credentials come from a workload-identity file (`GOOGLE_APPLICATION_CREDENTIALS`, `external_account`)
 * whose token exchange the fake also serves, so google-auth-library runs for real, without Google.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/cli/format-json.js';
import { REPO_ROOT } from './build-once.js';
import { messageReply, startFakeAnthropic, userText, webhookFindingAnswer, type FakeAnthropic } from './fake-anthropic.js';

const run = promisify(execFile);

const ANSWER_FOR = webhookFindingAnswer;

let fake: FakeAnthropic | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** `arch-review review` on the bundled payments PR, JSON out, with only `env` (plus PATH and a throwaway HOME) as the environment. */
async function reviewWith(env: Record<string, string>): Promise<{ report: JsonReport; stderr: string }> {
  dir ??= mkdtempSync(path.join(os.tmpdir(), 'arch-review-providers-'));
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'review', '--diff', 'examples/payments-pr/pr.diff', '--repo-root', 'examples/payments-pr/head', '--format', 'json'];
  const res = await run(process.execPath, args, {
    cwd: REPO_ROOT,
    // Nothing from this machine's AWS, Google or Anthropic setup leaks in; no instance metadata is tried.
    env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', ...env },
    timeout: 60_000,
  }).catch((err: { code?: number; stdout?: string; stderr?: string }) => {
    // Exit code 1 means findings at or above --fail-on: still a review.
    if (err.code === 1 && err.stdout) return { stdout: err.stdout, stderr: err.stderr ?? '' };
    throw err;
  });
  return { report: JSON.parse(res.stdout) as JsonReport, stderr: res.stderr };
}

const agentTitles = (r: JsonReport) => r.findings.filter((f) => f.source === 'agent').map((f) => f.title);

describe('the CLI with the agent on Amazon Bedrock and Google Vertex AI (fake endpoints on 127.0.0.1)', () => {
  it('ARCH_REVIEW_PROVIDER=bedrock: SigV4-signed InvokeModel calls with the mapped model id, and the agent finding in the report', async () => {
    const accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: { kind: 'bedrock', region: 'us-west-2', accessKeyId, secretAccessKey }, respond: (r) => messageReply(ANSWER_FOR(userText(r.body))) });

    const { report, stderr } = await reviewWith({
      ARCH_REVIEW_PROVIDER: 'bedrock',
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      ANTHROPIC_BEDROCK_BASE_URL: fake.baseUrl,
    });

    expect(fake.requests.length).toBeGreaterThan(0);
    for (const r of fake.requests) {
      expect(r.status).toBe(200);
      expect(r.path).toBe('/model/global.anthropic.claude-sonnet-5-5/invoke');
      expect(r.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${accessKeyId}/\\d{8}/us-west-2/bedrock/aws4_request, `));
      expect(r.body.output_config?.format?.type).toBe('json_schema');
    }
    expect(agentTitles(report)).toEqual(['Webhook handler owns a concrete BillingService']);
    expect(report.findings.some((f) => f.source === 'rule')).toBe(true);
    expect(report.usage?.requests).toBe(fake.requests.length);
    expect(report.usage?.costUsd).toBeGreaterThan(0);
    expect(stderr).not.toContain(secretAccessKey);
    expect(stderr).not.toMatch(/AWS4-HMAC-SHA256/);
  }, 90_000);

  it('ARCH_REVIEW_PROVIDER=vertex: a token from the credentials file, rawPredict on the project and region, and the agent finding in the report', async () => {
    const accessToken = `ya29.e2e-${randomBytes(16).toString('hex')}`;
    const subjectToken = `oidc-${randomBytes(16).toString('hex')}`;
    fake = await startFakeAnthropic({
      apiKey: 'unused',
      platform: { kind: 'vertex', project: 'acme-reviews', region: 'europe-west1', accessToken, subjectToken },
      respond: (r) => messageReply(ANSWER_FOR(userText(r.body))),
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'arch-review-providers-'));
    const subjectFile = path.join(dir, 'subject-token');
    writeFileSync(subjectFile, subjectToken);
    const credentials = path.join(dir, 'workload-identity.json');
    writeFileSync(
      credentials,
      JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci/providers/github',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${fake.baseUrl}/sts/token`,
        credential_source: { file: subjectFile },
      }),
    );

    const { report } = await reviewWith({
      ARCH_REVIEW_PROVIDER: 'vertex',
      CLOUD_ML_REGION: 'europe-west1',
      ANTHROPIC_VERTEX_PROJECT_ID: 'acme-reviews',
      GOOGLE_APPLICATION_CREDENTIALS: credentials,
      ANTHROPIC_VERTEX_BASE_URL: `${fake.baseUrl}/v1`,
    });

    const exchanges = fake.requests.filter((r) => r.path === '/sts/token');
    const predictions = fake.requests.filter((r) => r.path !== '/sts/token');
    expect(exchanges.length).toBeGreaterThanOrEqual(1);
    expect(exchanges.every((r) => r.status === 200)).toBe(true);
    expect(predictions.length).toBeGreaterThan(0);
    for (const r of predictions) {
      expect(r.status).toBe(200);
      expect(r.path).toBe('/v1/projects/acme-reviews/locations/europe-west1/publishers/anthropic/models/claude-sonnet-5-5:rawPredict');
      expect(r.authorization).toBe(`Bearer ${accessToken}`);
      expect(r.body.output_config).toBeUndefined();
    }
    expect(agentTitles(report)).toEqual(['Webhook handler owns a concrete BillingService']);
  }, 90_000);

  it('ARCH_REVIEW_PROVIDER=vertex without usable Google credentials: the review still completes, rules only, with a note (the process does not die on the SDK\'s early credential lookup)', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: { kind: 'vertex', project: 'acme-reviews', region: 'global', accessToken: 'never-issued' } });
    const { report } = await reviewWith({
      ARCH_REVIEW_PROVIDER: 'vertex',
      CLOUD_ML_REGION: 'global',
      ANTHROPIC_VERTEX_PROJECT_ID: 'acme-reviews',
      GOOGLE_APPLICATION_CREDENTIALS: path.join(os.tmpdir(), `no-such-credentials-${randomBytes(6).toString('hex')}.json`),
      ANTHROPIC_VERTEX_BASE_URL: `${fake.baseUrl}/v1`,
    });
    expect(fake.requests).toEqual([]);
    expect(agentTitles(report)).toEqual([]);
    expect(report.findings.some((f) => f.source === 'rule')).toBe(true);
    expect(report.notes.join('\n')).toMatch(/could not get Google credentials/);
  }, 90_000);
});
