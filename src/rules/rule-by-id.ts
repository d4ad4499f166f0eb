import { ALL_RULES } from './registry.js';
import type { Rule } from './types.js';

const BY_ID: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((r) => [r.id, r]));

/** A built-in rule by its id, or `undefined` (a repository's own rule, or an id this version does not know). */
export const ruleById = (id: string): Rule | undefined => BY_ID.get(id);

/**
 * The built-in rules a text names by id (`why http-call-without-timeout?`), in the order first named.
 * @example rulesNamedIn('is sql-string-building right here?') // [the sql-string-building rule]
 */
export function rulesNamedIn(text: string): Rule[] {
  const found: Rule[] = [];
  for (const m of text.toLowerCase().matchAll(/[a-z][a-z0-9]*(?:-[a-z0-9]+)+/g)) {
    const rule = BY_ID.get(m[0]);
    if (rule && !found.includes(rule)) found.push(rule);
  }
  return found;
}
