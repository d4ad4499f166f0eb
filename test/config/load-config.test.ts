import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { defaultConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

const FILE = '.github/arch-review.yml';

/** The message of the ConfigError `text` raises. */
function errorOf(text: string): string {
  try {
    loadConfig(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig: defaults', () => {
  it.each([
    ['no file', undefined],
    ['an empty file', ''],
    ['only comments', '# nothing here yet\n\n'],
  ])('gives the defaults for %s', (_name, text) => {
    expect(loadConfig(text)).toEqual({ config: defaultConfig(), warnings: [] });
  });

  it('treats a key with no value as its default', () => {
    const { config, warnings } = loadConfig('agent:\npaths:\n  include:\nmax_inline_comments:\n');
    expect(config).toEqual(defaultConfig());
    expect(warnings).toEqual([]);
  });
});

describe('loadConfig: a valid file', () => {
  it('reads every key', () => {
    const text = `
triggers: [opened, synchronize]
review_drafts: true
ignore_bots: false
ignore_authors: [renovate-bot]
skip_labels: [wip]
categories:
  performance: false
min_severity: medium
min_confidence: 0.8
max_inline_comments: 10
paths:
  include: ["scripts/billing/**"]
  exclude: ["legacy/**"]
path_instructions:
  - path: "src/payments/**"
    instructions: Payments must be idempotent.
rules:
  sql-string-building: false
max_file_bytes: 100000
agent:
  enabled: false
  model: claude-opus-4-1
  max_tokens_per_review: 50000
  min_confidence: 0.8
integration_map:
  enabled: false
  max_services: 5
check_run:
  enabled: true
  conclusion: failure
  fail_on: medium
learning:
  enabled: false
  dismissals_to_summary: 5
`;
    const { config, warnings } = loadConfig(text);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      triggers: ['opened', 'synchronize'],
      review_drafts: true,
      ignore_bots: false,
      ignore_authors: ['renovate-bot'],
      skip_labels: ['wip'],
      categories: { performance: false },
      min_severity: 'medium',
      min_confidence: 0.8,
      max_inline_comments: 10,
      paths: { include: ['scripts/billing/**'], exclude: ['legacy/**'] },
      path_instructions: [{ path: 'src/payments/**', instructions: 'Payments must be idempotent.' }],
      rules: { 'sql-string-building': false },
      max_file_bytes: 100000,
      agent: { enabled: false, model: 'claude-opus-4-1', max_tokens_per_review: 50000, min_confidence: 0.8 },
      integration_map: { enabled: false, max_services: 5, snapshot: { enabled: true, max_files: 5000, max_bytes: 52428800, timeout_seconds: 20 } },
      check_run: { enabled: true, conclusion: 'failure', fail_on: 'medium' },
      custom_rules: { enabled: true, rule_dirs: ['.github/arch-review/rules'], util_dirs: [], default_category: 'coupling' },
      learning: { enabled: false, dismissals_to_summary: 5 },
    });
  });

  it('fills nested defaults around the keys given', () => {
    const { config } = loadConfig('agent:\n  model: claude-haiku-4-5\n');
    expect(config.agent).toEqual({ ...defaultConfig().agent, model: 'claude-haiku-4-5' });
  });
});

