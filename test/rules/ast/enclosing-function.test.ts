/**
 * `enclosingFunction` answers from a per-file index of function positions when a file memo is open, and by
 * walking up the tree otherwise: the two must agree on every node of real code.
 */
import type { SgNode } from '@ast-grep/napi';
import { describe, expect, it } from 'vitest';
import { withFileMemo } from '../../../src/rules/ast/file-memo.js';
import { enclosingFunction, languageFamily } from '../../../src/rules/ast/function-scope.js';
import { parseSource } from '../../../src/rules/parse-source.js';
import { sourceCorpus } from '../../helpers/source-corpus.js';

function allNodes(root: SgNode): SgNode[] {
  const out: SgNode[] = [];
  const visit = (n: SgNode) => {
    out.push(n);
    for (const c of n.children()) visit(c);
  };
  visit(root);
  return out;
}

const idOf = (n: SgNode | null) => (n ? n.id() : null);

describe('enclosingFunction', () => {
  it('the indexed answer equals the walk up the tree on every node of the corpus', () => {
    let compared = 0;
    let inFunctions = 0;
    for (const file of sourceCorpus()) {
      const root = parseSource(file.language, file.source).root();
      const nodes = allNodes(root);
      const walked = nodes.map((n) => idOf(enclosingFunction(n, file.language)));
      // Asked with the rule language and with its family, as callers do.
      for (const language of [file.language, languageFamily(file.language)]) {
        const indexed = withFileMemo(() => nodes.map((n) => idOf(enclosingFunction(n, language))));
        expect(indexed, `${file.path} (${language})`).toEqual(walked);
      }
      compared += nodes.length;
      inFunctions += walked.filter((id) => id !== null).length;
    }
    // The corpus is real code: most nodes sit in functions, some at module level.
    expect(compared).toBeGreaterThan(50_000);
    expect(inFunctions).toBeGreaterThan(compared / 2);
    expect(inFunctions).toBeLessThan(compared);
  });

  it('a Python lambda spanning a whole statement is inside that statement, not around it', () => {
    const root = parseSource('python', 'handler = None\nlambda event: send(event)\n').root();
    const statement = root.find({ rule: { kind: 'expression_statement', has: { kind: 'lambda' } } })!;
    const call = root.find({ rule: { kind: 'call' } })!;
    withFileMemo(() => {
      expect(enclosingFunction(statement, 'python')).toBeNull();
      expect(enclosingFunction(call, 'python')?.kind()).toBe('lambda');
    });
  });

  it('nested closures: the nearest one, and the outer one for the inner closure itself', () => {
    const source = 'export function outer() {\n  const a = () => {\n    return items.map((x) => fetch(x));\n  };\n}\n';
    const root = parseSource('typescript', source).root();
    const fetchCall = root.find({ rule: { pattern: 'fetch($X)' } })!;
    const inner = root.find({ rule: { kind: 'arrow_function', has: { pattern: 'fetch($X)', stopBy: 'end' }, not: { has: { kind: 'arrow_function', stopBy: 'end' } } } })!;
    withFileMemo(() => {
      expect(enclosingFunction(fetchCall, 'typescript')?.id()).toBe(inner.id());
      expect(enclosingFunction(inner, 'typescript')?.text()).toMatch(/^\(\) => \{/);
      expect(enclosingFunction(enclosingFunction(inner, 'typescript')!, 'typescript')?.kind()).toBe('function_declaration');
    });
  });
});
