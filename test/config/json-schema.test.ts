import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseDocument } from 'yaml';
import { CONFIG_JSON_SCHEMA_PATH, configJsonSchema, formatJsonSchema } from '../../src/config/json-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { configKeys } from '../../src/config/schema-keys.js';
import { ALL_RULES } from '../../src/rules/registry.js';

const root = new URL('../../', import.meta.url);
const committed = readFileSync(new URL(CONFIG_JSON_SCHEMA_PATH, root), 'utf8');

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }));
const validate = ajv.compile(JSON.parse(committed) as object);

/** The data an editor validates: the YAML document as JSON (the language server reads YAML 1.2, as arch-review does). */
function yamlData(text: string): unknown {
  return parseDocument(text).toJS() as unknown;
}

/** Whether the schema accepts the file, and whether arch-review's reader (zod plus its leniencies) does. */
function verdicts(text: string): { schema: boolean; zod: boolean; schemaErrors: string } {
  const schema = validate(yamlData(text));
  let zod = true;
  try {
    loadConfig(text);
  } catch {
    zod = false;
  }
  return { schema, zod, schemaErrors: ajv.errorsText(validate.errors) };
}

/** Every ```yaml block of README's "## Configuration" section. */
function readmeExamples(): string[] {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  const rest = readme.slice(start + 1);
  const end = rest.indexOf('\n## ', 3);
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Every examples/**\/arch-review.yml, by path. */
function exampleFiles(): Array<[string, string]> {
  const dir = new URL('examples/', root);
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((p) => p.split(/[\\/]/).pop() === 'arch-review.yml')
    .map((p) => [`examples/${p}`, readFileSync(new URL(p, dir), 'utf8')]);
}

describe('schema/arch-review.schema.json', () => {
  it('is what `npm run schema` generates from the zod schema now (run it after changing src/config/schema.ts)', () => {
    expect(committed).toBe(formatJsonSchema(configJsonSchema()));
  });

  it('describes every configuration key, nested ones included', () => {
    const schema = JSON.parse(committed) as { properties: Record<string, Node> };
    type Node = { description?: string; properties?: Record<string, Node>; items?: Node };
    const find = (key: string): Node | undefined =>
      key.split('.').reduce<Node | undefined>((node, part) => {
        const child = node?.properties?.[part.replace(/\[\]$/, '')];
        return part.endsWith('[]') ? child?.items : child;
      }, schema as Node);
    const keys = configKeys(ConfigSchema);
    expect(keys.length).toBeGreaterThan(15);
    for (const key of keys) {
      const node = find(key);
      expect(node, `schema has ${key}`).toBeDefined();
      expect(node!.description, `description of ${key}`).toMatch(/\w{3,}/);
    }
    expect(Object.keys(find('rules')!.properties!)).toEqual(ALL_RULES.map((r) => r.id));
  });

  it('is shipped in the npm package', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain(CONFIG_JSON_SCHEMA_PATH.split('/')[0]);
  });
});

