import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeBlock, escapeTableCell, fenceFor, inlineCode, splitCodeSegments } from '../../src/review/markdown.js';

describe('markdown primitives', () => {
  it('fenceFor is longer than any backtick run in the content, and at least three', () => {
    expect(fenceFor('plain')).toBe('```');
    expect(fenceFor('a\n````\nb')).toBe('`````');
  });

  it('a code block cannot be closed by its content', () => {
    fc.assert(
      fc.property(fc.string(), (content) => {
        const block = codeBlock(content);
        const segments = splitCodeSegments(block);
        expect(segments).toHaveLength(1);
        expect(segments[0]).toMatchObject({ kind: 'fence', closed: true });
      }),
    );
  });

  it('inlineCode wraps content holding backticks', () => {
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`x')).toBe('`` `x ``');
  });

  it('escapeTableCell escapes pipes and folds lines', () => {
    expect(escapeTableCell('a|b\nc')).toBe('a\\|b c');
  });

  it('splitCodeSegments keeps the text: joining the segments gives the input back', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', ' ', '\n', '`', '```', '~~~', '@x', '<b>')).map((p) => p.join('')), (md) => {
        expect(splitCodeSegments(md).map((s) => s.text).join('')).toBe(md);
      }),
    );
  });

  it('splitCodeSegments finds fences and inline spans', () => {
    const kinds = splitCodeSegments('a `b` c\n```\nd\n```\ne').map((s) => s.kind);
    expect(kinds).toEqual(['text', 'code', 'text', 'fence', 'text']);
  });
});
