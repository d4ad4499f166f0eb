import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RuleFileText } from '../../../src/rules/custom/load-custom-rules.js';

/** The example repository of the README's "Your own rules" section. */
export const EXAMPLE_ROOT = new URL('../../../examples/custom-rules/', import.meta.url).pathname;

/** The YAML files of a folder of the example repository, as the loaders hand them over (paths from its root). */
export function exampleFiles(dir: string): RuleFileText[] {
  const abs = path.join(EXAMPLE_ROOT, dir);
  return readdirSync(abs)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(path.join(abs, f), 'utf8') }));
}