describe('the schema accepts every documented example', () => {
  const readme = readmeExamples();
  const files = exampleFiles();

  it('finds the examples (the tests below would be hollow otherwise)', () => {
    expect(readme.length).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(readme.map((text, i) => [i + 1, text] as const))('README Configuration example %i', (_n, text) => {
    const v = verdicts(text);
    expect(v.schemaErrors).toBe('No errors');
    expect(v).toMatchObject({ schema: true, zod: true });
  });

  it.each(files)('%s, which names the schema on its first line', (path, text) => {
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+schema\/arch-review\.schema\.json$/);
    const schemaPath = text.split('\n')[0]!.split('=')[1]!;
    expect(readFileSync(new URL(schemaPath, new URL(path, root)), 'utf8')).toBe(committed);
    const v = verdicts(text);
    expect(v.schemaErrors).toBe('No errors');
    expect(v).toMatchObject({ schema: true, zod: true });
  });
});

describe('the schema agrees with the reader', () => {
  // Files arch-review accepts, some only thanks to its leniencies: the schema must not flag them.
  const accepted: Record<string, string> = {
    'an empty file': '',
    'only comments': '# nothing set yet\n',
    'keys with no value (the default)': 'min_severity:\nagent:\n  model:\n  enabled:\ncheck_run:\npaths:\n  include:\nrules:\ncategories:\n',
    'organization defaults': '_extends: .github\nmax_inline_comments: 5\n',
    'an unknown key (a warning)': 'secuirty: false\nagent:\n  temperature: 0\n',
    'an unknown category (a warning)': 'categories:\n  style: false\n  performance: false\n',
    'an unknown rule id (a warning)': 'rules:\n  no-such-rule: false\n  sql-string-building: false\n',
    'a rule turned back on': 'rules:\n  http-call-without-timeout: true\n',
    'a rule override (the long form)': 'rules:\n  hardcoded-secret:\n    severity: medium\n    paths: ["src/**"]\n    exclude: ["**/fixtures/**"]\n  swallowed-error: { enabled: false }\n',
    'a rule override with keys without value': 'rules:\n  sql-string-building:\n    severity:\n    enabled:\n',
    'an unknown key in a rule override (a warning)': 'rules:\n  sql-string-building:\n    severty: low\n',
    'an override of an unknown rule id (a warning)': 'rules:\n  no-such-rule: { severity: low }\n',
    'path instructions': 'path_instructions:\n  - path: "src/**"\n    instructions: Check timeouts.\n',
    'limits at their bounds': 'max_inline_comments: 0\nagent:\n  min_confidence: 1\nmax_file_bytes: 1\n',
  };
  // Files arch-review refuses: the editor flags them too.
  const refused: Record<string, string> = {
    'a number as text': 'max_inline_comments: many\n',
    'a severity that does not exist': 'min_severity: critical\n',
    'a trigger that does not exist': 'triggers: [opened, merged]\n',
    'a bad check-run conclusion': 'check_run:\n  conclusion: red\n',
    'yes for a boolean (YAML 1.2 text)': 'ignore_bots: yes\n',
    'a category turned off with text': 'categories:\n  performance: "off"\n',
    'a rule id with no value': 'rules:\n  sql-string-building:\n',
    'a rule turned off with text': 'rules:\n  sql-string-building: "off"\n',
    'a rule override with a severity that does not exist': 'rules:\n  sql-string-building:\n    severity: critical\n',
    'a rule override with one glob instead of a list': 'rules:\n  sql-string-building:\n    paths: "src/**"\n',
    'a rule override with enabled as text': 'rules:\n  sql-string-building:\n    enabled: "no"\n',
    'a rule override as a list': 'rules:\n  sql-string-building: [low]\n',
    'a category with no value': 'categories:\n  performance:\n',
    'path instructions without instructions': 'path_instructions:\n  - path: "src/**"\n',
    'empty instructions': 'path_instructions:\n  - path: "src/**"\n    instructions: ""\n',
    'a list where a group goes': 'agent: [enabled]\n',
    'too many inline comments': 'max_inline_comments: 101\n',
    'a fractional limit': 'max_inline_comments: 2.5\n',
    'a confidence above 1': 'agent:\n  min_confidence: 1.5\n',
    'a zero byte limit': 'max_file_bytes: 0\n',
    'a list at the top level': '- min_severity: high\n',
  };

  it.each(Object.entries(accepted))('accepts %s, as arch-review does', (_name, text) => {
    const v = verdicts(text);
    expect(v.schemaErrors).toBe('No errors');
    expect(v).toMatchObject({ schema: true, zod: true });
  });

  it.each(Object.entries(refused))('rejects %s, as arch-review does', (_name, text) => {
    expect(verdicts(text)).toMatchObject({ schema: false, zod: false });
  });

  it('leaves the strict glob check to the reader (the one thing it accepts that arch-review refuses)', () => {
    expect(verdicts('paths:\n  exclude: ["src/[abc"]\n')).toMatchObject({ schema: true, zod: false });
  });
});
