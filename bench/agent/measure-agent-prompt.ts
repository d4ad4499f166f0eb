import { readFileSync } from 'node:fs';
import { defaultProfilePath } from '../../src/agent/default-profile-path.js';
import { estimateTokens } from '../../src/agent/estimate-tokens.js';
import { renderIntegrationContext } from '../../src/agent/integration-context.js';
import { parseAgentProfile, type AgentProfile } from '../../src/agent/load-agent-profile.js';
import { OUTPUT_SCHEMA_TOKENS } from '../../src/agent/output-format.js';
import { planReview } from '../../src/agent/plan-review.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { parseDiff } from '../../src/diff/parse.js';
import type { PullRequestSource, ReviewerInput, ReviewTarget } from '../../src/review/ports.js';
import { silentLogger } from '../../src/review/ports.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';

/** One planned request, as measured. */
export interface RequestMeasure {
  index: number;
  files: number;
  /** Estimated input tokens (system + schema + user message). */
  inputTokens: number;
  /** The part identical across requests and PRs, marked for caching. */
  cachedTokens: number;
  /** cachedTokens / inputTokens. */
  cacheableShare: number;
}

export interface PromptMeasure {
  name: string;
  filesInDiff: number;
  filesSelected: number;
  /**
   * The naive prompt: the instructions plus the whole diff (every file, skipped ones included) plus the
   * full head version of every file. `prDataTokens` leaves the instructions out.
   */
  naive: { tokens: number; prDataTokens: number };
  /** What arch-review sends, summed over its requests; `prDataTokens` counts the user messages only. */
  ours: { tokens: number; prDataTokens: number; requests: RequestMeasure[]; notCovered: number };
  /**
   * Tokens of the `<integration_map>` block (the repository's adapters and the change's integration edges),
   * summed over the requests: deterministic context the tool computed, not PR text, so it is counted apart.
   */
  integrationTokens: number;
  /** (ours.prDataTokens − integrationTokens) / naive.prDataTokens: the target is at most 0.5. */
  prDataRatio: number;
  /** ours.prDataTokens / naive.prDataTokens: the same, with the integration map. */
  prDataRatioWithMap: number;
  /** ours.tokens / naive.tokens, instructions included on both sides (and sent once per request by us). */
  totalRatio: number;
}

/** The bundled persona. */
export function bundledProfile(): AgentProfile {
  return parseAgentProfile(readFileSync(defaultProfilePath(), 'utf8'), defaultProfilePath());
}

/**
 * Measures, offline, the prompt the agent reviewer would send for a change against a naive whole-diff
 * prompt. Runs the real review core (diff parsing, classification, rules) with a reviewer that only
 * captures its input, then plans the requests with the adapter's own planner; nothing is sent.
 */
export async function measureAgentPrompt(opts: { name: string; source: PullRequestSource; target: ReviewTarget; config?: Config; profile?: AgentProfile }): Promise<PromptMeasure> {
  const config = opts.config ?? defaultConfig();
  const profile = opts.profile ?? bundledProfile();
  let input: ReviewerInput | undefined;
  await reviewPullRequest({
    source: opts.source,
    config,
    target: opts.target,
    log: silentLogger,
    reviewer: {
      name: 'measure',
      review(i) {
        input = i;
        return Promise.resolve({ findings: [], questions: [], notes: [] });
      },
    },
  });
  if (!input) throw new Error(`${opts.name}: no file was selected for the agent`);
  const plan = planReview(input, { profile, schemaTokens: OUTPUT_SCHEMA_TOKENS });
  const instructions = plan.requests[0]?.estimatedCachedTokens ?? 0;

  const raw = await opts.source.loadDiff();
  const diffText = raw.kind === 'unified' ? raw.text : raw.files.map((f) => f.patch ?? '').join('\n');
  const paths = parseDiff(raw).files.map((f) => f.path);
  let heads = 0;
  for (const p of paths) {
    const content = await opts.source.readFile(p, Number.MAX_SAFE_INTEGER);
    if (content?.text !== undefined) heads += estimateTokens(content.text);
  }
  const naivePr = estimateTokens(diffText) + heads;

  const requests = plan.requests.map((r) => ({
    index: r.index,
    files: r.files.length,
    inputTokens: r.estimatedInputTokens,
    cachedTokens: r.estimatedCachedTokens,
    cacheableShare: r.estimatedCachedTokens / r.estimatedInputTokens,
  }));
  const oursTotal = requests.reduce((n, r) => n + r.inputTokens, 0);
  const oursPr = requests.reduce((n, r) => n + r.inputTokens - r.cachedTokens, 0);
  const integrationTokens = estimateTokens(renderIntegrationContext(input.integration)) * requests.length;
  return {
    name: opts.name,
    filesInDiff: paths.length,
    filesSelected: input.files.length,
    naive: { tokens: naivePr + instructions, prDataTokens: naivePr },
    ours: { tokens: oursTotal, prDataTokens: oursPr, requests, notCovered: plan.notCovered.length },
    integrationTokens,
    prDataRatio: (oursPr - integrationTokens) / naivePr,
    prDataRatioWithMap: oursPr / naivePr,
    totalRatio: oursTotal / (naivePr + instructions),
  };
}
