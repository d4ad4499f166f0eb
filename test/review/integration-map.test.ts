import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/cli/format-json.js';
import { formatText } from '../../src/cli/format-text.js';
import { defaultConfig } from '../../src/config/schema.js';
import { silentLogger, type Reviewer, type ReviewerInput } from '../../src/review/ports.js';
import { renderSummary } from '../../src/review/render.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';
import { gitChange, sourceOf } from './git-change.js';

const BASE = [
  "import { refund } from '../lib/payments';",
  '',
  'export async function cancelOrder(id: string): Promise<void> {',
  '  await refund(id);',
  '}',
  '',
].join('\n');
const HEAD = [
  "import axios from 'axios';",
  "import { refund } from '../lib/payments';",
  '',
  'export async function cancelOrder(id: string): Promise<void> {',
  '  await refund(id);',
  "  await axios.post('https://events.pagerduty.com/v2/enqueue', { summary: `order ${id} cancelled` });",
  '}',
  '',
].join('\n');

describe('integration map in the review', () => {
  it('shows the dependency the PR adds, with its facts, in the summary, the text and the JSON output', async () => {
    const change = gitChange({ 'src/orders/cancel.ts': BASE }, { 'src/orders/cancel.ts': HEAD });
    const source = sourceOf(change);
    const result = await reviewPullRequest({ source, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(result.integrationMap?.edges.map((e) => [e.module, e.service, e.status, e.timeout])).toEqual([['src/orders/cancel', 'events.pagerduty.com', 'added', 'no']]);
    // Differential analysis and the map share one read of the base version.
    expect(source.baseReads).toEqual(['src/orders/cancel.ts']);
    const summary = renderSummary(result);
    expect(summary).toContain('### Integration map');
    expect(summary).toContain('This PR adds a dependency on `events.pagerduty.com` from `src/orders/cancel` (no timeout, no retry).');
    expect(summary).toContain('```mermaid');
    expect(formatText(result)).toContain('src/orders/cancel -> events.pagerduty.com [added] no timeout, no retry');
    expect(JSON.parse(formatJson(result)).integrationMap.headlines).toHaveLength(1);
  });

  it('is handed to the agent reviewer as context', async () => {
    const change = gitChange({ 'src/orders/cancel.ts': BASE }, { 'src/orders/cancel.ts': HEAD });
    let given: ReviewerInput | undefined;
    const reviewer: Reviewer = {
      name: 'capture',
      review(input) {
        given = input;
        return Promise.resolve({ findings: [], questions: [], notes: [] });
      },
    };
    await reviewPullRequest({ source: sourceOf(change), reviewer, config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(given?.integration?.map?.edges.map((e) => [e.service, e.status])).toEqual([['events.pagerduty.com', 'added']]);
  });

  it('is absent when the change touches no integration, and when config turns it off', async () => {
    const plain = gitChange({ 'src/util/math.ts': 'export const add = (a: number, b: number) => a + b;\n' }, { 'src/util/math.ts': 'export const add = (a: number, b: number): number => a + b;\n' });
    const none = await reviewPullRequest({ source: sourceOf(plain), config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(none.integrationMap).toBeUndefined();
    expect(renderSummary(none)).not.toContain('Integration map');
    const change = gitChange({ 'src/orders/cancel.ts': BASE }, { 'src/orders/cancel.ts': HEAD });
    const off = await reviewPullRequest({
      source: sourceOf(change),
      config: { ...defaultConfig(), integration_map: { ...defaultConfig().integration_map, enabled: false } },
      target: { repository: 'acme/shop', headSha: 'h' },
      log: silentLogger,
    });
    expect(off.integrationMap).toBeUndefined();
  });

  it('counts every head edge as added when the source cannot read base versions (a bare diff)', async () => {
    const change = gitChange({ 'src/orders/cancel.ts': BASE }, { 'src/orders/cancel.ts': HEAD });
    const result = await reviewPullRequest({ source: sourceOf(change, { base: false }), config: defaultConfig(), target: { repository: 'acme/shop', headSha: 'h' }, log: silentLogger });
    expect(result.integrationMap?.edges.map((e) => e.status)).toEqual(['added']);
  });
});
