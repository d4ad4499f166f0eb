import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/cli/format-json.js';
import { run, tempDir, writeFiles } from './cli-helpers.js';

/** A webhook adapter whose empty catch the rules flag, and its diff (a new file). */
const ADAPTER = [
  "import axios from 'axios';",
  '',
  'export async function notifyCrm(customerId: string): Promise<void> {',
  '  try {',
  "    await axios.post('https://crm.example.com/api/events', { customerId }, { timeout: 5000 });",
  '  } catch (err) {}',
  '}',
  '',
].join('\n');
const adapterDiff = (file: string) => {
  const lines = ADAPTER.split('\n').slice(0, -1);
  return [`diff --git a/${file} b/${file}`, 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', `+++ b/${file}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n');
};

function diffFixture() {
  const root = tempDir();
  const file = 'src/integrations/crm-notify.ts';
  writeFiles(root, { [file]: ADAPTER, 'change.diff': adapterDiff(file) });
  return { root, diff: path.join(root, 'change.diff') };
}

describe('runCli', () => {
  it('prints help on stdout and exits 0', async () => {
    const r = await run(['review', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--fail-on <severity>');
    expect(r.stdout).toContain('--diff <file>');
  });

  it('exits 2 with a usage message on an unknown option or a bad --format', async () => {
    const unknown = await run(['review', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const format = await run(['review', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are text, json, markdown, sarif');
  });

  it('exits 2 when --diff is combined with --base or --head', async () => {
    const r = await run(['review', '--diff', 'x.diff', '--head', 'feature']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be used with option '--head/);
  });

  it('exits 2 with a clear message for a missing diff file, or a file that is not a diff', async () => {
    const { root } = diffFixture();
    const missing = await run(['review', '--diff', 'nope.diff'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('arch-review: error: cannot read diff file nope.diff: no such file');
    const notDiff = await run(['review', '--diff', 'src/integrations/crm-notify.ts'], { cwd: root });
    expect(notDiff.code).toBe(2);
    expect(notDiff.stderr).toContain('does not look like a unified diff');
    expect(notDiff.stdout).toBe('');
  });

  it('exits 2 on a bad RULE_WORKERS, and reviews the same with the rules in the main thread only', async () => {
    const { root, diff } = diffFixture();
    const bad = await run(['review', '--diff', diff, '--no-agent'], { cwd: root, env: { RULE_WORKERS: 'many' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('arch-review: error: RULE_WORKERS must be a whole number from 0 to 8 (got "many")');
    const zero = await run(['review', '--diff', diff, '--no-agent', '--format', 'json'], { cwd: root, env: { RULE_WORKERS: '0' } });
    const defaults = await run(['review', '--diff', diff, '--no-agent', '--format', 'json'], { cwd: root });
    expect(zero.code).toBe(defaults.code);
    const findings = (JSON.parse(zero.stdout) as JsonReport).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings).toEqual((JSON.parse(defaults.stdout) as JsonReport).findings);
  });

  it('exits 2 outside a git repository, naming the folder', async () => {
    const dir = tempDir();
    const r = await run(['review'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is not inside a git repository`);
  });

  it('reviews a diff read from a file, with head files from --repo-root', async () => {
    const { root, diff } = diffFixture();
    const r = await run(['review', '--diff', diff, '--repo-root', root, '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.map((f) => [f.ruleId, f.path, f.line])).toContainEqual(['swallowed-error', 'src/integrations/crm-notify.ts', 6]);
    expect(report.files).toEqual([expect.objectContaining({ path: 'src/integrations/crm-notify.ts', selected: true })]);
  });

  it('reads the diff from stdin with --diff -, and keeps stdout pure JSON with logs on stderr', async () => {
    const { root } = diffFixture();
    const r = await run(['review', '--diff', '-', '--format', 'json'], { cwd: root, stdin: adapterDiff('src/integrations/crm-notify.ts') });
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    expect((JSON.parse(r.stdout) as JsonReport).summary.findings).toBeGreaterThan(0);
    expect(r.stderr).toContain('arch-review info: reviewing a diff');
    expect(r.stdout).not.toContain('arch-review info');
  });

  it('refuses --diff - when stdin is a terminal', async () => {
    const r = await run(['review', '--diff', '-'], { stdinIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stdin is a terminal');
  });

  it('exits 1 when a finding is at or above --fail-on, and 0 when none is', async () => {
    const { root, diff } = diffFixture();
    const json = await run(['review', '--diff', diff, '--repo-root', root, '--format', 'json', '-q']);
    const severities = (JSON.parse(json.stdout) as JsonReport).findings.map((f) => f.severity);
    expect(severities.length).toBeGreaterThan(0);
    const failing = await run(['review', '--diff', diff, '--repo-root', root, '--fail-on', 'low']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('findings at or above --fail-on');

    const empty = await run(['review', '--diff', '-', '--fail-on', 'low'], { cwd: root, stdin: '' });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No findings.');
  });

  it('exits 2 on an invalid config file, naming the file and line', async () => {
    const { root, diff } = diffFixture();
    writeFiles(root, { 'bad.yml': 'min_severity: low\nmax_inline_comments: many\n' });
    const r = await run(['review', '--diff', diff, '--repo-root', root, '--config', 'bad.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/arch-review: error: bad\.yml:2:\d+: .*max_inline_comments/);
  });

  it('applies .github/arch-review.yml from the repository root', async () => {
    const { root, diff } = diffFixture();
    writeFiles(root, { '.github/arch-review.yml': 'rules:\n  swallowed-error: false\n' });
    const r = await run(['review', '--diff', diff, '--repo-root', root, '--format', 'json', '-q']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JsonReport).findings.map((f) => f.ruleId)).not.toContain('swallowed-error');
  });

  it('exits 2 when --config names a file that does not exist', async () => {
    const { root, diff } = diffFixture();
    const r = await run(['review', '--diff', diff, '--config', 'missing.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read config file missing.yml: ENOENT');
  });

  it('renders markdown with the summary and each inline comment under its location', async () => {
    const { root, diff } = diffFixture();
    const r = await run(['review', '--diff', diff, '--repo-root', root, '--format', 'markdown', '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## Inline comments');
    expect(r.stdout).toContain('### `src/integrations/crm-notify.ts` line 6');
  });

  it('uses the agent when ANTHROPIC_API_KEY is set (here rejected: a rules-only review that says why), and never with --no-agent', async () => {
    const { root, diff } = diffFixture();
    const KEY = 'sk-ant-test-not-a-key';
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    try {
      const r = await run(['review', '--diff', diff, '--repo-root', root, '--format', 'json'], { env });
      expect(r.code).toBe(0);
      expect(requests).toBe(1);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.notes).toContain('Anthropic rejected the API key (401), so this review ran with the deterministic rules only. Check `ANTHROPIC_API_KEY`.');
      expect(report.findings.length).toBeGreaterThan(0);
      expect(r.stderr + r.stdout).not.toContain(KEY);
      const noAgent = await run(['review', '--diff', diff, '--repo-root', root, '--no-agent', '--format', 'json'], { env });
      expect(requests).toBe(1);
      expect((JSON.parse(noAgent.stdout) as JsonReport).notes.filter((n) => /agent|anthropic/i.test(n))).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('exits 2 when an agent setting in the environment is invalid, naming the variable', async () => {
    const { root, diff } = diffFixture();
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test-not-a-key', ARCH_REVIEW_AGENT_DEADLINE_MS: 'soon' };
    const r = await run(['review', '--diff', diff, '--repo-root', root], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ARCH_REVIEW_AGENT_DEADLINE_MS');
    expect(r.stderr).not.toContain('sk-ant-test-not-a-key');
  });
});
