import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnthropicReviewer } from '../../src/agent/anthropic-reviewer.js';
import { DiffFileSource } from '../../src/cli/diff-file-source.js';
import { defaultConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/review/ports.js';
import { renderComment, renderSummary } from '../../src/review/render.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';
import { useHttpMocks } from '../helpers/http.js';
import { profile } from './fixtures.js';

const http = useHttpMocks();
const DEMO = path.resolve(import.meta.dirname, '../../examples/payments-pr');

describe('a review with the agent (the demo PR, model faked at the HTTP edge)', () => {
  it('merges agent findings with rule findings, sanitises the model text, and shows the cost', async () => {
    const output = {
      findings: [
        {
          path: 'src/payments/stripe-webhook.ts',
          line: 20,
          category: 'resilience',
          severity: 'high',
          title: 'Webhook does slow work before acknowledging',
          body: 'cc @alice <img src=x onerror=alert(1)> see [docs](https://evil.example/x)\n\nQueue the event and return 200 at once.',
          confidence: 0.85,
        },
        { path: 'src/payments/stripe-webhook.ts', line: 900, category: 'coupling', severity: 'medium', title: 'Billing bound to Stripe types', body: 'Use a port.', confidence: 0.8 },
        { path: 'src/not-in-pr.ts', line: 1, category: 'security', severity: 'high', title: 'Made up', body: 'Nothing here.', confidence: 0.99 },
      ],
      questions: ['Does Stripe retry @bob for 3 days?'],
      assessment: 'Webhook handlers do the work inline.',
    };
    http('https://api.anthropic.com')
      .post('/v1/messages')
      .reply(200, {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-5-5',
        content: [{ type: 'text', text: JSON.stringify(output) }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 6000, output_tokens: 800, cache_creation_input_tokens: 3800, cache_read_input_tokens: 0 },
      });

    const reviewer = createAnthropicReviewer({ apiKey: 'sk-ant-fake', baseURL: 'https://api.anthropic.com', log: silentLogger, maxRetries: 0, profile });
    const result = await reviewPullRequest({
      source: new DiffFileSource(readFileSync(path.join(DEMO, 'pr.diff'), 'utf8'), path.join(DEMO, 'head')),
      reviewer,
      config: defaultConfig(),
      target: { repository: 'acme/shop', number: 3, headSha: 'abc123' },
      log: silentLogger,
    });

    const agent = [...result.inline, ...result.summaryOnly.map((s) => s.finding)].filter((f) => f.source === 'agent');
    expect(agent.map((f) => f.title).sort()).toEqual(['Billing bound to Stripe types', 'Webhook does slow work before acknowledging']);
    expect(result.inline.some((f) => f.source === 'rule')).toBe(true);
    expect(result.summaryOnly.find((s) => s.finding.line === 900)?.reason).toBe('not-in-diff');
    expect(result.notes).toContain('1 agent finding about files outside the reviewed set was discarded.');

    const comment = renderComment(result.inline.find((f) => f.source === 'agent')!);
    expect(comment).toContain('`@alice`');
    expect(comment).not.toContain('<img');
    expect(comment).not.toContain('https://evil.example');
    const summary = renderSummary(result);
    expect(summary).toContain('`@bob`');
    expect(summary).toContain('Webhook handlers do the work inline.');
    expect(summary).toMatch(/Model usage: 6,000 input and 800 output tokens \(cache: 0 read, 3,800 written\) in 1 request, about \$0\.03\./);
  });
});
