import { z } from 'zod';
import { ALL_RULES } from '../rules/registry.js';
import { ConfigSchema } from './schema.js';

/** Where the schema is written, relative to the package root (`npm run schema`). */
export const CONFIG_JSON_SCHEMA_PATH = 'schema/arch-review.schema.json';

type JsonSchema = { [key: string]: unknown };

/**
 * The JSON Schema (draft-07, what the YAML language server validates with) of `.github/arch-review.yml`,
 * generated from `ConfigSchema` with zod's `z.toJSONSchema` in input mode, so a key with a default is
 * optional. It is then loosened where the file reader is more lenient than zod alone, so an editor never
 * flags a file arch-review accepts:
 * - a key written with no value (`null`) takes its default, so every optional key also allows `null`;
 * - unknown keys, at any depth, are warnings, not errors, so no object forbids other keys, and
 *   `categories` lists its six names as properties instead of restricting the key names;
 * - `_extends` (organization defaults, read by Probot's config loader) is described at the top level;
 * - an empty file gives the defaults, so the top level may be `null`.
 * Rule ids are listed under `rules` (with their titles) for completion; other ids still validate,
 * as a boolean or the long form (`enabled`, `severity`, `paths`, `exclude`). Globs are plain strings here: their strict check happens when the file is read.
 *
 * @example
 * const schema = configJsonSchema();
 * schema.properties.min_severity // { default: 'low', description: '…', type: ['string', 'null'], enum: ['high', 'medium', 'low', null] }
 */
export function configJsonSchema(): JsonSchema & { properties: Record<string, JsonSchema> } {
  const generated = z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-7', unrepresentable: 'throw' }) as JsonSchema;
  const loosened = loosen(generated) as JsonSchema & { properties: Record<string, JsonSchema> };
  const rules = loosened.properties.rules!;
  // Each known id takes what any id takes (a boolean or the long form), written once under `definitions`.
  const definitions = { ruleSetting: rules.additionalProperties as JsonSchema };
  const ref = { $ref: '#/definitions/ruleSetting' };
  rules.additionalProperties = ref;
  rules.properties = Object.fromEntries(ALL_RULES.map((r) => [r.id, { description: `${r.title} (${r.category}, ${r.severity}).`, allOf: [ref] }]));
  delete rules.propertyNames;
  return {
    $schema: generated.$schema,
    title: 'arch-review configuration (.github/arch-review.yml)',
    description: 'Every key is optional; a key left out or written with no value takes its default. Unknown keys are ignored with a warning.',
    ...loosened,
    type: ['object', 'null'],
    properties: {
      _extends: {
        type: 'string',
        description: 'Use another repository\'s `.github/arch-review.yml` as defaults, e.g. `.github` (the owner\'s `.github` repository) or `other-repo`; this file is merged over it.',
      },
      ...loosened.properties,
    },
    definitions,
  };
}

/** Allows `null` for every optional object property and opens records with known keys; recursive. */
function loosen(node: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => loosen(n));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'default' || k === 'enum' ? v : loosen(v);
  if (out.properties && typeof out.properties === 'object') {
    // An object: `key:` with no value means the default (the reader drops it before zod sees it).
    out.properties = nullableOptionals(out.properties as Record<string, JsonSchema>, out.required);
  }
  // A record keyed by an enum (`categories`): name the keys as properties (values stay non-null, as in
  // zod) and leave other keys to the reader, which ignores them with a warning.
  const names = (out.propertyNames as JsonSchema | undefined)?.enum;
  if (Array.isArray(names) && typeof out.additionalProperties === 'object') {
    out.properties = Object.fromEntries(names.map((n) => [String(n), out.additionalProperties]));
    delete out.propertyNames;
    delete out.additionalProperties;
  }
  return out;
}

function nullableOptionals(props: Record<string, JsonSchema>, required: unknown): Record<string, JsonSchema> {
  const req = Array.isArray(required) ? required : [];
  return Object.fromEntries(Object.entries(props).map(([key, schema]) => [key, req.includes(key) ? schema : orNull(schema)]));
}

/** `schema` that also accepts `null`. */
function orNull(schema: JsonSchema): JsonSchema {
  const out = { ...schema };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...(out.type as string[]), 'null'];
  // A union (`from: <name> | [<names>]`): `null` is one more option, so the key keeps its description.
  else if (out.type === undefined && Array.isArray(out.anyOf)) out.anyOf = [...(out.anyOf as JsonSchema[]), { type: 'null' }];
  else if (out.type === undefined) return { anyOf: [schema, { type: 'null' }] };
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

/**
 * The schema as the committed file holds it: two-space JSON and a final newline.
 * @example writeFileSync(CONFIG_JSON_SCHEMA_PATH, formatJsonSchema(configJsonSchema()))
 */
export function formatJsonSchema(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
