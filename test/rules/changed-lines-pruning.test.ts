/**
 * Rules skip candidates whose lines the change did not touch (`RuleContext.changed`, `inChange`): an
 * optimisation that must never change what is reported. For every rule, on real files of the labelled cases
 * (four languages) and on generated integration code, with many changed-line sets, the matches that touch the
 * change are the same with the filter as without it.
 */
import { describe, expect, it } from 'vitest';
import { sourceCorpus } from '../helpers/source-corpus.js';
import { withFileMemo } from '../../src/rules/ast/file-memo.js';
import { parseSource } from '../../src/rules/parse-source.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import type { RuleContext, RuleMatch } from '../../src/rules/types.js';

type ChangeSet = { changed: Set<number>; insertedAfter?: Set<number> };

/** Deterministic changed-line sets: single lines, short hunks, and an insertion point without changed lines. */
function changeSets(lineCount: number, seed: number): ChangeSet[] {
  let a = seed;
  const random = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const line = () => 1 + Math.floor(random() * lineCount);
  const hunk = (size: number) => {
    const start = line();
    return Array.from({ length: size }, (_, i) => start + i).filter((l) => l <= lineCount);
  };
  return [
    { changed: new Set([line()]) },
    { changed: new Set([...hunk(3), ...hunk(6)]) },
    { changed: new Set([...hunk(1), ...hunk(12), ...hunk(2)]) },
    { changed: new Set(), insertedAfter: new Set([line(), line()]) },
  ];
}

/**
 * The sets that put a filter on the wrong candidate to the test: for each match of the whole file, only its
 * first line, only its last line, or only an insertion inside it changed (at most 16 matches a file).
 */
function aimedSets(matches: readonly RuleMatch[]): ChangeSet[] {
  const sets = new Map<string, ChangeSet>();
  for (const m of matches.slice(0, 16)) {
    sets.set(`c${m.line}`, { changed: new Set([m.line]) });
    if (m.endLine && m.endLine > m.line) {
      sets.set(`c${m.endLine}`, { changed: new Set([m.endLine]) });
      sets.set(`i${m.line}`, { changed: new Set(), insertedAfter: new Set([m.line]) });
    }
  }
  return [...sets.values()];
}

const touches = (m: RuleMatch, changed: Set<number>, insertedAfter?: Set<number>): boolean => {
  const end = m.endLine && m.endLine > m.line ? m.endLine : m.line;
  for (let l = m.line; l <= end; l++) if (changed.has(l) || (l < end && insertedAfter?.has(l))) return true;
  return false;
};

describe('changed-lines pruning', () => {
  const files = sourceCorpus();

  it('has a corpus in every language', () => {
    const languages = new Set(files.map((f) => f.language));
    for (const l of ['typescript', 'python', 'go', 'java'] as const) expect(languages).toContain(l);
    expect(files.length).toBeGreaterThan(80);
  });

  it('reports the same matches with the filter as without it, for every rule', () => {
    let compared = 0;
    let reported = 0;
    files.forEach((file, i) => {
      const root = parseSource(file.language, file.source);
      const lines = file.source.split('\n');
      const rules = ALL_RULES.filter((r) => r.languages.includes(file.language));
      const full: RuleContext = { path: file.path, language: file.language, source: file.source, lines, root };
      const everything = withFileMemo(() => new Map(rules.map((r) => [r.id, r.check(full)])));
      const matches = [...everything.values()].flat().sort((a, b) => a.line - b.line);
      for (const { changed, insertedAfter } of [...changeSets(lines.length, i + 1), ...aimedSets(matches)]) {
        const pruned: RuleContext = { ...full, changed: (start, end) => touches({ line: start, endLine: end }, changed, insertedAfter) };
        withFileMemo(() => {
          for (const rule of rules) {
            const expected = everything.get(rule.id)!.filter((m) => touches(m, changed, insertedAfter));
            const actual = rule.check(pruned).filter((m) => touches(m, changed, insertedAfter));
            expect({ rule: rule.id, file: file.path, matches: actual }).toEqual({ rule: rule.id, file: file.path, matches: expected });
            compared++;
            reported += expected.length;
          }
        });
      }
    });
    // The sets must reach real matches, or the comparison proves nothing.
    expect(compared).toBeGreaterThan(5_000);
    expect(reported).toBeGreaterThan(500);
  });
});
