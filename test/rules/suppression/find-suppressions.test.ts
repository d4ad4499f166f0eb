import { describe, expect, it } from 'vitest';
import type { RuleLanguage } from '../../../src/diff/types.js';
import { parseSource } from '../../../src/rules/parse-source.js';
import { findSuppressions, parseArguments } from '../../../src/rules/suppression/find-suppressions.js';

const find = (language: RuleLanguage, lines: string[]) => findSuppressions(parseSource(language, lines.join('\n')), language);
/** Each directive as `line→targets ids: reason` for compact assertions. */
const brief = (language: RuleLanguage, lines: string[]) =>
  find(language, lines).map((s) => `${s.scope === 'file' ? 'file ' : ''}${s.line}→${s.targets.join(',')} ${s.ids.join(',')}${s.reason !== undefined ? `: ${s.reason}` : ''}`);

describe('findSuppressions: comment syntaxes', () => {
  it.each<[RuleLanguage, string[]]>([
    ['typescript', ['// arch-review-ignore http-call-without-timeout: probe has its own deadline', 'await fetch(url);']],
    ['tsx', ['{/* arch-review-ignore http-call-without-timeout: probe has its own deadline */}', 'fetch(url);']],
    ['javascript', ['/* arch-review-ignore http-call-without-timeout: probe has its own deadline */', 'fetch(url);']],
    ['python', ['# arch-review-ignore http-call-without-timeout: probe has its own deadline', 'requests.get(url)']],
    ['go', ['// arch-review-ignore http-call-without-timeout: probe has its own deadline', 'http.Get(url)']],
    ['java', ['class A { void f() {', '  // arch-review-ignore http-call-without-timeout: probe has its own deadline', '  client.send(req);', '} }']],
  ])('reads a directive above the code in %s', (language, lines) => {
    const line = lines.findIndex((l) => l.includes('arch-review-ignore')) + 1;
    expect(find(language, lines)).toEqual([
      { scope: 'line', ids: ['http-call-without-timeout'], reason: 'probe has its own deadline', line, targets: [line + 1] },
    ]);
  });

  it.each<[RuleLanguage, string]>([
    ['typescript', 'await fetch(url); // arch-review-ignore http-call-without-timeout: probe'],
    ['typescript', 'await fetch(url); /* arch-review-ignore http-call-without-timeout: probe */'],
    ['python', 'requests.get(url)  # arch-review-ignore http-call-without-timeout: probe'],
    ['go', 'resp, err := http.Get(url) // arch-review-ignore http-call-without-timeout: probe'],
  ])('reads a directive trailing the code on its line (%s)', (language, line) => {
    expect(find(language, [line, 'next()'])).toEqual([{ scope: 'line', ids: ['http-call-without-timeout'], reason: 'probe', line: 1, targets: [1], trailing: 1 }]);
  });

  it('reads a directive on a line of a multi-line block comment, and the file form in a doc comment', () => {
    expect(brief('typescript', ['/**', ' * Health probe.', ' * arch-review-ignore-file hardcoded-secret: test keys only', ' */', 'const k = 1;'])).toEqual([
      'file 3→ hardcoded-secret: test keys only',
    ]);
    expect(brief('go', ['/*', 'arch-review-ignore swallowed-error: best-effort cleanup', '*/', 'defer f.Close()'])).toEqual(['2→4 swallowed-error: best-effort cleanup']);
  });

  it('reads a directive after another tool’s marker in the same comment', () => {
    expect(brief('python', ['x = get(url)  # type: ignore  # arch-review-ignore http-call-without-timeout: probe'])).toEqual(['1→1 http-call-without-timeout: probe']);
  });
});

