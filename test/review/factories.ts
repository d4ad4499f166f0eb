import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { LineMap } from '../../src/diff/types.js';
import type { Finding } from '../../src/review/finding.js';

/** A finding with sensible defaults; `fingerprint` defaults to one unique per path/line/source/category. */
export function finding(over: Partial<Finding> = {}): Finding {
  const base: Finding = {
    path: 'src/pay.ts',
    line: 10,
    side: 'RIGHT',
    category: 'resilience',
    severity: 'medium',
    title: 'HTTP call without a timeout',
    body: 'The call to the payments API has no timeout.',
    source: 'rule',
    ruleId: 'http-call-without-timeout',
    fingerprint: '',
  };
  const f = { ...base, ...over };
  if (over.source === 'agent' && !('ruleId' in over)) delete f.ruleId;
  return { ...f, fingerprint: over.fingerprint ?? `${f.source}:${f.category}:${f.path}:${f.line}` };
}

/**
 * A line map from hunks given as inclusive new-side ranges (`right`), old-side ranges (`left`) and the
 * added lines; hunk indexes follow the order of the ranges.
 */
export function lineMap(spec: { right?: Array<[number, number]>; left?: Array<[number, number]>; added?: number[] }): LineMap {
  const fill = (ranges: Array<[number, number]> = []) => {
    const m = new Map<number, number>();
    ranges.forEach(([a, b], hunk) => {
      for (let l = a; l <= b; l++) m.set(l, hunk);
    });
    return m;
  };
  return { right: fill(spec.right), left: fill(spec.left), added: new Set(spec.added ?? []) };
}

/** Default config with overrides. */
export function config(over: Partial<Config> = {}): Config {
  return { ...defaultConfig(), ...over };
}
