import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { translateAnthropicError } from '../../src/agent/translate-anthropic-error.js';

const http = (status: number, body: object = {}) => APIError.generate(status, body, undefined, new Headers());

describe('translateAnthropicError on Bedrock and Vertex', () => {
  it('names the cloud and its credentials instead of the Anthropic key', () => {
    const bedrock401 = translateAnthropicError(http(401, { message: 'The security token included in the request is invalid.' }), 'bedrock');
    expect(bedrock401).toMatchObject({ fatal: true, kind: '401' });
    expect(bedrock401.note).toMatch(/^Amazon Bedrock rejected the credentials \(401\).*AWS credentials \(`AWS_ACCESS_KEY_ID`/);
    expect(bedrock401.note).not.toContain('ANTHROPIC_API_KEY');
    expect(bedrock401.error.service).toBe('bedrock');

    const vertex403 = translateAnthropicError(http(403, { error: { code: 403, status: 'PERMISSION_DENIED' } }), 'vertex');
    expect(vertex403.note).toMatch(/^Google Vertex AI refused the Google credentials or their access to this model \(403: .*`aiplatform\.endpoints\.predict`/);

    expect(translateAnthropicError(http(404), 'bedrock').note).toMatch(/^Amazon Bedrock does not know the configured model \(404\).*`ARCH_REVIEW_MODEL`/);
    expect(translateAnthropicError(http(429), 'vertex').note).toBe('Google Vertex AI rate limit was reached (429, after retries).');
  });

  it('tells missing cloud credentials apart from an unreachable endpoint', () => {
    const noAws = translateAnthropicError(new APIConnectionError({ message: 'Failed to resolve AWS credentials from the credential provider chain.' }), 'bedrock');
    expect(noAws).toMatchObject({ kind: 'credentials', fatal: true });
    expect(noAws.note).toMatch(/could not get AWS credentials/);
    const down = translateAnthropicError(new APIConnectionError({ message: 'Connection error.' }), 'vertex');
    expect(down).toMatchObject({ kind: 'connection' });
    expect(down.note).toBe('The agent reviewer could not reach Google Vertex AI (after retries).');
  });

  it('keeps the Anthropic wording by default', () => {
    expect(translateAnthropicError(http(401)).note).toBe('Anthropic rejected the API key (401), so this review ran with the deterministic rules only. Check `ANTHROPIC_API_KEY`.');
    expect(translateAnthropicError(new APIConnectionError({ message: 'Failed to resolve AWS credentials' })).kind).toBe('connection');
  });
});