describe('findSuppressions: ids, spacing and reasons', () => {
  it('reads several ids, with or without spaces around commas, lower-cased', () => {
    expect(brief('typescript', ['// arch-review-ignore   a-rule ,B-Rule,c   :   why  ', 'x();'])).toEqual(['1→2 a-rule,b-rule,c: why']);
  });

  it('reads `all`, `*` and category names as ids', () => {
    expect(brief('typescript', ['// arch-review-ignore all: generated', 'x();', '// arch-review-ignore *: generated', 'y();', '// arch-review-ignore resilience: z', 'z();'])).toEqual([
      '1→2 all: generated',
      '3→4 *: generated',
      '5→6 resilience: z',
    ]);
  });

  it.each([
    ['no colon', '// arch-review-ignore swallowed-error'],
    ['a colon and nothing after it', '// arch-review-ignore swallowed-error:'],
    ['only spaces after the colon', '// arch-review-ignore swallowed-error:    '],
    ['words without a colon', '// arch-review-ignore swallowed-error because it is fine'],
  ])('has no reason with %s', (_name, comment) => {
    const [s] = find('typescript', [comment, 'x();']);
    expect(s!.ids).toEqual(['swallowed-error']);
    expect(s!.reason).toBeUndefined();
  });

  it('has no ids when none is written', () => {
    expect(parseArguments(': just because')).toEqual({ ids: [], reason: 'just because' });
    expect(find('python', ['# arch-review-ignore', 'x()'])[0]!.ids).toEqual([]);
  });
});

describe('findSuppressions: which lines a directive covers', () => {
  it('covers the code line below, past other comment-only lines but not past a blank line', () => {
    expect(brief('typescript', ['// arch-review-ignore a: r', '// eslint-disable-next-line no-await-in-loop', '/* more */', 'x();'])).toEqual(['1→4 a: r']);
    expect(brief('typescript', ['// arch-review-ignore a: r', '', 'x();'])).toEqual(['1→ a: r']);
  });

  it('covers a declaration below its decorators or annotations, where rules report', () => {
    expect(brief('python', ['# arch-review-ignore webhook-without-signature-check: verified by the gateway', '@app.post("/hooks")', '@traced', 'def hook():', '    pass'])).toEqual([
      '1→2,3,4 webhook-without-signature-check: verified by the gateway',
    ]);
    expect(brief('java', ['class C {', '  // arch-review-ignore webhook-without-signature-check: mTLS only', '  @PostMapping("/hooks")', '  void hook() {}', '}'])).toEqual([
      '2→3,4 webhook-without-signature-check: mTLS only',
    ]);
  });

  it('covers only its own line when it trails code, not the line below', () => {
    expect(find('typescript', ['x(); // arch-review-ignore a: r', 'y();'])[0]!.targets).toEqual([1]);
  });

  it('treats a line with code after a block comment as code', () => {
    expect(brief('typescript', ['// arch-review-ignore a: r', '/* note */ x();'])).toEqual(['1→2 a: r']);
  });
});

describe('findSuppressions: only real comments', () => {
  it.each<[RuleLanguage, string[]]>([
    ['typescript', ['const s = "// arch-review-ignore a: r";', "const t = '# arch-review-ignore a: r';", 'const u = `/* arch-review-ignore a: r */`;']],
    ['python', ['s = "# arch-review-ignore a: r"', '"""arch-review-ignore a: r"""', "t = '''", 'arch-review-ignore-file a: r', "'''"]],
    ['go', ['package a', 'var s = "// arch-review-ignore a: r"', 'var t = `arch-review-ignore-file a: r`']],
    ['java', ['class A { String s = "// arch-review-ignore a: r"; }']],
  ])('ignores string literals and docstrings that contain the directive (%s)', (language, lines) => {
    expect(find(language, lines)).toEqual([]);
  });

  it('ignores prose that mentions the word mid-sentence', () => {
    expect(find('typescript', ['// TODO: stop using arch-review-ignore here', 'x();'])).toEqual([]);
  });

  it('does not take a longer word for the keyword', () => {
    expect(find('typescript', ['// arch-review-ignored a: r', '// arch-review-ignore-files a: r', 'x();'])).toEqual([]);
  });
});