describe('loadConfig: errors name file, line, column and what is expected', () => {
  it('a wrong type', () => {
    expect(errorOf('min_severity: low\nmax_inline_comments: many\n')).toBe(`${FILE}:2:22: max_inline_comments: expected number, received string`);
  });

  it('a value not among the options', () => {
    expect(errorOf('min_severity: critical\n')).toBe(`${FILE}:1:15: min_severity: expected one of "high"|"medium"|"low", received "critical"`);
  });

  it('a nested value out of range', () => {
    expect(errorOf('agent:\n  enabled: true\n  min_confidence: 1.5\n')).toBe(`${FILE}:3:19: agent.min_confidence: too big: expected number to be <=1, received 1.5`);
  });

  it('a missing key in a list item, pointing at the item', () => {
    expect(errorOf('path_instructions:\n  - path: "src/**"\n')).toBe(`${FILE}:2:5: path_instructions[0].instructions: missing (required): expected string`);
  });

  it('a YAML-1.1 boolean, with a hint', () => {
    expect(errorOf('review_drafts: yes\n')).toBe(`${FILE}:1:16: review_drafts: expected boolean, received string (write true or false, without quotes)`);
  });

  it('every problem, in file order', () => {
    const lines = errorOf('max_inline_comments: -1\nmin_severity: urgent\n').split('\n');
    expect(lines).toEqual([
      `${FILE}:1:22: max_inline_comments: too small: expected number to be >=0, received -1`,
      `${FILE}:2:15: min_severity: expected one of "high"|"medium"|"low", received "urgent"`,
    ]);
  });

  it('a YAML syntax error', () => {
    expect(errorOf('agent:\n  model: "unterminated\n')).toMatch(new RegExp(`^${FILE}:3:1: invalid YAML: Missing closing "quote`));
    expect(errorOf('agent: x: y\n')).toBe(`${FILE}:1:8: invalid YAML: Nested mappings are not allowed in compact mappings`);
  });

  it('a duplicate key', () => {
    expect(errorOf('min_severity: low\nmin_severity: high\n')).toBe(`${FILE}:2:1: invalid YAML: Map keys must be unique`);
  });

  it('a file that is not a mapping', () => {
    expect(errorOf('- min_severity: low\n')).toBe(`${FILE}:1:1: expected a mapping of settings (key: value), received a list`);
  });

  it('an alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    expect(errorOf(bomb)).toMatch(new RegExp(`^${FILE}: invalid YAML: `));
  });

  it('uses the file name it is given, and sets the location on the error', () => {
    try {
      loadConfig('max_file_bytes: 0\n', 'config/custom.yml');
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).location).toBe('config/custom.yml:1:17');
      expect((err as Error).message).toMatch(/^config\/custom\.yml:1:17: max_file_bytes: too small/);
    }
  });
});

describe('loadConfig: unknown keys', () => {
  it('warns about unknown keys at any depth, with their position, and still loads the rest', () => {
    const text = ['min_severity: high', 'foo: 1', 'agent:', '  modle: claude-x', 'categories:', '  secuirty: false', 'path_instructions:', '  - path: "a/**"', '    instructions: Be strict.', '    priority: 1'].join('\n');
    const { config, warnings } = loadConfig(text);
    expect(warnings).toEqual([
      `${FILE}:2:1: unknown key "foo" (ignored)`,
      `${FILE}:4:3: unknown key "modle" in agent (ignored; did you mean "model"?)`,
      `${FILE}:6:3: unknown key "secuirty" in categories (ignored; did you mean "security"?)`,
      `${FILE}:10:5: unknown key "priority" in path_instructions[0] (ignored)`,
    ]);
    expect(config.min_severity).toBe('high');
    expect(config.agent.model).toBe(defaultConfig().agent.model);
    expect(config.categories).toEqual({});
    expect(config.path_instructions).toEqual([{ path: 'a/**', instructions: 'Be strict.' }]);
  });

  it('does not treat rule ids as unknown keys', () => {
    expect(loadConfig('rules:\n  sql-string-building: false\n  hardcoded-secret: true\n').warnings).toEqual([]);
  });

  it('warns about rule ids that name no rule, with the closest id, and keeps the rest (issue 7, item 13)', () => {
    const { config, warnings } = loadConfig('rules:\n  sql-string-bulding: false\n  http-call-without-timout: false\n  no-such-rule: false\n');
    expect(warnings).toEqual([
      `${FILE}:2:3: unknown rule "sql-string-bulding" in rules (ignored; did you mean "sql-string-building"?)`,
      `${FILE}:3:3: unknown rule "http-call-without-timout" in rules (ignored; did you mean "http-call-without-timeout"?)`,
      `${FILE}:4:3: unknown rule "no-such-rule" in rules (ignored)`,
    ]);
    expect(config.rules).toEqual({ 'sql-string-bulding': false, 'http-call-without-timout': false, 'no-such-rule': false });
  });
});

