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
});
