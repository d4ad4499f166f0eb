import { ZodUnion, type z } from 'zod';
import { ConfigError } from '../errors.js';
import { ALL_RULES } from '../rules/registry.js';
import { ConfigSchema, type Config } from './schema.js';
import { closestName as closest } from './closest-name.js';
import { schemaShape, unwrapSchema } from './schema-keys.js';

/** A path into the configuration: object keys and array indexes. */
export type ConfigPath = ReadonlyArray<string | number>;

/** Where something is in the configuration file; `undefined` when positions are not known. */
export type Locate = (path: ConfigPath, what: 'key' | 'value') => { line: number; col: number } | undefined;

/** Reads the value at `path` of the raw (unvalidated) data, for error messages. */
type ValueAt = (path: ConfigPath) => unknown;

/**
 * Validates already-parsed configuration data against `ConfigSchema`. Unknown keys, at any depth, and
 * unknown rule ids in `rules:` are reported as warnings (with a did-you-mean) and ignored; globs are
 * checked strictly (`globProblem`); a key with no value (`null`) takes its default. Schema errors throw a
 * `ConfigError` listing every problem, each as `file[:line:col]: path: what is expected`.
 */
export function validateConfig(data: unknown, file: string, locate: Locate = () => undefined): { config: Config; warnings: string[] } {
  const where = (path: ConfigPath, what: 'key' | 'value'): string => {
    const pos = locate(path, what);
    return pos ? `${file}:${pos.line}:${pos.col}` : file;
  };
  if (data === undefined || data === null) return { config: ConfigSchema.parse({}), warnings: [] };
  if (!isPlainObject(data)) {
    throw new ConfigError(`expected a mapping of settings (key: value), received ${kindOf(data)}`, where([], 'value'));
  }

  const unknown: Array<{ path: ConfigPath; known: readonly string[] }> = [];
  const pruned = prune(ConfigSchema, data, [], unknown);
  const warnings = unknown.map(({ path, known }) => {
    const key = String(path[path.length - 1]);
    const near = closest(key, known);
    const parent = path.length > 1 ? ` in ${formatPath(path.slice(0, -1))}` : '';
    return `${where(path, 'key')}: unknown key "${key}"${parent} (ignored${near ? `; did you mean "${near}"?` : ''})`;
  });

  const res = ConfigSchema.safeParse(pruned);
  if (res.success) return { config: res.data, warnings: [...warnings, ...unknownRules(res.data.rules, where)] };
  const valueAt: ValueAt = (path) => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), pruned);
  // In file order, so the list reads top to bottom like the file.
  const [first, ...rest] = res.error.issues
    .flatMap(flattenIssue)
    .map((issue) => ({ pos: locate(issue.path as ConfigPath, 'value'), location: where(issue.path as ConfigPath, 'value'), text: describeIssue(issue, valueAt) }))
    .sort((a, b) => (a.pos && b.pos ? a.pos.line - b.pos.line || a.pos.col - b.pos.col : 0));
  const more = rest.map((r) => `\n${r.location}: ${r.text}`).join('');
  throw new ConfigError(`${first!.text}${more}`, first!.location, { cause: res.error });
}

/** Every rule id arch-review ships. */
const RULE_IDS = ALL_RULES.map((r) => r.id);

/** A warning per id in `rules:` that names no rule (a typo turns nothing off), with the closest id. */
function unknownRules(rules: Readonly<Record<string, unknown>>, where: (path: ConfigPath, what: 'key' | 'value') => string): string[] {
  return Object.keys(rules)
    .filter((id) => !RULE_IDS.includes(id))
    .map((id) => {
      const near = closest(id, RULE_IDS, Math.max(2, Math.floor(id.length / 4)));
      return `${where(['rules', id], 'key')}: unknown rule "${id}" in rules (ignored${near ? `; did you mean "${near}"?` : ''})`;
    });
}

