/**
 * Writes the editor schema of `.github/arch-review.yml` (`schema/arch-review.schema.json`) from the zod
 * configuration schema. Run it after changing `src/config/schema.ts`: `npm run schema`. A test fails
 * while the committed file differs from a fresh one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_JSON_SCHEMA_PATH, configJsonSchema, formatJsonSchema } from '../src/config/json-schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(root, CONFIG_JSON_SCHEMA_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, formatJsonSchema(configJsonSchema()));
console.log(`wrote ${CONFIG_JSON_SCHEMA_PATH}`);
