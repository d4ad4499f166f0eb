import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PULL_REQUEST_EVENTS } from '../../src/app/arch-review-app.js';

const manifest = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('app.yml', () => {
  it('subscribes to exactly the events the handlers use', () => {
    const handled = new Set([...PULL_REQUEST_EVENTS.map((e) => e.split('.')[0]), 'issue_comment']);
    expect(new Set(manifest.default_events as string[])).toEqual(handled);
  });

  it('asks for the least privilege the app needs, and is private', () => {
    expect(manifest.default_permissions).toEqual({ pull_requests: 'write', contents: 'read', checks: 'write', issues: 'write', metadata: 'read' });
    expect(manifest.public).toBe(false);
  });

  it('leaves the webhook and redirect URLs to Probot, which knows where it runs', () => {
    expect(manifest).toMatchObject({ name: 'arch-review', url: expect.stringMatching(/^https:\/\//) });
    expect(manifest).not.toHaveProperty('hook_attributes');
    expect(manifest).not.toHaveProperty('redirect_url');
  });
});
