import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readActionContext } from '../../src/action/action-context.js';
import { inputOf, readActionInputs } from '../../src/action/action-inputs.js';
import { InputError } from '../../src/errors.js';

describe('readActionInputs', () => {
  it('reads the runner’s spelling (INPUT_GITHUB-TOKEN, dashes kept) and a composite step’s (underscores), trimmed', () => {
    expect(inputOf({ 'INPUT_GITHUB-TOKEN': ' ghs_a ' }, 'github-token')).toBe('ghs_a');
    expect(inputOf({ INPUT_GITHUB_TOKEN: 'ghs_b' }, 'github-token')).toBe('ghs_b');
    expect(inputOf({ 'INPUT_GITHUB-TOKEN': 'dash', INPUT_GITHUB_TOKEN: 'underscore' }, 'github-token')).toBe('dash');
    expect(inputOf({ 'INPUT_FAIL-ON': '   ' }, 'fail-on')).toBeUndefined();
  });

  it('applies the defaults, and accepts fail-on in any case', () => {
    expect(readActionInputs({ 'INPUT_GITHUB-TOKEN': 'ghs_x', 'INPUT_FAIL-ON': 'HIGH' })).toEqual({ configPath: '.github/arch-review.yml', githubToken: 'ghs_x', failOn: 'high' });
    expect(readActionInputs({ 'INPUT_GITHUB-TOKEN': 'ghs_x', INPUT_CONFIG: 'ci/review.yml', INPUT_MODEL: 'claude-x', 'INPUT_ANTHROPIC-API-KEY': 'sk-ant-1' })).toEqual({
      configPath: 'ci/review.yml',
      githubToken: 'ghs_x',
      model: 'claude-x',
      anthropicApiKey: 'sk-ant-1',
    });
  });

  it('refuses a missing token and an unknown severity, naming the input and never the token', () => {
    expect(() => readActionInputs({})).toThrow(/github-token input is empty/);
    const bad = () => readActionInputs({ 'INPUT_GITHUB-TOKEN': 'ghs_secret', 'INPUT_FAIL-ON': 'critical' });
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(/fail-on input must be high, medium or low \(got "critical"\)/);
    expect(bad).not.toThrow(/ghs_secret/);
  });
});

describe('readActionContext', () => {
  const event = (headRepo: string | null) => {
    const dir = mkdtempSync(join(tmpdir(), 'arch-review-ctx-'));
    const path = join(dir, 'event.json');
    writeFileSync(path, JSON.stringify({ action: 'synchronize', pull_request: { number: 3, head: { sha: 'a'.repeat(40), repo: headRepo === null ? null : { full_name: headRepo } }, base: { repo: { full_name: 'acme/api' } } } }));
    return path;
  };
  const base = { GITHUB_REPOSITORY: 'acme/api', GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' };

  it('reads the pull request, GHES’s API URL, and tells a fork (or a deleted one) from a branch', async () => {
    const ctx = await readActionContext({ ...base, GITHUB_EVENT_PATH: event('acme/api') });
    expect(ctx).toMatchObject({ owner: 'acme', repo: 'api', apiUrl: 'https://ghe.example.com/api/v3', serverUrl: 'https://github.com', pullRequest: { number: 3, action: 'synchronize', fromFork: false } });
    expect((await readActionContext({ ...base, GITHUB_EVENT_PATH: event('forker/api') })).pullRequest.fromFork).toBe(true);
    expect((await readActionContext({ ...base, GITHUB_EVENT_PATH: event(null) })).pullRequest.fromFork).toBe(true);
    // pull_request_target carries the same payload (the safe way to review forks with a write token).
    expect((await readActionContext({ ...base, GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: event('forker/api') })).pullRequest.number).toBe(3);
  });

  it('refuses other events, a missing payload and a bad repository with a message that says what to do', async () => {
    await expect(readActionContext({ ...base, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event('acme/api') })).rejects.toThrow(/run it on pull_request .* not on push/);
    await expect(readActionContext({ ...base })).rejects.toThrow(/GITHUB_EVENT_PATH is not set/);
    await expect(readActionContext({ ...base, GITHUB_REPOSITORY: 'acme', GITHUB_EVENT_PATH: event('acme/api') })).rejects.toThrow(/GITHUB_REPOSITORY must be owner\/name/);
    const dir = mkdtempSync(join(tmpdir(), 'arch-review-ctx-'));
    writeFileSync(join(dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main' }));
    await expect(readActionContext({ ...base, GITHUB_EVENT_PATH: join(dir, 'push.json') })).rejects.toThrow(/has no pull request/);
  });
});
