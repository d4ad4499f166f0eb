import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateChange } from '../../bench/pipeline/generate-change.js';
import type { RuleLanguage } from '../../src/diff/types.js';
import { PRUNING_SOURCES } from '../rules/fixtures/pruning-sources.js';

const LANGUAGE: Record<string, RuleLanguage> = { ts: 'typescript', tsx: 'tsx', js: 'javascript', py: 'python', go: 'go', java: 'java' };
const CASES = join(import.meta.dirname, '../../bench/quality/cases');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export interface SourceFile {
  path: string;
  language: RuleLanguage;
  source: string;
}

/**
 * Real and realistic source files in every rule language, for properties that must hold on any code: the
 * labelled cases' head and base files (real files of permissively licensed repositories with planted changes),
 * a generated benchmark change, and small files written to put matches away from where a rule starts.
 */
export function sourceCorpus(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const p of walk(CASES)) {
    const language = LANGUAGE[p.split('.').pop() ?? ''];
    // Head and base versions alike: the base is what differential analysis checks.
    if (language && /\/(head|base)\//.test(p)) files.push({ path: p.slice(p.search(/\/(head|base)\//) + 6), language, source: readFileSync(p, 'utf8') });
  }
  for (const [path, source] of generateChange(1_500).files) {
    const language = LANGUAGE[path.split('.').pop() ?? ''];
    if (language) files.push({ path, language, source });
  }
  return [...files, ...PRUNING_SOURCES];
}
