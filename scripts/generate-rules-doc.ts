/**
 * Writes `docs/rules.md` and the README's rule table from the rule registry: `npm run docs:rules` after
 * changing a rule's metadata (title, why, fix, exemptions, confidence, default mode). A test fails while
 * either differs from a fresh one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_RULES } from '../src/rules/registry.js';
import { rulesDoc, withRulesTable } from '../src/rules/rules-doc.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(resolve(root, 'docs/rules.md'), rulesDoc(ALL_RULES));
const readmePath = resolve(root, 'README.md');
writeFileSync(readmePath, withRulesTable(readFileSync(readmePath, 'utf8'), ALL_RULES));
console.log('wrote docs/rules.md and the README rule table');
