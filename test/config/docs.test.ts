import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigSchema, defaultConfig } from '../../src/config/schema.js';
import { configKeys } from '../../src/config/schema-keys.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's "## Configuration" section, up to the next second-level heading. */
function configSection(): string {
  const start = readme.indexOf('\n## Configuration\n');
  expect(start, 'README has a "## Configuration" section').toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  const end = rest.indexOf('\n## ', 3);
  return end === -1 ? rest : rest.slice(0, end);
}

function exampleYaml(): string {
  const m = /```yaml\n([\s\S]*?)```/.exec(configSection());
  expect(m, 'the Configuration section has a ```yaml example').not.toBeNull();
  return m![1]!;
}

/** The value at a key path such as `agent.model` or `path_instructions[].path` (first element). */
function valueAt(obj: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((v, part) => {
      const name = part.replace(/\[\]$/, '');
      const child = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[name] : undefined;
      return part.endsWith('[]') && Array.isArray(child) ? child[0] : child;
    }, obj);
}

const keys = configKeys(ConfigSchema);

describe('README configuration reference', () => {
  it('walks nested schema keys (the test below would be hollow otherwise)', () => {
    expect(keys).toEqual(expect.arrayContaining(['min_severity', 'agent.model', 'check_run.fail_on', 'paths.include', 'path_instructions[].instructions']));
  });

  it.each(keys)('documents `%s`', (key) => {
    expect(configSection()).toContain(`\`${key}\``);
  });

  it('states the real default of every key whose default it writes as code', () => {
    const rows = configSection()
      .split('\n')
      .map((line) => /^\| `([^`]+)` \|[^|]*\| `([^`]*)` \|/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(rows.length).toBeGreaterThan(10);
    for (const [, key, documented] of rows) {
      expect(parseYaml(documented!), `default of ${key}`).toEqual(valueAt(defaultConfig(), key!));
    }
  });

  it('has a full example that loads without errors or warnings and sets every key', () => {
    const text = exampleYaml();
    expect(loadConfig(text).warnings).toEqual([]);
    const raw = parseYaml(text) as unknown;
    for (const key of keys) expect(valueAt(raw, key), `example sets ${key}`).toBeDefined();
  });
});
