import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/config/schema.js';

/** The model ids the installed SDK lists in its `Model` type. */
function sdkModels(): string[] {
  const entry = createRequire(import.meta.url).resolve('@anthropic-ai/sdk');
  const dts = readFileSync(join(dirname(entry), 'resources/messages/messages.d.ts'), 'utf8');
  const union = /export type Model = ([^;]+);/.exec(dts)?.[1] ?? '';
  return [...union.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('the default model', () => {
  it('is the newest Sonnet in the SDK’s Model type', () => {
    const sonnets = sdkModels().filter((m) => /^claude-sonnet-\d+(-\d)?$/.test(m));
    const version = (m: string) => m.replace('claude-sonnet-', '').split('-').map(Number);
    const newest = [...sonnets].sort((a, b) => {
      const [a1 = 0, a2 = 0] = version(a);
      const [b1 = 0, b2 = 0] = version(b);
      return b1 - a1 || b2 - a2;
    })[0];
    expect(sonnets).toContain(DEFAULT_MODEL);
    expect(DEFAULT_MODEL).toBe(newest);
  });
});
