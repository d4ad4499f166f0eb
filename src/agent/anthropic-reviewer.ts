import { readFileSync } from 'node:fs';
import { APIError, type Anthropic } from '@anthropic-ai/sdk';
import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { ConfigError } from '../errors.js';
import type { Finding } from '../review/finding.js';
import type { Logger, Reviewer, ReviewerInput, ReviewerOutput, SecondOpinion, TokenUsage } from '../review/ports.js';
import { stripInvisible } from '../review/sanitize.js';
import type { AgentOutput } from './agent-output-schema.js';
import { defaultProfilePath } from './default-profile-path.js';
import { estimateTokens } from './estimate-tokens.js';
import { parseAgentProfile, type AgentProfile } from './load-agent-profile.js';
import { requestCostUsd, type RequestUsage } from './model-prices.js';
import { createMessagesClient, providerLabel, type MessagesClient, type ProviderSettings } from './messages-client.js';
import { AGENT_OUTPUT_FORMAT, JSON_OUTPUT_INSTRUCTIONS, OUTPUT_SCHEMA_TOKENS } from './output-format.js';
import { parseAgentOutput } from './parse-agent-output.js';
import { planReview, type PlannedRequest } from './plan-review.js';
import { providerModelId } from './provider-model-id.js';
import { resolveRuleVerdicts } from './resolve-rule-verdicts.js';
import { toAgentFindings } from './to-agent-findings.js';
import { translateAnthropicError } from './translate-anthropic-error.js';

/**
 * Options of {@link createAnthropicReviewer}. `log` is required, and either `apiKey` (the Anthropic API)
 * or `provider` (Amazon Bedrock or Google Vertex AI).
 */
export interface AnthropicReviewerOptions {
  /** Anthropic API key; ignored when `provider` is given. */
  apiKey?: string;
  /** API base URL (a proxy, or a fake server in tests). Default: `ANTHROPIC_BASE_URL`, else Anthropic's. Anthropic API only. */
  baseURL?: string;
  /** Where the Messages API is served. Default: the Anthropic API with `apiKey`. */
  provider?: ProviderSettings;
  /**
   * Send the output contract as `output_config.format` (structured output). Default: on for the
   * Anthropic API and Bedrock, off for Vertex AI, where an organization policy
   * (`constraints/vertexai.allowedPartnerModelFeatures`) disables it unless an admin allows it. Off, the
   * schema goes into the system prompt instead and the answer is validated (and repaired once) the same
   * way. On, an endpoint that refuses the field with a 400 turns it off for the rest of the process.
   */
  structuredOutput?: boolean;
  log: Logger;
  /**
   * Overrides the repository's `agent.model` (and the persona's default). Anthropic ids are mapped to the
   * provider's naming (see `providerModelId`); a provider's own id passes through.
   */
  model?: string;
  /** The SDK's retries for 408/409/429/5xx/529 and connection errors; arch-review adds no loop of its own. Default 2. */
  maxRetries?: number;
  /** Timeout of one HTTP attempt, in ms. Default 90,000. */
  timeoutMs?: number;
  /** Hard deadline for the whole agent part of one review, in ms. Default 120,000. */
  deadlineMs?: number;
  /** A `fetch` to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
  /** The persona. Default: `agents/backend-integration-architect.md`, read once, now. */
  profile?: AgentProfile;
  /** Requests in flight at once after the first (which runs alone to write the prompt cache). Default 3. */
  concurrency?: number;
  /** `max_tokens` of each request (thinking included). Default 16,000. */
  maxOutputTokens?: number;
  /** Estimated input tokens per request. Default 48,000. */
  maxInputTokensPerRequest?: number;
}

/** Default hard deadline of the agent part of one review. */
export const DEFAULT_AGENT_DEADLINE_MS = 120_000;

// Below this, an answer is likely cut off mid-JSON: skip the request instead.
const MIN_OUTPUT_TOKENS = 2_000;
const MAX_QUESTIONS = 5;

/**
 * Builds the Claude reviewer (the {@link Reviewer} port over `@anthropic-ai/sdk`). Reads the persona
 * now, so a broken profile fails at start rather than on the first pull request.
 *
 * @example
 * const reviewer = createAnthropicReviewer({ apiKey: env.anthropicApiKey, baseURL: env.anthropicBaseUrl, log });
 * await reviewPullRequest({ source, reviewer, config, target, log });
 * @throws ConfigError when the persona file is missing or invalid.
 */
export function createAnthropicReviewer(opts: AnthropicReviewerOptions): Reviewer {
  const profile = opts.profile ?? readDefaultProfile();
  return new AnthropicReviewer({ ...opts, profile });
}

