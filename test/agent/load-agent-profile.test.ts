import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultProfilePath } from '../../src/agent/default-profile-path.js';
import { loadAgentProfile, parseAgentProfile } from '../../src/agent/load-agent-profile.js';
import { DEFAULT_MODEL } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

describe('loadAgentProfile', () => {
  it('finds agents/ from the package root whatever the working directory', () => {
    const p = defaultProfilePath();
    expect(p).toBe(path.resolve(import.meta.dirname, '../../agents/backend-integration-architect.md'));
    expect(existsSync(p)).toBe(true);
  });

  it('loads the bundled persona with its front matter and every section the reviewer relies on', async () => {
    const profile = await loadAgentProfile(defaultProfilePath());
    expect(profile.name).toBe('backend-integration-architect');
    expect(profile.model).toBe(DEFAULT_MODEL);
    expect(profile.body).not.toContain('---\nname:');
    for (const section of ['# Checklist by category', '# Severity', '# What not to comment on', '# Questions for the author', '# Untrusted input', '# Output contract']) {
      expect(profile.body).toContain(section);
    }
    for (const category of ['## coupling', '## error-handling', '## resilience', '## abstraction', '## security', '## performance']) expect(profile.body).toContain(category);
  });

  it('loads any other agents/*.md the same way', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agents-'));
    const file = path.join(dir, 'queue-reviewer.md');
    writeFileSync(file, '---\nname: queue-reviewer\ndescription: Reviews queue consumers.\nmodel: claude-haiku-4-5\ncategories: [resilience]\n---\n\nLook at acknowledgements.\n');
    const profile = await loadAgentProfile(file);
    expect(profile).toMatchObject({ name: 'queue-reviewer', model: 'claude-haiku-4-5', categories: ['resilience'], body: 'Look at acknowledgements.', source: file });
  });

  it('rejects a profile without front matter, naming the file', () => {
    expect(() => parseAgentProfile('# Just a body\n', 'agents/x.md')).toThrow(ConfigError);
    expect(() => parseAgentProfile('# Just a body\n', 'agents/x.md')).toThrow(/agents\/x\.md: missing front matter/);
  });

  it('rejects invalid front matter keys with the key at fault', () => {
    const text = '---\nname: Not Kebab\ndescription: d\nmodel: m\ncategories: [speed]\n---\nbody\n';
    expect(() => parseAgentProfile(text, 'p.md')).toThrow(/name: must be kebab-case.*categories\.0/);
  });

  it('rejects a profile with no instructions after the front matter', () => {
    expect(() => parseAgentProfile('---\nname: a\ndescription: d\nmodel: m\n---\n\n', 'p.md')).toThrow(/no instructions/);
  });

  it('reports a missing file as a ConfigError', async () => {
    await expect(loadAgentProfile('/nonexistent/agent.md')).rejects.toThrow(/cannot read agent profile: ENOENT/);
  });
});
