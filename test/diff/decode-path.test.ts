import { describe, expect, it } from 'vitest';
import { decodeGitPath, readQuotedToken } from '../../src/diff/decode-path.js';

describe('decodeGitPath', () => {
  it('decodes octal escapes as UTF-8 bytes', () => {
    expect(decodeGitPath('"a/caf\\303\\251.ts"')).toBe('a/café.ts');
    expect(decodeGitPath('"\\346\\227\\245\\346\\234\\254.go"')).toBe('日本.go');
  });

  it('decodes C escapes', () => {
    expect(decodeGitPath('"a\\tb\\nc\\"d\\\\e"')).toBe('a\tb\nc"d\\e');
  });

  it('keeps raw non-ASCII characters inside quotes (core.quotePath=false)', () => {
    expect(decodeGitPath('"café \\"x\\".ts"')).toBe('café "x".ts');
  });

  it('returns a bare token unchanged', () => {
    expect(decodeGitPath('src/caf\\303.ts')).toBe('src/caf\\303.ts');
  });

  it('turns invalid UTF-8 into U+FFFD instead of throwing', () => {
    expect(decodeGitPath('"\\377x"')).toBe('\uFFFDx');
    expect(decodeGitPath('"trailing\\"')).toBe('trailing\\');
  });
});

describe('readQuotedToken', () => {
  it('reads up to the closing quote, skipping escaped quotes', () => {
    expect(readQuotedToken('"a\\"b" rest')).toEqual({ token: '"a\\"b"', rest: ' rest' });
  });

  it('gives undefined for an unquoted or unclosed token', () => {
    expect(readQuotedToken('abc')).toBeUndefined();
    expect(readQuotedToken('"abc')).toBeUndefined();
  });
});