function readDefaultProfile(): AgentProfile {
  const path = defaultProfilePath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read agent profile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path, { cause: err });
  }
  return parseAgentProfile(text, path);
}

interface RequestOutcome {
  request: PlannedRequest;
  status: 'done' | 'invalid' | 'refused' | 'failed' | 'skipped';
  output?: AgentOutput;
}

/** The Claude reviewer. Construct it with {@link createAnthropicReviewer}. */
export class AnthropicReviewer implements Reviewer {
  readonly name = 'claude';
  /** Built at the first request (the cloud SDKs load only then). */
  private client: Promise<MessagesClient> | undefined;
  private readonly profile: AgentProfile;
  private readonly provider: ProviderSettings;
  /** Whether requests carry `output_config`; turned off for good when the endpoint refuses it. */
  private structured: boolean;

  /** @throws ConfigError when neither `provider` nor `apiKey` is given. */
  constructor(private readonly opts: AnthropicReviewerOptions & { profile: AgentProfile }) {
    this.profile = opts.profile;
    if (!opts.provider && !opts.apiKey) throw new ConfigError('the agent reviewer needs an Anthropic API key (ANTHROPIC_API_KEY) or a provider (ARCH_REVIEW_PROVIDER)');
    this.provider = opts.provider ?? { kind: 'anthropic', apiKey: opts.apiKey!, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}) };
    this.structured = opts.structuredOutput ?? this.provider.kind !== 'vertex';
  }

  private messages(): Promise<MessagesClient['messages']> {
    const { opts } = this;
    this.client ??= createMessagesClient(this.provider, {
      maxRetries: opts.maxRetries ?? 2,
      timeoutMs: opts.timeoutMs ?? 90_000,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      log: opts.log,
    });
    return this.client.then((c) => c.messages);
  }

  /**
   * One Messages request: with `output_config` while structured output is on, else with the contract in
   * the system prompt. An endpoint that refuses `output_config` (HTTP 400 naming it) turns structured
   * output off and the request is sent again without it.
   */
  private async send(params: { model: string; max_tokens: number; system: TextBlockParam[]; messages: Anthropic.MessageParam[] }, signal: AbortSignal): Promise<Anthropic.Message> {
    if (this.structured) {
      try {
        return await (await this.messages()).create({ ...params, output_config: { format: AGENT_OUTPUT_FORMAT } }, { signal });
      } catch (err) {
        if (!(err instanceof APIError && err.status === 400 && /output_config|output_format|structured output|json_schema|allowedPartnerModelFeatures/i.test(err.message))) throw err;
        if (this.structured) {
          this.structured = false;
          this.opts.log.warn({ provider: this.provider.kind, model: params.model }, `${providerLabel(this.provider.kind)} refused structured output; asking for the JSON in the prompt from now on`);
        }
      }
    }
    return (await this.messages()).create({ ...params, system: withJsonInstructions(params.system) }, { signal });
  }

  /**
   * Reviews the selected files: plans requests within the token budgets, sends the first alone (it
   * writes the prompt cache) and the rest a few at a time, validates each answer (one repair attempt),
   * confines the findings to each request's files and the confidence floor, and sums the usage. Never
   * throws for an API or model failure: what was reviewed is returned, with notes saying what was not.
   */
  async review(input: ReviewerInput): Promise<ReviewerOutput> {
    const { log } = this.opts;
    const model = this.opts.model ?? input.config.agent.model ?? this.profile.model;
    const wireModel = providerModelId(this.provider.kind, model);
    const deadlineMs = this.opts.deadlineMs ?? DEFAULT_AGENT_DEADLINE_MS;
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = input.signal ? AbortSignal.any([input.signal, deadline]) : deadline;

    const plan = planReview(input, {
      profile: this.profile,
      schemaTokens: OUTPUT_SCHEMA_TOKENS,
      ...(this.opts.maxInputTokensPerRequest !== undefined ? { maxInputTokensPerRequest: this.opts.maxInputTokensPerRequest } : {}),
    });
    const notes: string[] = [];
    const budgetLeft = plan.notCovered.filter((n) => n.reason === 'budget').map((n) => n.path);
    const tooLarge = plan.notCovered.filter((n) => n.reason === 'too-large').map((n) => n.path);
    if (budgetLeft.length > 0) {
      notes.push(`The agent reviewer did not cover ${count(budgetLeft.length, 'file')} within the review's token budget (\`agent.max_tokens_per_review\`: ${plan.reviewBudget.toLocaleString('en-US')}): ${list(budgetLeft)}. The most integration-heavy files went first.`);
    }
    if (tooLarge.length > 0) notes.push(`Too large for the agent reviewer even without surrounding code: ${list(tooLarge)}.`);
    log.info({ provider: this.provider.kind, model: wireModel, structuredOutput: this.structured, requests: plan.requests.length, files: input.files.length, notCovered: plan.notCovered.length, estimatedInput: plan.requests.reduce((n, r) => n + r.estimatedInputTokens, 0) }, 'agent review planned');

    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 };
    let cost: number | undefined = 0;
    let spent = 0;
    let reserved = 0;
    let stop: { note: string } | undefined;
    const record = (u: RequestUsage) => {
      usage.inputTokens += u.inputTokens;
      usage.outputTokens += u.outputTokens;
      usage.cacheReadTokens += u.cacheReadTokens;
      usage.cacheWriteTokens += u.cacheWriteTokens;
      usage.requests += 1;
      spent += u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
      const c = requestCostUsd(model, u);
      cost = cost === undefined || c === undefined ? undefined : cost + c;
    };

    /** One API call within the review's remaining budget; `undefined` when the budget cannot fit it. */
    const call = async (request: PlannedRequest, messages: Anthropic.MessageParam[], estimatedInput: number): Promise<Anthropic.Message | undefined> => {
      const room = plan.reviewBudget - spent - reserved - estimatedInput;
      const maxTokens = Math.min(this.opts.maxOutputTokens ?? 16_000, room);
      if (maxTokens < MIN_OUTPUT_TOKENS) return undefined;
      reserved += estimatedInput + maxTokens;
      const started = Date.now();
      try {
        const msg = await this.send({ model: wireModel, max_tokens: maxTokens, system: request.system, messages }, signal);
        const u = usageOf(msg);
        record(u);
        log.info({ request: request.index, files: request.paths.length, ms: Date.now() - started, stopReason: msg.stop_reason, ...u }, 'agent request done');
        return msg;
      } finally {
        reserved -= estimatedInput + maxTokens;
      }
    };

    const runRequest = async (request: PlannedRequest): Promise<RequestOutcome> => {
      if (stop || signal.aborted) return { request, status: 'skipped' };
      const first: Anthropic.MessageParam[] = [{ role: 'user', content: request.user }];
      try {
        const msg = await call(request, first, request.estimatedInputTokens);
        if (!msg) return { request, status: 'skipped' };
        if (msg.stop_reason === 'refusal') {
          log.warn({ request: request.index }, 'agent declined the request');
          return { request, status: 'refused' };
        }
        const text = textOf(msg);
        let parsed = parseAgentOutput(text);
        if (!parsed.ok) {
          log.warn({ request: request.index, issues: parsed.issues, stopReason: msg.stop_reason }, 'agent output invalid; asking once for a repair');
          const repair: Anthropic.MessageParam[] = [...first, { role: 'assistant', content: text || '(empty)' }, { role: 'user', content: repairPrompt(parsed.issues) }];
          const again = await call(request, repair, request.estimatedInputTokens + estimateTokens(text) + 300);
          if (!again) return { request, status: 'invalid' };
          parsed = parseAgentOutput(textOf(again));
          if (!parsed.ok) {
            log.warn({ request: request.index, issues: parsed.issues }, 'agent output still invalid after the repair; request dropped');
            return { request, status: 'invalid' };
          }
        }
        return { request, status: 'done', output: parsed.output };
      } catch (err) {
        const failure = translateAnthropicError(err, this.provider.kind);
        log.warn({ request: request.index, kind: failure.kind, status: failure.error.status, err: failure.error.message }, 'agent request failed');
        if (failure.fatal && !stop) stop = { note: signal.aborted && deadline.aborted ? `The agent reviewer reached its ${(deadlineMs / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} s deadline before it finished.` : failure.note };
        else if (!failure.fatal) notes.push(failure.note);
        return { request, status: 'failed' };
      }
    };

    // The first request alone: it writes the cache the others then read.
    const outcomes: RequestOutcome[] = [];
    const queue = [...plan.requests];
    const head = queue.shift();
    if (head) outcomes.push(await runRequest(head));
    const workers = Array.from({ length: Math.min(this.opts.concurrency ?? 3, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) outcomes.push(await runRequest(next));
    });
    await Promise.all(workers);
    outcomes.sort((a, b) => a.request.index - b.request.index);

    const findings: Finding[] = [];
    const questions: string[] = [];
    const assessments: string[] = [];
    const opinion: SecondOpinion = { judged: 0, rejected: [], confirmed: [] };
    let foreign = 0;
    for (const o of outcomes) {
      if (!o.output) continue;
      const verdicts = resolveRuleVerdicts(o.output.rule_verdicts, o.request.hints);
      opinion.judged += o.request.hints.length;
      opinion.rejected.push(...verdicts.rejected);
      opinion.confirmed.push(...verdicts.confirmed);
      if (verdicts.ignored.length > 0) log.warn({ request: o.request.index, ignored: verdicts.ignored.slice(0, 20) }, 'agent verdicts on rule findings ignored (unknown id, repeated id, or a reject without a reason)');
      const confined = toAgentFindings(o.output.findings, o.request.files, input.config.agent.min_confidence);
      findings.push(...confined.findings);
      foreign += confined.foreign.length;
      if (confined.foreign.length > 0) log.warn({ request: o.request.index, paths: [...new Set(confined.foreign.map((f) => f.path))] }, 'agent findings on files outside the request dropped');
      if (confined.unsure.length > 0) log.debug({ request: o.request.index, count: confined.unsure.length, minConfidence: input.config.agent.min_confidence }, 'low-confidence agent findings dropped');
      for (const q of o.output.questions) {
        const clean = stripInvisible(q).trim();
        if (clean !== '' && !questions.includes(clean)) questions.push(clean);
      }
      const a = stripInvisible(o.output.assessment).trim();
      if (a !== '') assessments.push(a);
    }
    if (foreign > 0) notes.push(`${count(foreign, 'agent finding')} about files outside the reviewed set ${foreign === 1 ? 'was' : 'were'} discarded.`);

    const missed = (status: RequestOutcome['status']) => outcomes.filter((o) => o.status === status).flatMap((o) => o.request.paths);
    if (missed('invalid').length > 0) notes.push(`The agent's answer for ${list(missed('invalid'))} did not match the output contract, even after one repair attempt, so it was dropped; those files have rule findings only.`);
    if (missed('refused').length > 0) notes.push(`The model declined to review ${list(missed('refused'))}; those files have rule findings only.`);
    const unreviewed = [...missed('failed'), ...missed('skipped')];
    if (stop) {
      const done = outcomes.some((o) => o.status === 'done');
      notes.push(
        unreviewed.length > 0 && done
          ? `${stop.note} The agent did not review ${list(unreviewed)}: those files have rule findings only.`
          : /rules only/.test(stop.note)
            ? stop.note
            : `${stop.note} This review has the rule findings only.`,
      );
    } else if (missed('skipped').length > 0) {
      notes.push(`The agent reviewer ran out of its token budget (\`agent.max_tokens_per_review\`) before ${list(missed('skipped'))}.`);
    } else if (missed('failed').length > 0) {
      notes.push(`The agent did not review: ${list(missed('failed'))}.`);
    }

    const out: ReviewerOutput = { findings, questions: questions.slice(0, MAX_QUESTIONS), notes };
    if (opinion.judged > 0) out.secondOpinion = opinion;
    if (assessments.length > 0) out.assessment = assessments.join('\n\n');
    if (usage.requests > 0) out.usage = cost === undefined ? usage : { ...usage, costUsd: cost };
    log.info({ findings: findings.length, rejectedRuleFindings: opinion.rejected.length, confirmedRuleFindings: opinion.confirmed.length, requests: usage.requests, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cacheReadTokens: usage.cacheReadTokens, costUsd: out.usage?.costUsd }, 'agent review done');
    return out;
  }
}

