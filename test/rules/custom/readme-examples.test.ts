import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { EXAMPLE_ROOT, exampleFiles } from './example-rules.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The README's "## Your own rules" section. */
function section(): string {
  const start = readme.indexOf('\n## Your own rules\n');
  expect(start, 'README has a "## Your own rules" section').toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  return rest.slice(0, rest.indexOf('\n## ', 3));
}

const yamlBlocks = () => [...section().matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README "Your own rules"', () => {
  const shown = [...exampleFiles('.github/arch-review/rules'), ...exampleFiles('.github/arch-review/rule-tests').filter((f) => f.path.includes('stripe'))];
  it.each(shown.map((f) => [f.path, f.text]))(
    'shows %s exactly as the example repository (and the tests) have it',
    (file, text) => {
      expect(yamlBlocks()).toContain(text);
      expect(section()).toContain(`\`${file}\``);
    },
  );

  it('names the default rule folder the configuration uses', () => {
    expect(ConfigSchema.parse({}).custom_rules.rule_dirs).toEqual(['.github/arch-review/rules']);
    expect(section()).toContain('`.github/arch-review/rules/*.yml`');
    expect(path.join(EXAMPLE_ROOT, '.github/arch-review/rules')).toBeTruthy();
  });
});
