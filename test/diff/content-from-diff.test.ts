import { describe, expect, it } from 'vitest';
import { contentFromDiff } from '../../src/diff/content-from-diff.js';
import { parseDiff } from '../../src/diff/parse.js';

const parse = (text: string) => parseDiff({ kind: 'unified', text }).files[0]!;

describe('contentFromDiff', () => {
  it('rebuilds a new file from its single hunk, so its head needs no fetch', () => {
    const file = parse(
      ['diff --git a/src/pay.ts b/src/pay.ts', 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', '+++ b/src/pay.ts', '@@ -0,0 +1,3 @@', "+import Stripe from 'stripe';", '+', '+export const x = 1;', ''].join('\n'),
    );
    const content = contentFromDiff(file);
    expect(content).toEqual({ text: "import Stripe from 'stripe';\n\nexport const x = 1;\n", size: 50, binary: false });
  });

  it('leaves modified files to the source (the diff holds only part of them)', () => {
    const file = parse(['diff --git a/a.ts b/a.ts', 'index 1111111..2222222 100644', '--- a/a.ts', '+++ b/a.ts', '@@ -10,2 +10,3 @@', ' a', '+b', ' c', ''].join('\n'));
    expect(contentFromDiff(file)).toBeUndefined();
  });

  it('leaves binary and empty new files to the source', () => {
    const binary = parse(['diff --git a/logo.png b/logo.png', 'new file mode 100644', 'index 0000000..1111111', 'Binary files /dev/null and b/logo.png differ', ''].join('\n'));
    expect(contentFromDiff(binary)).toBeUndefined();
    const empty = parse(['diff --git a/empty.ts b/empty.ts', 'new file mode 100644', 'index 0000000..e69de29', ''].join('\n'));
    expect(contentFromDiff(empty)).toBeUndefined();
  });
});
