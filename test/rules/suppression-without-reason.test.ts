import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const ID = 'suppression-without-reason';

describe('suppression-without-reason', () => {
  it('flags a line directive without a reason, on the comment line, as a low abstraction finding', () => {
    const found = check(ID, 'typescript', ['export async function probe(url: string) {', '  // arch-review-ignore http-call-without-timeout', '  return fetch(url);', '}'].join('\n'));
    expect(lines(found)).toEqual([2]);
    expect(found[0]).toMatchObject({ severity: 'low', category: 'abstraction', ruleId: ID, confidence: 1 });
    expect(found[0]!.body).toContain('`arch-review-ignore http-call-without-timeout` gives no reason (write it after a colon).');
  });

  it('flags the file form, trailing comments and every comment syntax', () => {
    expect(lines(check(ID, 'python', ['# arch-review-ignore-file swallowed-error', 'x = requests.get(url)  # arch-review-ignore http-call-without-timeout:', 'y = 1'].join('\n')))).toEqual([1, 2]);
    expect(lines(check(ID, 'go', ['package a', '/* arch-review-ignore swallowed-error */', 'func f() {}'].join('\n')))).toEqual([2]);
    expect(lines(check(ID, 'java', ['class A {', '  // arch-review-ignore swallowed-error', '  void f() {}', '}'].join('\n')))).toEqual([2]);
  });

  it('stays silent on directives with a reason, on strings, and on comments the change did not add', () => {
    expect(check(ID, 'typescript', ['// arch-review-ignore swallowed-error: best-effort cleanup', 'x();'].join('\n'))).toEqual([]);
    expect(check(ID, 'typescript', ['const help = "// arch-review-ignore swallowed-error";'].join('\n'))).toEqual([]);
    expect(check(ID, 'typescript', ['// arch-review-ignore swallowed-error', 'x();', 'y();'].join('\n'), { changed: [3] })).toEqual([]);
  });
});
