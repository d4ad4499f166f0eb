import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitCodeSegments } from '../../src/review/markdown.js';
import { sanitizeInline, sanitizeMarkdown, stripInvisible } from '../../src/review/sanitize.js';

const ours = { allowedLinkPrefixes: ['https://github.com/acme/shop/'] };

describe('sanitizeMarkdown: mentions and references', () => {
  it('renders @-mentions and team mentions as inline code, so nobody is notified', () => {
    expect(sanitizeMarkdown('ask @alice or @acme/payments-team')).toBe('ask `@alice` or `@acme/payments-team`');
  });

  it('neutralises a doubled @ and Java/Python annotations, which GitHub would also read as mentions', () => {
    expect(sanitizeMarkdown('@@carol and @Transactional and @app.route')).toBe('@`@carol` and `@Transactional` and `@app.route`');
  });

  it('leaves e-mail addresses alone', () => {
    expect(sanitizeMarkdown('mail ops@example.com')).toBe('mail ops@example.com');
  });

  it('renders cross-repository references as inline code, so no other repository gets a backlink', () => {
    expect(sanitizeMarkdown('like other/repo#123 did')).toBe('like `other/repo#123` did');
  });

  it('escapes HTML entities, so &#64; cannot spell a mention', () => {
    expect(sanitizeMarkdown('&#64;alice &#x202E;')).toBe('\\&#64;alice \\&#x202E;');
  });
});

describe('sanitizeMarkdown: HTML', () => {
  it('strips raw HTML tags, including the ones the renderer uses for its own sections', () => {
    expect(sanitizeMarkdown('a <img src=x onerror=alert(1)> b <script>x()</script> </details><details open>')).toBe('a  b x() ');
  });

  it('keeps the tags it is told to keep, without their attributes', () => {
    expect(sanitizeMarkdown('<details open onclick="x()"><summary>S</summary></details>', { keepTags: ['details', 'summary'] })).toBe('<details><summary>S</summary></details>');
  });

  it('keeps generic types visible by escaping the angle bracket instead of stripping them', () => {
    expect(sanitizeMarkdown('returns Promise<Response> or List<T>')).toBe('returns Promise\\<Response> or List\\<T>');
  });

  it('removes HTML comments, so a body cannot forge or hide the review marker', () => {
    expect(sanitizeMarkdown('a <!-- arch-review:v1 sha=1 fp=x --> b <!-- open')).toBe('a  b  open');
  });
});

describe('sanitizeMarkdown: images and links', () => {
  it('replaces images by their alt text', () => {
    expect(sanitizeMarkdown('![tracking pixel](https://evil.example/p.png) and ![r][ref]')).toBe('tracking pixel and r');
  });

  it('turns links to other sites into their text', () => {
    expect(sanitizeMarkdown('[the docs](https://evil.example/docs "t")', ours)).toBe('the docs');
  });

  it('keeps links under an allowed prefix, but not a look-alike repository', () => {
    const ok = '[a.ts](https://github.com/acme/shop/blob/main/a.ts)';
    expect(sanitizeMarkdown(ok, ours)).toBe(ok);
    expect(sanitizeMarkdown('[x](https://github.com/acme/shop-evil/x)', { allowedLinkPrefixes: ['https://github.com/acme/shop'] })).toBe('x');
  });

  it('makes bare URLs and autolinks to other sites unclickable inline code', () => {
    expect(sanitizeMarkdown('see https://evil.example/a. or <https://evil.example/b> or www.evil.example', ours)).toBe(
      'see `https://evil.example/a`. or `https://evil.example/b` or `www.evil.example`',
    );
  });

  it('drops reference-style link definitions', () => {
    expect(sanitizeMarkdown('[ref]: https://evil.example\nsee [x][ref]')).toBe('\nsee [x][ref]');
  });

  it('does not let a link built around inline code survive', () => {
    const out = sanitizeMarkdown('[`x`](https://evil.example)');
    expect(out).not.toMatch(/\]\(https/);
  });
});

