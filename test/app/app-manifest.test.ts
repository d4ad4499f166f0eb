import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PULL_REQUEST_EVENTS } from '../../src/app/arch-review-app.js';

const text = readFileSync(new URL('../../app.yml', import.meta.url), 'utf8');
const manifest = parse(text) as Record<string, unknown>;

describe('app.yml', () => {
  it('subscribes to exactly the events the handlers use (installation and marketplace_purchase come unasked)', () => {
    const handled = new Set([...PULL_REQUEST_EVENTS.map((e) => e.split('.')[0]), 'issue_comment', 'pull_request_review_comment', 'pull_request_review_thread']);
    expect(new Set(manifest.default_events as string[])).toEqual(handled);
  });

  it('asks for the least privilege the app needs: writes through pull_requests, issues only read (for issue_comment)', () => {
    expect(manifest.default_permissions).toEqual({ pull_requests: 'write', contents: 'read', checks: 'write', issues: 'read', metadata: 'read' });
  });

  it('is ready for a public Marketplace listing, with a description and a homepage marked to replace', () => {
    expect(manifest.public).toBe(true);
    expect(String(manifest.description).length).toBeGreaterThan(80);
    expect(String(manifest.description).length).toBeLessThanOrEqual(400);
    expect(manifest.url).toMatch(/^https:\/\/\S+$/);
    // The placeholder is unmistakable, and the line above it says so.
    expect(manifest.url).toContain('REPLACE');
    expect(text).toMatch(/# REPLACE[^\n]*\nurl: /);
  });

  it('leaves the webhook and redirect URLs to Probot, which knows where it runs', () => {
    expect(manifest).toMatchObject({ name: 'arch-review', url: expect.stringMatching(/^https:\/\//) });
    expect(manifest).not.toHaveProperty('hook_attributes');
    expect(manifest).not.toHaveProperty('redirect_url');
  });
});
