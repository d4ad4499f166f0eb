import { describe, expect, it } from 'vitest';
import { createAnthropicAnswerer } from '../../src/agent/anthropic-answerer.js';
import { silentLogger } from '../../src/review/ports.js';
import type { ThreadQuestion } from '../../src/review/reply-ports.js';
import { useHttpMocks } from '../helpers/http.js';
import { profile } from './fixtures.js';

const http = useHttpMocks();
const API = 'https://api.anthropic.com';
const KEY = 'sk-ant-api03-FAKE-KEY-0123456789abcdefghijklmnopqrstuvwxyz';

const message = (text: string, stopReason = 'end_turn') => ({
  id: 'msg_test',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-5-5',
  content: [{ type: 'text', text }],
  stop_reason: stopReason,
  stop_sequence: null,
  usage: { input_tokens: 1200, output_tokens: 150, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});

function mockMessages(...replies: Array<{ status?: number; body: unknown }>): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = [];
  for (const r of replies) {
    http(API)
      .post('/v1/messages', (body: Record<string, unknown>) => (bodies.push(body), true))
      .reply(r.status ?? 200, r.body as never);
  }
  return bodies;
}

const q: ThreadQuestion = {
  repository: 'acme/payments',
  number: 7,
  commenter: 'mona',
  question: 'The client has a default timeout, see http.ts.',
  finding: { fingerprint: 'f'.repeat(16), category: 'resilience', ruleId: 'http-call-without-timeout', path: 'src/pay.ts', line: 5, commentBody: 'HTTP call without a timeout' },
};

const answerer = () => createAnthropicAnswerer({ apiKey: KEY, log: silentLogger, profile, maxRetries: 0 });

describe('createAnthropicAnswerer', () => {
  it('asks with structured output for {answer, verdict} and returns it with the tokens spent', async () => {
    const bodies = mockMessages({ body: message('{"answer":"You are right: `http.ts` sets a 5 s timeout.","verdict":"not-a-problem"}') });
    const out = await answerer().answer(q);
    expect(out).toMatchObject({ answer: 'You are right: `http.ts` sets a 5 s timeout.', verdict: 'not-a-problem', usage: { inputTokens: 1200, outputTokens: 150, requests: 1 } });
    expect(bodies[0]).toMatchObject({ max_tokens: 2000, output_config: { format: { type: 'json_schema' } } });
    expect(JSON.stringify(bodies[0]!.messages)).toContain('<untrusted_question>');
  });

  it('asks once for a repair of an answer off the contract, then gives up with a reason', async () => {
    mockMessages({ body: message('{"answer":"ok","verdict":"approve"}') }, { body: message('{"answer":"It stands.","verdict":"stands"}') });
    expect(await answerer().answer(q)).toMatchObject({ verdict: 'stands', usage: { requests: 2 } });
    mockMessages({ body: message('nope') }, { body: message('still nope') });
    expect(await answerer().answer(q)).toMatchObject({ failed: expect.stringMatching(/output contract/) });
  });

  it('never throws for an API failure: it says why, without the key', async () => {
    mockMessages({ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } });
    const out = await answerer().answer(q);
    expect(out).toMatchObject({ failed: expect.any(String) });
    expect(JSON.stringify(out)).not.toContain(KEY);
  });
});