describe('sanitizeMarkdown: invisible characters and code', () => {
  it('strips bidirectional controls, zero-width characters, BOM and tag characters', () => {
    const evil = 'a\u202Eb\u2066c\u2069d\u200Be\u200Df\uFEFFg\u{E0041}h\u00ADi';
    expect(sanitizeMarkdown(evil)).toBe('abcdefghi');
  });

  it('strips invisible characters inside code too, but changes nothing else there', () => {
    const md = 'x `@alice <b>\u202E` y\n```ts\nconst s = "@bob <i>[a](https://evil.example)";\u200B\n```';
    expect(sanitizeMarkdown(md)).toBe('x `@alice <b>` y\n```ts\nconst s = "@bob <i>[a](https://evil.example)";\n```');
  });

  it('closes an unclosed fence, so it cannot swallow what follows', () => {
    expect(sanitizeMarkdown('text\n````js\ncode @x')).toBe('text\n````js\ncode @x\n````');
  });

  it('turns a suggestion fence in a body into a plain code block', () => {
    expect(sanitizeMarkdown('```suggestion\nrm -rf /\n```')).toBe('```text\nrm -rf /\n```');
  });

  it('sanitises prose after an inline code span on a later line than an unmatched backtick', () => {
    expect(sanitizeMarkdown('a ` b\n@alice `')).toBe('a \\` b\n`@alice` \\`');
  });

  it('escapes stray backticks, so they cannot pair with the ones it adds', () => {
    expect(sanitizeMarkdown('@alice```')).toBe('`@alice`\\`\\`\\`');
  });

  it('does not take an escaped backtick for the start of a code span', () => {
    expect(sanitizeMarkdown('\\`@alice`')).toBe('\\` `@alice`\\`');
  });

  it('keeps existing escapes, so sanitising twice changes nothing more', () => {
    const once = sanitizeMarkdown('Promise<Response> &#64;x ` [a](https://e.x) @bob');
    expect(sanitizeMarkdown(once)).toBe(once);
  });
});

describe('sanitizeInline and stripInvisible', () => {
  it('sanitizeInline folds lines into one', () => {
    expect(sanitizeInline('  one\n\n two @x ')).toBe('one two `@x`');
  });

  it('stripInvisible normalises line ends and keeps tabs', () => {
    expect(stripInvisible('a\r\nb\rc\td\u2028e')).toBe('a\nb\nc\td\ne');
  });
});

describe('sanitizeMarkdown: properties', () => {
  const token = fc.constantFrom(
    '@alice', ' ', '\n', '\n\n', '`', '``', '```', '\n```\n', '~~~', '```suggestion', 'x', '\\', '<img src=x>', '<b>', '<!--', '-->',
    '![a](https://e.x/i.png)', '[l](https://e.x)', '[', ']', '(', ')', 'https://e.x/p', '<https://e.x>', 'www.e.x', 'a@b.c', '&#64;',
    '\u202E', '\u200B', '</details>', 'o/r#1', '    ',
  );
  const markdown = fc.array(token, { maxLength: 40 }).map((t) => t.join(''));

  it('leaves no mention, image, foreign link, raw tag or invisible character in prose, and no open or suggestion fence', () => {
    fc.assert(
      fc.property(markdown, (md) => {
        const out = sanitizeMarkdown(md);
        expect(out).not.toMatch(/[\u200B\u202E]/);
        const segments = splitCodeSegments(out);
        expect(segments.every((s) => s.kind !== 'fence' || (s.closed && !/^suggestion/.test(s.info)))).toBe(true);
        for (const s of segments.filter((seg) => seg.kind === 'text')) {
          expect(s.text).not.toMatch(/(?<![A-Za-z0-9_.+-])@[A-Za-z0-9]/);
          expect(s.text).not.toMatch(/(?<!\\)<(img|b|\/details|!--)|(?<!\\)!\[|(?<!\\)\]\(|https:\/\/|(?<!\\)&#/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent: sanitising its own output changes nothing', () => {
    fc.assert(
      fc.property(markdown, (md) => {
        const once = sanitizeMarkdown(md);
        expect(sanitizeMarkdown(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('does not let a removal create new syntax', () => {
    expect(sanitizeMarkdown('<<!---->!-- hidden')).not.toMatch(/(?<!\\)<!--/);
    expect(sanitizeMarkdown('<b>~~~\n@x')).toBe('\\~~~\n`@x`');
  });
});
