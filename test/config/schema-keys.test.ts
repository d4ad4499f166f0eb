import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configKeys } from '../../src/config/schema-keys.js';

describe('configKeys', () => {
  it('lists nested keys dotted, array elements as [], through defaults and optionals', () => {
    const schema = z.object({
      a: z.string().default('x'),
      b: z.object({ c: z.number().optional(), d: z.object({ e: z.boolean() }).default({ e: true }) }),
      items: z.array(z.object({ name: z.string() })).default([]),
      map: z.record(z.string(), z.boolean()),
    });
    expect(configKeys(schema)).toEqual(['a', 'b', 'b.c', 'b.d', 'b.d.e', 'items', 'items[].name', 'map']);
  });
});
