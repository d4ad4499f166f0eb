import { Lang, parse, registerDynamicLanguage, type SgRoot } from '@ast-grep/napi';
import go from '@ast-grep/lang-go';
import java from '@ast-grep/lang-java';
import python from '@ast-grep/lang-python';
import type { RuleLanguage } from '../diff/types.js';

let registered = false;

/** ast-grep's name for each rule language. Python, Go and Java come from the prebuilt `@ast-grep/lang-*` parsers. */
const AST_GREP_LANG: Record<RuleLanguage, string> = {
  typescript: Lang.TypeScript,
  tsx: Lang.Tsx,
  javascript: Lang.JavaScript,
  python: 'python',
  go: 'go',
  java: 'java',
};

/** Parses `source` with ast-grep. Registers the dynamic languages once, on first use. */
export function parseSource(language: RuleLanguage, source: string): SgRoot {
  if (!registered) {
    registerDynamicLanguage({ python, go, java } as unknown as Parameters<typeof registerDynamicLanguage>[0]);
    registered = true;
  }
  return parse(AST_GREP_LANG[language] as Lang, source);
}
