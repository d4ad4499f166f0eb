import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMAS, checkPayload } from '../../src/app/webhook-schemas.js';
import { malformedPayloads } from './malformed-payloads.js';

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

describe('checkPayload', () => {
  it("accepts every example payload GitHub documents for the events the handlers read (no valid delivery is refused)", () => {
    let checked = 0;
    for (const name of Object.keys(EVENT_SCHEMAS)) {
      const def = definitions.find((d) => d.name === name);
      expect(def, name).toBeDefined();
      for (const example of def!.examples as unknown[]) {
        expect(checkPayload(name, example), `${name}.${(example as { action?: string }).action}`).toEqual({ ok: true });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('accepts any object for events it has no schema for (ping, push, …)', () => {
    expect(checkPayload('ping', { zen: 'Keep it logically awesome.', hook_id: 1 })).toEqual({ ok: true });
    expect(checkPayload('push', { ref: 'refs/heads/main' })).toEqual({ ok: true });
  });

  it.each(malformedPayloads().filter((m) => m.json !== undefined))('refuses $what, naming the field and never quoting the input', ({ event, json }) => {
    const r = checkPayload(event, JSON.parse(json!));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason.length).toBeLessThan(300);
    expect(r.reason).not.toContain('EVIL');
  });

  it('says which field is wrong', () => {
    const r = checkPayload('issue_comment', { action: 'created', issue: { number: 1 }, repository: { name: 'r', full_name: 'o/r', owner: { login: 'o' } }, sender: { login: 'u', type: 'User' } });
    expect(r).toEqual({ ok: false, reason: 'comment: expected object' });
  });
});