function prune(schema: z.ZodType, value: unknown, path: ConfigPath, unknown: Array<{ path: ConfigPath; known: readonly string[] }>): unknown {
  // A union (`rules: { <id>: true | { enabled, severity, … } }`): a mapping is pruned as the union's object form.
  const objectForm = isPlainObject(value) ? unionObjectOption(schema) : undefined;
  if (objectForm) return prune(objectForm, value, path, unknown);
  const node = schemaShape(schema);
  if (node.kind === 'array' && Array.isArray(value)) return value.map((v, i) => prune(node.element, v, [...path, i], unknown));
  if ((node.kind !== 'object' && node.kind !== 'record') || !isPlainObject(value)) return value;
  const known = node.kind === 'object' ? Object.keys(node.shape) : node.keys;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (known && !known.includes(key)) {
      unknown.push({ path: [...path, key], known });
      continue;
    }
    // `key:` with nothing after it means "use the default", as users expect from YAML.
    if (v === null && node.kind === 'object') continue;
    const child = node.kind === 'object' ? node.shape[key]! : node.value;
    out[key] = prune(child, v, [...path, key], unknown);
  }
  return out;
}

/** The one object option of a union schema, if `schema` is a union with one. */
function unionObjectOption(schema: z.ZodType): z.ZodType | undefined {
  const s = unwrapSchema(schema);
  if (!(s instanceof ZodUnion)) return undefined;
  const objects = (s.options as z.ZodType[]).filter((o) => schemaShape(o).kind === 'object');
  return objects.length === 1 ? objects[0] : undefined;
}

/**
 * A union's issue as the issues of the option the value was meant for: the one option that did not fail at
 * the value itself (`severity: critical` inside a mapping is an error of the mapping's `severity`, not
 * "invalid input"). When every option failed at the value (a number where a boolean or a mapping goes), one
 * issue says what each option expects.
 */
function flattenIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const atValue = (issues: readonly z.core.$ZodIssue[]) => issues.every((i) => i.path.length === 0 && i.code === 'invalid_type');
  const meant = issue.errors.filter((issues) => !atValue(issues));
  if (meant.length === 1) return meant[0]!.flatMap((i) => flattenIssue({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
  const expected = [...new Set(issue.errors.flatMap((issues) => issues.map((i) => (i.code === 'invalid_type' ? i.expected : undefined)).filter((e) => e !== undefined)))];
  if (expected.length === 0) return [issue];
  const received = /received (\w+)/.exec(issue.errors[0]?.[0]?.message ?? '')?.[1];
  const message = `expected ${expected.map((e) => (e === 'object' ? 'a mapping' : e)).join(' or ')}${received ? `, received ${received}` : ''}`;
  return [{ code: 'custom', path: issue.path, message, input: undefined } as z.core.$ZodIssue];
}

function describeIssue(issue: z.core.$ZodIssue, valueAt: ValueAt): string {
  const path = formatPath(issue.path as ConfigPath) || '(top level)';
  const value = valueAt(issue.path as ConfigPath);
  let text = issue.message.replace(/^Invalid (input|option): /, '');
  if (issue.code === 'invalid_type' && value === undefined) text = `missing (required): expected ${issue.expected}`;
  if (issue.code === 'invalid_value' || issue.code === 'too_big' || issue.code === 'too_small') text += `, received ${preview(value)}`;
  const wantsBoolean = (issue.code === 'invalid_type' && issue.expected === 'boolean') || (issue.code === 'custom' && issue.message.startsWith('expected boolean'));
  if (wantsBoolean && typeof value === 'string' && /^(yes|no|on|off|y|n|true|false)$/i.test(value)) {
    text += ` (write true or false, without quotes)`;
  }
  return `${path}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** `agent.model`, `path_instructions[0].path`. */
export function formatPath(path: ConfigPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function preview(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${preview(v)}`;
  return `${typeof v} ${preview(v)}`;
}

