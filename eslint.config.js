import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', 'coverage/**', 'bench/results/**', 'bench/quality/cases/*/*/**', 'test/**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The pure core never talks to GitHub, Anthropic, Probot or Redis: adapters do.
    files: ['src/review/**', 'src/diff/**', 'src/rules/**', 'src/integration/**', 'src/architecture/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['probot', '@octokit/*', '@anthropic-ai/*', 'bullmq', 'ioredis', 'node:child_process', 'node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:net'], message: 'The pure core must not do I/O: put it behind a port in src/review/ports.ts.' },
          { group: ['**/github/**', '**/agent/**', '**/app/**', '**/queue/**', '**/cli/**'], message: 'The pure core must not import adapters.' },
        ],
      }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'nock', message: 'Use test/helpers/http.ts, which checks that every mocked request was used.' }] }],
    },
  },
  {
    files: ['test/helpers/http.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
