import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/cli/format-json.js';

describe('src/cli/main.ts (the bin entry, spawned)', () => {
  it('pipes a diff from stdin and writes pure JSON to stdout, logs to stderr, with the exit code', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'review', '--diff', '-', '--repo-root', 'examples/payments-pr/head', '--format', 'json', '--fail-on', 'low'],
      { input: readFileSync('examples/payments-pr/pr.diff'), encoding: 'utf8', env: { ...process.env, ANTHROPIC_API_KEY: '' } },
    );
    expect(res.stderr).toContain('arch-review info: reviewing a diff');
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.summary.findings).toBeGreaterThan(0);
    expect(res.status).toBe(1);
  });

  it('starts with a node shebang, so the built file runs as the `arch-review` bin', () => {
    expect(readFileSync('src/cli/main.ts', 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['arch-review']).toBe('dist/cli/main.js');
  });
});
