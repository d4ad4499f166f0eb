import { describe, expect, it } from 'vitest';
import { firstSentence, formatText } from '../../src/cli/format-text.js';
import { finding, reviewResult } from './cli-helpers.js';

describe('formatText', () => {
  const result = reviewResult({
    inline: [
      finding({ path: 'src/pay.ts', line: 40, severity: 'low', category: 'performance', title: 'Client built per request' }),
      finding({ path: 'src/pay.ts', line: 12, endLine: 14 }),
      finding({ path: 'worker/sync.py', line: 3, severity: 'high', category: 'security', title: 'Hard-coded secret' }),
    ],
    summaryOnly: [{ finding: finding({ path: 'src/pay.ts', line: 90, title: 'Retry without backoff' }), reason: 'over-cap' }],
    files: [
      { path: 'worker/sync.py', selected: true, reason: 'integration code: http-client:requests', signals: [] },
      { path: 'docs/payments.md', selected: false, reason: 'documentation (Markdown)', skipReason: 'docs', signals: [] },
      { path: 'src/pay.ts', selected: true, reason: 'integration code: sdk:stripe', signals: [] },
      { path: 'package-lock.json', selected: false, reason: 'lockfile', skipReason: 'lockfile', signals: [] },
    ],
    notes: ['1 rule check(s) could not run (see the logs); the other findings are complete.'],
  });
  const text = formatText(result);

  it('groups findings by file in diff order, each file by line', () => {
    const lines = text.split('\n');
    expect(lines.indexOf('worker/sync.py')).toBeLessThan(lines.indexOf('src/pay.ts'));
    const pay = text.slice(text.indexOf('src/pay.ts\n'));
    expect(pay.indexOf('L12-14')).toBeLessThan(pay.indexOf('L40'));
    expect(pay.indexOf('L40')).toBeLessThan(pay.indexOf('L90'));
  });

  it('shows severity, category, title and the short what/why/fix of a finding', () => {
    expect(text).toMatch(/L12-14 +medium +resilience +HTTP call without a timeout/);
    expect(text).toContain('The call to the payments API has no timeout.');
    expect(text).toContain('why: A slow provider holds every worker.');
    expect(text).toContain('fix: Pass `AbortSignal.timeout(5000)` (e.g. on `fetch`).');
    expect(text).not.toContain('Threads pile up');
  });

  it('marks a finding that is only in the summary, with the reason', () => {
    expect(text).toMatch(/L90 .*Retry without backoff {2}\[summary only: over the inline cap\]/);
  });

  it('lists skipped files with their reasons, the notes and a one-line summary', () => {
    expect(text).toContain('Skipped files (2):');
    expect(text).toMatch(/docs\/payments\.md +documentation \(Markdown\)/);
    expect(text).toMatch(/package-lock\.json +lockfile/);
    expect(text).toContain('1 rule check(s) could not run');
    expect(text.trimEnd().split('\n').pop()).toBe(
      '4 findings (1 high, 2 medium, 1 low) · resilience 2, security 1, performance 1 · 2 files reviewed, 2 skipped',
    );
  });

  it('says so when there is nothing to report', () => {
    expect(formatText(reviewResult())).toBe('No findings.\n\n0 findings · 0 files reviewed, 0 skipped\n');
  });
});

describe('firstSentence', () => {
  it('does not end a sentence at an abbreviation, inside backticks or inside parentheses', () => {
    expect(firstSentence('Use a port (e.g. `Gateway.charge()`) instead. Then test it.')).toBe('Use a port (e.g. `Gateway.charge()`) instead.');
    expect(firstSentence('Wrap it, i.e. in an adapter. More.')).toBe('Wrap it, i.e. in an adapter.');
  });

  it('cuts a long sentence at a word, on one line', () => {
    const long = `${'word '.repeat(80)}end.`;
    const out = firstSentence(long);
    expect(out.length).toBeLessThanOrEqual(240);
    expect(out.endsWith('word…')).toBe(true);
    expect(firstSentence('a\n  b.')).toBe('a b.');
  });
});
