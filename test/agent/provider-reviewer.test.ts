/**
 * The Claude reviewer on Amazon Bedrock and Google Vertex AI, through the real SDK clients, against the
 * fake Messages API serving each cloud's endpoint on 127.0.0.1 (test/e2e/fake-anthropic.ts `platform`).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicReviewer, type AnthropicReviewerOptions } from '../../src/agent/anthropic-reviewer.js';
import type { VertexAuthClient } from '../../src/agent/messages-client.js';
import { JSON_OUTPUT_INSTRUCTIONS } from '../../src/agent/output-format.js';
import { requestCostUsd } from '../../src/agent/model-prices.js';
import type { Logger, ReviewerInput } from '../../src/review/ports.js';
import { silentLogger } from '../../src/review/ports.js';
import { messageReply, startFakeAnthropic, type FakeAnthropic, type FakePlatform, type FakeUsage } from '../e2e/fake-anthropic.js';
import { addedFile, profile, reviewerInput } from './fixtures.js';

const PAY_TS = ["import axios from 'axios';", '', 'export async function charge(id: string) {', "  return axios.post('https://psp.example.com/charges', { id });", '}', ''].join('\n');

const FINDING = {
  path: 'src/pay.ts',
  line: 4,
  category: 'resilience',
  severity: 'high',
  title: 'PSP charge has no timeout',
  body: 'A slow PSP holds the request open.\n\nSet a timeout and retry with an idempotency key.',
  confidence: 0.9,
};
const ANSWER = { findings: [FINDING], questions: [], assessment: 'The charge path has no timeout.' };
const USAGE: FakeUsage = { input_tokens: 3_000, output_tokens: 400, cache_creation_input_tokens: 5_000, cache_read_input_tokens: 0 };

// Made at test time: nothing here is a real credential.
const ACCESS_KEY_ID = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
const SECRET_ACCESS_KEY = randomBytes(30).toString('base64');
const ACCESS_TOKEN = `ya29.test-${randomBytes(16).toString('hex')}`;

const BEDROCK: FakePlatform = { kind: 'bedrock', region: 'eu-central-1', accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };
const VERTEX: FakePlatform = { kind: 'vertex', project: 'acme-reviews', region: 'us-east5', accessToken: ACCESS_TOKEN };

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** google-auth-library's AuthClient as far as the Vertex SDK uses it: a bearer header, no network. */
function staticToken(token: string): VertexAuthClient {
  return { projectId: undefined, getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }) } as unknown as VertexAuthClient;
}

function bedrockReviewer(baseURL: string, over: Partial<AnthropicReviewerOptions> = {}) {
  return createAnthropicReviewer({
    provider: { kind: 'bedrock', region: 'eu-central-1', accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, baseURL },
    log: silentLogger,
    maxRetries: 0,
    profile,
    ...over,
  });
}

function vertexReviewer(baseURL: string, over: Partial<AnthropicReviewerOptions> = {}, auth = staticToken(ACCESS_TOKEN)) {
  return createAnthropicReviewer({
    provider: { kind: 'vertex', region: 'us-east5', projectId: 'acme-reviews', baseURL: `${baseURL}/v1`, authClient: auth },
    log: silentLogger,
    maxRetries: 0,
    profile,
    ...over,
  });
}

const payInput = (): ReviewerInput => reviewerInput([addedFile('src/pay.ts', PAY_TS, { signals: ['http-client:axios'] })]);

/** A logger that keeps warnings. */
function warnings(): Logger & { warned: string[] } {
  const warned: string[] = [];
  return { ...silentLogger, warn: (obj: object | string, msg?: string) => void warned.push(typeof obj === 'string' ? obj : (msg ?? '')), warned };
}

