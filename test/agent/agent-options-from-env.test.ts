import { describe, expect, it } from 'vitest';
import { agentOptionsFromEnv } from '../../src/agent/agent-options-from-env.js';
import { ConfigError } from '../../src/errors.js';
import { silentLogger } from '../../src/review/ports.js';

describe('agentOptionsFromEnv', () => {
  it('returns nothing without a key (or with an empty one)', () => {
    expect(agentOptionsFromEnv({}, silentLogger)).toBeUndefined();
    expect(agentOptionsFromEnv({ ANTHROPIC_API_KEY: '  ' }, silentLogger)).toBeUndefined();
  });

  it('reads the key, the base URL and the deadline', () => {
    const o = agentOptionsFromEnv({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', ARCH_REVIEW_AGENT_DEADLINE_MS: '5000' }, silentLogger);
    expect(o).toMatchObject({ apiKey: 'k', baseURL: 'http://127.0.0.1:9', deadlineMs: 5000 });
  });

  it('rejects a deadline that is not a positive integer, without echoing the key', () => {
    const read = () => agentOptionsFromEnv({ ANTHROPIC_API_KEY: 'sk-ant-secret', ARCH_REVIEW_AGENT_DEADLINE_MS: '2m' }, silentLogger);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/ARCH_REVIEW_AGENT_DEADLINE_MS/);
    expect(read).not.toThrow(/sk-ant-secret/);
  });

  it('bedrock: needs the region, passes static keys, the bearer token and the endpoint, and turns the agent on without ANTHROPIC_API_KEY', () => {
    expect(() => agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'bedrock' }, silentLogger)).toThrow(/AWS_REGION/);
    expect(agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'bedrock', AWS_DEFAULT_REGION: 'eu-west-1' }, silentLogger)?.provider).toEqual({ kind: 'bedrock', region: 'eu-west-1' });
    const o = agentOptionsFromEnv(
      { ARCH_REVIEW_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', ANTHROPIC_BEDROCK_BASE_URL: 'http://127.0.0.1:9', ANTHROPIC_API_KEY: 'sk-ant-not-for-aws' },
      silentLogger,
    );
    expect(o?.provider).toEqual({ kind: 'bedrock', region: 'us-east-1', accessKeyId: 'AKIAX', secretAccessKey: 's', sessionToken: 't', baseURL: 'http://127.0.0.1:9' });
    expect(o?.apiKey).toBeUndefined();
    expect(agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1', AWS_BEARER_TOKEN_BEDROCK: 'bk' }, silentLogger)?.provider).toMatchObject({ bearerToken: 'bk' });
    expect(() => agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAX' }, silentLogger)).toThrow(/AWS_SECRET_ACCESS_KEY/);
  });

  it('vertex: needs the region and the project (both named when missing), takes the endpoint', () => {
    expect(() => agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'vertex' }, silentLogger)).toThrow(/CLOUD_ML_REGION and ANTHROPIC_VERTEX_PROJECT_ID/);
    expect(() => agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'vertex', CLOUD_ML_REGION: 'global' }, silentLogger)).toThrow(/needs ANTHROPIC_VERTEX_PROJECT_ID$/);
    const o = agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'vertex', CLOUD_ML_REGION: 'us-east5', ANTHROPIC_VERTEX_PROJECT_ID: 'acme', ANTHROPIC_VERTEX_BASE_URL: 'http://127.0.0.1:9/v1' }, silentLogger);
    expect(o?.provider).toEqual({ kind: 'vertex', region: 'us-east5', projectId: 'acme', baseURL: 'http://127.0.0.1:9/v1' });
  });

  it('reads ARCH_REVIEW_MODEL and ARCH_REVIEW_STRUCTURED_OUTPUT, and rejects an unknown provider or flag', () => {
    const o = agentOptionsFromEnv({ ANTHROPIC_API_KEY: 'k', ARCH_REVIEW_MODEL: 'claude-opus-5-5', ARCH_REVIEW_STRUCTURED_OUTPUT: 'false' }, silentLogger);
    expect(o).toMatchObject({ model: 'claude-opus-5-5', structuredOutput: false });
    expect(() => agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'azure' }, silentLogger)).toThrow(/ARCH_REVIEW_PROVIDER must be one of anthropic, bedrock, vertex/);
    expect(() => agentOptionsFromEnv({ ANTHROPIC_API_KEY: 'k', ARCH_REVIEW_STRUCTURED_OUTPUT: 'yes' }, silentLogger)).toThrow(/ARCH_REVIEW_STRUCTURED_OUTPUT/);
  });

  it('never echoes a secret in its errors', () => {
    const read = () => agentOptionsFromEnv({ ARCH_REVIEW_PROVIDER: 'bedrock', AWS_ACCESS_KEY_ID: 'AKIASECRETLOOKING', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-secret' }, silentLogger);
    expect(read).toThrow(ConfigError);
    expect(read).not.toThrow(/AKIASECRETLOOKING|wJalrXUtnFEMI/);
  });
});