describe('loadConfig: per-rule overrides (issue 11, item 2)', () => {
  it('reads the long form next to the boolean form', () => {
    const text = 'rules:\n  sql-string-building: false\n  hardcoded-secret:\n    severity: medium\n    paths: ["src/**"]\n    exclude: ["**/fixtures/**"]\n  swallowed-error: { enabled: true }\n';
    const { config, warnings } = loadConfig(text);
    expect(warnings).toEqual([]);
    expect(config.rules).toEqual({
      'sql-string-building': false,
      'hardcoded-secret': { severity: 'medium', paths: ['src/**'], exclude: ['**/fixtures/**'] },
      'swallowed-error': { enabled: true },
    });
  });

  it('takes a key of the long form written with no value as not set', () => {
    expect(loadConfig('rules:\n  hardcoded-secret:\n    severity:\n    enabled: false\n').config.rules).toEqual({ 'hardcoded-secret': { enabled: false } });
  });

  it('warns about an unknown key inside an override, with a did-you-mean, and about an unknown id in the long form', () => {
    const { config, warnings } = loadConfig('rules:\n  hardcoded-secret:\n    severty: low\n  no-such-rule: { severity: low }\n');
    expect(warnings).toEqual([
      `${FILE}:3:5: unknown key "severty" in rules.hardcoded-secret (ignored; did you mean "severity"?)`,
      `${FILE}:4:3: unknown rule "no-such-rule" in rules (ignored)`,
    ]);
    expect(config.rules['hardcoded-secret']).toEqual({});
  });

  it.each([
    ['a severity that does not exist', 'rules:\n  hardcoded-secret:\n    severity: critical\n', `${FILE}:3:15: rules.hardcoded-secret.severity: expected one of "high"|"medium"|"low", received "critical"`],
    ['one glob instead of a list', 'rules:\n  hardcoded-secret:\n    paths: "src/**"\n', `${FILE}:3:12: rules.hardcoded-secret.paths: expected array, received string`],
    ['an invalid glob', 'rules:\n  hardcoded-secret:\n    exclude: ["src/[a"]\n', `${FILE}:3:15: rules.hardcoded-secret.exclude[0]: invalid glob "src/[a"`],
    ['neither a boolean nor a mapping', 'rules:\n  hardcoded-secret: 3\n', `${FILE}:2:21: rules.hardcoded-secret: expected boolean or a mapping, received number`],
    ['off as text', 'rules:\n  hardcoded-secret: off\n', `${FILE}:2:21: rules.hardcoded-secret: expected boolean or a mapping, received string (write true or false, without quotes)`],
    ['no value', 'rules:\n  hardcoded-secret:\n', `${FILE}:2:20: rules.hardcoded-secret: expected boolean or a mapping, received null`],
  ])('reports %s with file:line:column and what the key expects', (_name, text, message) => {
    expect(errorOf(text).startsWith(message)).toBe(true);
  });
});

describe('loadConfig: globs are checked strictly (issue 7, item 13)', () => {
  it.each([
    ['paths.exclude', 'paths:\n  exclude:\n    - "docs/**"\n    - "src/[abc"\n', `${FILE}:4:7: paths.exclude[1]: invalid glob "src/[abc": Missing closing: "]" - use "\\]" to match literal characters`],
    ['paths.include', 'paths:\n  include: ["**/*.{ts,tsx"]\n', `${FILE}:2:13: paths.include[0]: invalid glob "**/*.{ts,tsx": Missing closing: "}" - use "\\}" to match literal characters`],
    ['path_instructions', 'path_instructions:\n  - path: "src/(a|b"\n    instructions: Be strict.\n', `${FILE}:2:11: path_instructions[0].path: invalid glob "src/(a|b": Missing closing: ")" - use "\\)" to match literal characters`],
    ['a reversed range', 'paths:\n  exclude: ["src/[z-a].ts"]\n', `${FILE}:2:13: paths.exclude[0]: invalid glob "src/[z-a].ts": Invalid regular expression`],
  ])('reports an invalid glob in %s as a ConfigError with file:line:column', (_where, text, message) => {
    expect(errorOf(text).startsWith(message)).toBe(true);
  });

  it('accepts the usual globs', () => {
    const text = 'paths:\n  include: ["scripts/**", "*.sql", "src/file[12].ts", "src/@(a|b)/**", "!legacy/**", "lit\\\\[x"]\n  exclude: ["**/__generated__/**", "**/*.{pb,gen}.go"]\n';
    expect(loadConfig(text).config.paths.include).toHaveLength(6);
  });
});