/** The system blocks with the output contract in words, before the cached last block (so it is cached too). */
function withJsonInstructions(system: TextBlockParam[]): TextBlockParam[] {
  return [...system.slice(0, -1), { type: 'text', text: JSON_OUTPUT_INSTRUCTIONS }, ...system.slice(-1)];
}

function usageOf(msg: Anthropic.Message): RequestUsage {
  const u = msg.usage;
  return {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
  };
}

/** The answer's text blocks (thinking blocks, if any, are not part of the answer). */
function textOf(msg: Anthropic.Message): string {
  return msg.content
    .filter((b): b is Anthropic.TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('');
}

function repairPrompt(issues: readonly string[]): string {
  return [
    'Your answer did not match the output contract:',
    ...issues.map((i) => `- ${i}`),
    'Answer again with the complete corrected JSON object (findings, rule_verdicts, questions, assessment) and nothing else. Keep the findings you meant; fix only what is listed.',
  ].join('\n');
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `a`, `b` and 3 more: paths in inline code, at most 10 named. */
function list(paths: readonly string[]): string {
  const shown = paths.slice(0, 10).map((p) => `\`${p.replace(/`/g, "'")}\``);
  return paths.length > 10 ? `${shown.join(', ')} and ${paths.length - 10} more` : shown.join(', ');
}
