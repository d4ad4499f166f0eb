import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/config-from-object.js';
import { defaultConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

describe('configFromObject', () => {
  it('gives the defaults for undefined or null (no config file)', () => {
    expect(configFromObject(undefined)).toEqual({ config: defaultConfig(), warnings: [] });
    expect(configFromObject(null)).toEqual({ config: defaultConfig(), warnings: [] });
  });

  it('validates an object such as Probot context.config() returns', () => {
    expect(configFromObject({ max_inline_comments: 5, agent: { enabled: false } }).config).toMatchObject({ max_inline_comments: 5, agent: { enabled: false, min_confidence: 0.6 } });
  });

  it('names the file and key path in errors, without line numbers', () => {
    expect(() => configFromObject({ check_run: { conclusion: 'red' } }, '.github/arch-review.yml')).toThrow(
      new ConfigError('check_run.conclusion: expected one of "neutral"|"failure", received "red"', '.github/arch-review.yml'),
    );
  });

  it('warns about unknown keys and keeps the rest', () => {
    const { config, warnings } = configFromObject({ _extends: '.github', min_severity: 'high' });
    expect(warnings).toEqual(['.github/arch-review.yml: unknown key "_extends" (ignored)']);
    expect(config.min_severity).toBe('high');
  });

  it('rejects a value that is not an object', () => {
    expect(() => configFromObject('min_severity: high')).toThrow(/expected a mapping of settings \(key: value\), received the text/);
  });
});
