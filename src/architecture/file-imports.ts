import type { SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { importStatements } from '../rules/ast/import-bindings.js';
import { parseSource } from '../rules/parse-source.js';
import { resolveImport, type ResolveContext, type ResolvedImport } from './resolve-import.js';

/**
 * A file's imports with their lines, resolved to repository paths where they are the repository's own
 * code. The same import extraction as the rules (`importStatements` with `dependencies`: also Python's relative imports and TS/JS re-exports).
 * `tree`: the file already parsed; a file that does not parse has no imports here.
 */
export function fileImports(path: string, language: RuleLanguage, source: string, ctx: ResolveContext = {}, tree?: SgRoot): ResolvedImport[] {
  let statements;
  try {
    statements = importStatements(tree ?? parseSource(language, importSection(language, source)), language, { dependencies: true });
  } catch {
    return [];
  }
  return statements.map((s) => resolveImport(path, language, s, ctx));
}

/**
 * Only the part of a file that holds its imports is parsed, so a large file costs no more than a small one:
 * Go and Java imports all sit before the first declaration; TS/JS ES imports end at the last line with
 * `import`/`… from '…'` (unless the file uses `require(` or `import(`). Python may import inside functions:
 * it is parsed whole.
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
  if (language === 'typescript' || language === 'javascript' || language === 'tsx') {
    // ES imports sit at the top; `require(`/`import(` may be anywhere, and then the whole file is read.
    if (/\brequire\s*\(|\bimport\s*\(/.test(source)) return source;
    let end = 0;
    for (const m of source.matchAll(/^(?:import\b|export\b[^\n;]*\bfrom\s*['"]|[^\n]*\}\s*from\s*['"])[^\n]*$/gm)) end = m.index + m[0].length;
    return source.slice(0, end);
  }
  return source;
}
