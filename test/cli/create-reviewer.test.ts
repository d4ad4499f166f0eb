import { describe, expect, it } from 'vitest';
import { createReviewer } from '../../src/cli/create-reviewer.js';
import { defaultConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { silentLogger } from '../../src/review/ports.js';

describe('createReviewer', () => {
  const opts = { config: defaultConfig(), log: silentLogger };

  it('returns no reviewer without ANTHROPIC_API_KEY (empty counts as unset): a rules-only review', () => {
    expect(createReviewer({}, opts)).toBeUndefined();
    expect(createReviewer({ ANTHROPIC_API_KEY: '  ' }, opts)).toBeUndefined();
  });

  it('returns no reviewer when the config turns the agent off, even with a key', () => {
    const config = { ...defaultConfig(), agent: { ...defaultConfig().agent, enabled: false } };
    expect(createReviewer({ ANTHROPIC_API_KEY: 'sk-ant-fake-123' }, { config, log: silentLogger })).toBeUndefined();
  });

  it('returns the Claude reviewer when a key is set', () => {
    expect(createReviewer({ ANTHROPIC_API_KEY: 'sk-ant-fake-123' }, opts)?.name).toBe('claude');
  });

  it('throws a ConfigError for a bad agent deadline, naming the variable', () => {
    expect(() => createReviewer({ ANTHROPIC_API_KEY: 'sk-ant-fake-123', ARCH_REVIEW_AGENT_DEADLINE_MS: 'soon' }, opts)).toThrow(ConfigError);
  });
});
