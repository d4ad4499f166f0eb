import type { Config } from './schema.js';
import { validateConfig } from './validate-config.js';

/**
 * Validates configuration that is already an object, such as Probot's `context.config()` result.
 * No line numbers are known, so messages name the file and the key path; otherwise the same as `loadConfig`:
 * `undefined`/`null` gives the defaults, unknown keys are warnings, schema errors throw a `ConfigError`.
 *
 * @example configFromObject(await context.config('arch-review.yml'), '.github/arch-review.yml')
 */
export function configFromObject(obj: unknown, file = '.github/arch-review.yml'): { config: Config; warnings: string[] } {
  return validateConfig(obj, file);
}
