import { readFileSync } from 'node:fs';
import { APIError, type Anthropic } from '@anthropic-ai/sdk';
import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { ConfigError } from '../errors.js';
import type { TokenUsage } from '../review/ports.js';
import type { ThreadAnswer, ThreadAnswerer, ThreadQuestion } from '../review/reply-ports.js';
import type { AnthropicReviewerOptions } from './anthropic-reviewer.js';
import { buildReplyMessage, buildReplySystem } from './build-reply-prompt.js';
import { defaultProfilePath } from './default-profile-path.js';
import { parseAgentProfile, type AgentProfile } from './load-agent-profile.js';
import { createMessagesClient, providerLabel, type MessagesClient, type ProviderSettings } from './messages-client.js';
import { requestCostUsd } from './model-prices.js';
import { providerModelId } from './provider-model-id.js';
import { parseReplyOutput, REPLY_OUTPUT_FORMAT } from './reply-output-schema.js';
import { translateAnthropicError } from './translate-anthropic-error.js';

/** Default hard deadline of one answer (the request and its one repair), in ms. */
export const DEFAULT_REPLY_DEADLINE_MS = 60_000;
/** Default `max_tokens` of a reply request: an answer is short. */
export const DEFAULT_REPLY_MAX_TOKENS = 2_000;

/**
 * Builds the thread answerer over the same provider settings as the reviewer (`agentOptionsFromEnv`),
 * so a deployment that reviews with a model answers with it too. `maxOutputTokens` defaults to
 * {@link DEFAULT_REPLY_MAX_TOKENS}, `deadlineMs` to {@link DEFAULT_REPLY_DEADLINE_MS}.
 *
 * @example
 * const opts = agentOptionsFromEnv(env, log);
 * const answerer = opts ? createAnthropicAnswerer(opts) : undefined;
 * @throws ConfigError when the persona file is missing or invalid, or no credentials are given.
 */
export function createAnthropicAnswerer(opts: AnthropicReviewerOptions): ThreadAnswerer {
  const profile = opts.profile ?? readProfile();
  if (!opts.provider && !opts.apiKey) throw new ConfigError('the thread answerer needs an Anthropic API key (ANTHROPIC_API_KEY) or a provider (ARCH_REVIEW_PROVIDER)');
  const provider: ProviderSettings = opts.provider ?? { kind: 'anthropic', apiKey: opts.apiKey!, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}) };
  let structured = opts.structuredOutput ?? provider.kind !== 'vertex';
  let client: Promise<MessagesClient> | undefined;
  const { log } = opts;

  const messages = async () => {
    client ??= createMessagesClient(provider, { maxRetries: opts.maxRetries ?? 2, timeoutMs: opts.timeoutMs ?? 90_000, ...(opts.fetch ? { fetch: opts.fetch } : {}), log });
    return (await client).messages;
  };

  /** One request: structured output while the endpoint takes it, else the contract in the system prompt. */
  async function send(params: { model: string; max_tokens: number; system: TextBlockParam[]; messages: Anthropic.MessageParam[] }, signal: AbortSignal): Promise<Anthropic.Message> {
    if (structured) {
      try {
        return await (await messages()).create({ ...params, output_config: { format: REPLY_OUTPUT_FORMAT } }, { signal });
      } catch (err) {
        if (!(err instanceof APIError && err.status === 400 && /output_config|output_format|structured output|json_schema|allowedPartnerModelFeatures/i.test(err.message))) throw err;
        structured = false;
        log.warn({ provider: provider.kind }, `${providerLabel(provider.kind)} refused structured output; asking for the reply's JSON in the prompt from now on`);
      }
    }
    const contract: TextBlockParam = { type: 'text', text: `# Answer format\n\nAnswer with one JSON object and nothing else, matching this JSON Schema:\n\n${JSON.stringify(REPLY_OUTPUT_FORMAT.schema)}` };
    return (await messages()).create({ ...params, system: [...params.system.slice(0, -1), contract, ...params.system.slice(-1)] }, { signal });
  }

  return {
    name: 'claude',
    async answer(q: ThreadQuestion): Promise<ThreadAnswer | { failed: string; usage?: TokenUsage }> {
      const model = opts.model ?? q.model ?? profile.model;
      const wire = providerModelId(provider.kind, model);
      const deadline = AbortSignal.timeout(opts.deadlineMs ?? DEFAULT_REPLY_DEADLINE_MS);
      const signal = q.signal ? AbortSignal.any([q.signal, deadline]) : deadline;
      const system = buildReplySystem(profile);
      const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 };
      let cost: number | undefined = 0;
      const call = async (conversation: Anthropic.MessageParam[]) => {
        const msg = await send({ model: wire, max_tokens: opts.maxOutputTokens ?? DEFAULT_REPLY_MAX_TOKENS, system, messages: conversation }, signal);
        const u = { inputTokens: msg.usage.input_tokens ?? 0, outputTokens: msg.usage.output_tokens ?? 0, cacheReadTokens: msg.usage.cache_read_input_tokens ?? 0, cacheWriteTokens: msg.usage.cache_creation_input_tokens ?? 0 };
        usage.inputTokens += u.inputTokens;
        usage.outputTokens += u.outputTokens;
        usage.cacheReadTokens += u.cacheReadTokens;
        usage.cacheWriteTokens += u.cacheWriteTokens;
        usage.requests += 1;
        const c = requestCostUsd(model, u);
        cost = cost === undefined || c === undefined ? undefined : cost + c;
        return msg;
      };
      const spent = (): TokenUsage => (cost === undefined ? usage : { ...usage, costUsd: cost });

      const first: Anthropic.MessageParam[] = [{ role: 'user', content: buildReplyMessage(q) }];
      try {
        const msg = await call(first);
        if (msg.stop_reason === 'refusal') return { failed: 'the model declined to answer', usage: spent() };
        const text = textOf(msg);
        let parsed = parseReplyOutput(text);
        if (!parsed.ok) {
          log.warn({ issues: parsed.issues, stopReason: msg.stop_reason }, 'reply output invalid; asking once for a repair');
          const again = await call([...first, { role: 'assistant', content: text || '(empty)' }, { role: 'user', content: `Your answer did not match the output contract:\n${parsed.issues.map((i) => `- ${i}`).join('\n')}\nAnswer again with the complete JSON object (answer, verdict) and nothing else.` }]);
          parsed = parseReplyOutput(textOf(again));
          if (!parsed.ok) return { failed: 'the model’s answer did not match the output contract', usage: spent() };
        }
        return { answer: parsed.output.answer, verdict: parsed.output.verdict, usage: spent() };
      } catch (err) {
        const failure = translateAnthropicError(err, provider.kind);
        log.warn({ kind: failure.kind, status: failure.error.status, err: failure.error.message }, 'reply request failed');
        return { failed: failure.note, usage: spent() };
      }
    },
  };
}

function readProfile(): AgentProfile {
  const path = defaultProfilePath();
  try {
    return parseAgentProfile(readFileSync(path, 'utf8'), path);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`cannot read agent profile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path, { cause: err });
  }
}

function textOf(msg: Anthropic.Message): string {
  return msg.content
    .filter((b): b is Anthropic.TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('');
}
