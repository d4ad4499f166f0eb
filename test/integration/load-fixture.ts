import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleLanguage } from '../../src/diff/types.js';
import type { SourceFile } from '../../src/integration/types.js';

const LANGUAGE: Record<string, RuleLanguage> = { '.ts': 'typescript', '.py': 'python', '.go': 'go', '.java': 'java' };

/** Every source file of a fixture repository under test/integration/fixtures/<name>, with repository-relative paths. */
export function loadFixture(name: string): SourceFile[] {
  const root = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const language = LANGUAGE[/\.\w+$/.exec(entry)?.[0] ?? ''];
        if (language) out.push({ path: relative(root, full).split('\\').join('/'), language, source: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(root);
  return out;
}