describe('the Claude reviewer on Amazon Bedrock', () => {
  it('signs InvokeModel with SigV4, maps the default model to its Bedrock id, keeps structured output and caching, and reports the finding with its cost', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: BEDROCK, respond: () => messageReply(ANSWER, USAGE) });
    const out = await bedrockReviewer(fake.baseUrl).review(payInput());

    expect(fake.requests).toHaveLength(1);
    const r = fake.requests[0]!;
    expect(r.status).toBe(200);
    expect(r.path).toBe('/model/global.anthropic.claude-sonnet-5-5/invoke');
    expect(r.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/eu-central-1/bedrock/aws4_request, `));
    expect(r.authorization).not.toContain(SECRET_ACCESS_KEY);
    expect(r.body.model).toBeUndefined();
    expect(r.body.anthropic_version).toEqual(expect.any(String));
    expect(r.body.output_config?.format?.type).toBe('json_schema');
    expect(r.body.system?.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(r.body.system?.map((b) => b.text)).not.toContain(JSON_OUTPUT_INSTRUCTIONS);

    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ path: 'src/pay.ts', line: 4, title: 'PSP charge has no timeout', source: 'agent' });
    expect(out.notes).toEqual([]);
    expect(out.usage).toMatchObject({ inputTokens: 3_000, outputTokens: 400, cacheWriteTokens: 5_000, requests: 1 });
    const expected = requestCostUsd('claude-sonnet-5-5', { inputTokens: 3_000, outputTokens: 400, cacheWriteTokens: 5_000, cacheReadTokens: 0 });
    expect(expected).toBeGreaterThan(0);
    expect(out.usage?.costUsd).toBeCloseTo(expected!, 10);
  });

  it('sends a Bedrock id as given (ARCH_REVIEW_MODEL) and still prices it', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: BEDROCK, respond: () => messageReply(ANSWER, USAGE) });
    const out = await bedrockReviewer(fake.baseUrl, { model: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' }).review(payInput());
    expect(fake.requests[0]!.model).toBe('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(out.usage?.costUsd).toBeCloseTo(requestCostUsd('claude-sonnet-4-5', { inputTokens: 3_000, outputTokens: 400, cacheWriteTokens: 5_000, cacheReadTokens: 0 })!, 10);
  });

  it('drops structured output for good when the endpoint refuses it with a 400, and gets the finding from the prompt-instructed JSON', async () => {
    fake = await startFakeAnthropic({
      apiKey: 'unused',
      platform: BEDROCK,
      respond: (r) =>
        r.body.output_config
          ? { kind: 'error', status: 400, errorType: 'invalid_request_error', message: 'output_config: structured outputs are not supported for this model' }
          : messageReply(`Here is the review:\n${JSON.stringify(ANSWER)}`, USAGE),
    });
    const log = warnings();
    const reviewer = bedrockReviewer(fake.baseUrl, { log });
    const first = await reviewer.review(payInput());
    const second = await reviewer.review(payInput());

    expect(fake.requests.map((r) => [r.status, Boolean(r.body.output_config)])).toEqual([
      [400, true],
      [200, false],
      [200, false],
    ]);
    expect(fake.requests[1]!.body.system?.map((b) => b.text)).toContain(JSON_OUTPUT_INSTRUCTIONS);
    expect(fake.requests[1]!.body.system?.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    for (const out of [first, second]) expect(out.findings.map((f) => f.title)).toEqual(['PSP charge has no timeout']);
    expect(log.warned.filter((m) => /refused structured output/.test(m))).toHaveLength(1);
  });

  it('is refused when signed with another secret: the fake checks the signature itself, not just its form', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: BEDROCK, respond: () => messageReply(ANSWER, USAGE) });
    const wrong = createAnthropicReviewer({
      provider: { kind: 'bedrock', region: 'eu-central-1', accessKeyId: ACCESS_KEY_ID, secretAccessKey: `${SECRET_ACCESS_KEY}x`, baseURL: fake.baseUrl },
      log: silentLogger,
      maxRetries: 0,
      profile,
    });
    const out = await wrong.review(payInput());
    expect(fake.requests.map((r) => r.status)).toEqual([403]);
    expect(out.findings).toEqual([]);
  });

  it('rules only, with a note naming AWS credentials, when the signature is refused (403)', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: { ...BEDROCK, accessKeyId: 'AKIAOTHERKEY0000' } });
    const out = await bedrockReviewer(fake.baseUrl).review(payInput());
    expect(out.findings).toEqual([]);
    expect(out.notes.join('\n')).toMatch(/Amazon Bedrock refused the AWS credentials or their access to this model \(403: .*`bedrock:InvokeModel`/);
  });
});

describe('the Claude reviewer on Google Vertex AI', () => {
  it('calls rawPredict with the bearer token, asks for the JSON in the cached system prompt (no output_config by default) and reports the finding', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: VERTEX, respond: () => messageReply(ANSWER, USAGE) });
    const out = await vertexReviewer(fake.baseUrl).review(payInput());

    expect(fake.requests).toHaveLength(1);
    const r = fake.requests[0]!;
    expect(r.status).toBe(200);
    expect(r.path).toBe('/v1/projects/acme-reviews/locations/us-east5/publishers/anthropic/models/claude-sonnet-5-5:rawPredict');
    expect(r.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(r.body.output_config).toBeUndefined();
    const system = r.body.system ?? [];
    expect(system.map((b) => b.text)).toContain(JSON_OUTPUT_INSTRUCTIONS);
    expect(system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(system.findIndex((b) => b.text === JSON_OUTPUT_INSTRUCTIONS)).toBeLessThan(system.length - 1);

    expect(out.findings.map((f) => [f.path, f.line, f.title])).toEqual([['src/pay.ts', 4, 'PSP charge has no timeout']]);
    expect(out.usage?.costUsd).toBeGreaterThan(0);
  });

  it('maps a dated model to Vertex naming and sends output_config when structured output is turned on', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: VERTEX, respond: () => messageReply(ANSWER, USAGE) });
    const out = await vertexReviewer(fake.baseUrl, { model: 'claude-sonnet-4-5', structuredOutput: true }).review(payInput());
    expect(fake.requests[0]!.model).toBe('claude-sonnet-4-5@20250929');
    expect(fake.requests[0]!.body.output_config?.format?.type).toBe('json_schema');
    expect(out.findings).toHaveLength(1);
  });

  it('repairs an answer that breaks the contract once, as on the Anthropic API', async () => {
    let n = 0;
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: VERTEX, respond: () => messageReply(++n === 1 ? { findings: [{ ...FINDING, severity: 'urgent' }], questions: [], assessment: 'x' } : ANSWER, USAGE) });
    const out = await vertexReviewer(fake.baseUrl).review(payInput());
    expect(fake.requests).toHaveLength(2);
    expect(JSON.stringify(fake.requests[1]!.body.messages.at(-1))).toContain('findings.0.severity');
    expect(out.findings.map((f) => f.title)).toEqual(['PSP charge has no timeout']);
  });

  it('rules only, with a note naming Google credentials, when no token can be had (and nothing is sent)', async () => {
    fake = await startFakeAnthropic({ apiKey: 'unused', platform: VERTEX });
    const broken = { projectId: undefined, getRequestHeaders: () => Promise.reject(new Error('Could not load the default credentials')) } as unknown as VertexAuthClient;
    const out = await vertexReviewer(fake.baseUrl, {}, broken).review(payInput());
    expect(fake.requests).toEqual([]);
    expect(out.findings).toEqual([]);
    expect(out.notes.join('\n')).toMatch(/could not get Google credentials/);
  });
});
