import type { SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { importStatements } from '../rules/ast/import-bindings.js';
import { parseSource } from '../rules/parse-source.js';
import { resolveImport, type ResolveContext, type ResolvedImport } from './resolve-import.js';

/**
 * A file's imports with their lines, resolved to repository paths where they are the repository's own
 * code. The same import extraction as the rules (`importStatements`, with Python's relative imports).
 * `tree`: the file already parsed; a file that does not parse has no imports here.
 */
export function fileImports(path: string, language: RuleLanguage, source: string, ctx: ResolveContext = {}, tree?: SgRoot): ResolvedImport[] {
  let statements;
  try {
    statements = importStatements(tree ?? parseSource(language, importSection(language, source)), language, { relative: true });
  } catch {
    return [];
  }
  return statements.map((s) => resolveImport(path, language, s, ctx));
}

/**
 * Go and Java imports all sit before the first declaration: only that head is parsed (a large file costs
 * no more than a small one). TS/JS and Python may import anywhere (`require`, imports in functions).
 */
function importSection(language: RuleLanguage, source: string): string {
  if (language === 'go') {
    const m = /^(func|type|var|const)\b/m.exec(source);
    return m ? source.slice(0, m.index) : source;
  }
  if (language === 'java') {
    const m = /^\s*(@|(public|final|abstract|sealed|class|interface|enum|record)\b)/m.exec(source);
    return m ? source.slice(0, m.index) : source;
  }
  return source;
}
