import { z } from 'zod';

/** What a schema node holds once defaults, optionals and the like are peeled off. */
export type SchemaShape =
  | { kind: 'object'; shape: Readonly<Record<string, z.ZodType>> }
  | { kind: 'record'; keys?: readonly string[]; value: z.ZodType }
  | { kind: 'array'; element: z.ZodType }
  | { kind: 'leaf' };

/** The schema inside defaults, optionals, nullables, readonly and catch wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodReadonly || s instanceof z.ZodCatch) {
      s = s.def.innerType as z.ZodType;
    } else return s;
  }
}

/** The structure of `schema` that key walking needs: object keys, record keys, array elements. */
export function schemaShape(schema: z.ZodType): SchemaShape {
  const s = unwrapSchema(schema);
  if (s instanceof z.ZodObject) return { kind: 'object', shape: s.shape as Record<string, z.ZodType> };
  if (s instanceof z.ZodArray) return { kind: 'array', element: s.element as z.ZodType };
  if (s instanceof z.ZodRecord) {
    const key = unwrapSchema(s.keyType as z.ZodType);
    const keys = key instanceof z.ZodEnum ? (key.options as readonly (string | number)[]).map(String) : undefined;
    return { kind: 'record', ...(keys ? { keys } : {}), value: s.valueType as z.ZodType };
  }
  return { kind: 'leaf' };
}

/**
 * Every key path of an object schema, nested ones dotted and array elements as `[]`:
 * `agent`, `agent.model`, `path_instructions`, `path_instructions[].path`, …
 * Keys of records (`rules: { <id>: bool }`) are data, not schema keys, and are not listed.
 * @example configKeys(ConfigSchema).includes('check_run.fail_on') // true
 */
export function configKeys(schema: z.ZodType, base = ''): string[] {
  const node = schemaShape(schema);
  if (node.kind === 'array') return configKeys(node.element, `${base}[]`);
  if (node.kind !== 'object') return [];
  return Object.entries(node.shape).flatMap(([key, child]) => {
    const path = base ? `${base}.${key}` : key;
    return [path, ...configKeys(child, path)];
  });
}
