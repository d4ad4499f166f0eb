import { describe, expect, it } from 'vitest';
import { detectLanguage, detectShebangLanguage } from '../../src/diff/language.js';

const name = (p: string) => detectLanguage(p)?.name;

describe('detectLanguage', () => {
  it('reads the rule languages from Linguist data', () => {
    expect(['a.ts', 'a.mts', 'a.tsx', 'a.js', 'a.cjs', 'a.py', 'a.go', 'A.java'].map(name)).toEqual([
      'TypeScript', 'TypeScript', 'TSX', 'JavaScript', 'JavaScript', 'Python', 'Go', 'Java',
    ]);
  });

  it('settles shared extensions on the common language', () => {
    expect(['x.ts', 'x.rs', 'x.php', 'x.cs', 'x.md', 'x.h', 'x.sql', 'x.yml', 'x.pl'].map(name)).toEqual([
      'TypeScript', 'Rust', 'PHP', 'C#', 'Markdown', 'C', 'SQL', 'YAML', 'Perl',
    ]);
  });

  it('matches exact file names before extensions', () => {
    expect(name('Dockerfile')).toBe('Dockerfile');
    expect(name('sub/Makefile')).toBe('Makefile');
    expect(name('go.sum')).toBe('Go Checksums');
  });

  it('reads Dockerfile and .env variants Linguist lists only by exact name', () => {
    expect(name('deploy/Dockerfile.prod')).toBe('Dockerfile');
    expect(name('.env.staging-eu')).toBe('Dotenv');
  });

  it('tries the longest extension first and ignores case', () => {
    expect(name('build.gradle.kts')).toBe('Gradle Kotlin DSL');
    expect(name('SCRIPT.PY')).toBe('Python');
  });

  it('gives the Linguist type', () => {
    expect(detectLanguage('a.md')?.type).toBe('prose');
    expect(detectLanguage('a.vue')?.type).toBe('markup');
    expect(detectLanguage('a.toml')?.type).toBe('data');
  });

  it('is undefined for unknown names', () => {
    expect(name('bin/worker')).toBeUndefined();
    expect(name('a.qqq')).toBeUndefined();
  });
});

describe('detectShebangLanguage', () => {
  it('reads env and direct interpreters', () => {
    expect(detectShebangLanguage('#!/usr/bin/env python3\nimport x')?.name).toBe('Python');
    expect(detectShebangLanguage('#!/bin/bash\n')?.name).toBe('Shell');
    expect(detectShebangLanguage('#!/usr/bin/env node\n')?.name).toBe('JavaScript');
    expect(detectShebangLanguage('#!/usr/local/bin/ruby2.7\n')?.name).toBe('Ruby');
  });

  it('is undefined without a shebang', () => {
    expect(detectShebangLanguage('print(1)')).toBeUndefined();
  });
});
