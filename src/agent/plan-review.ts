import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import type { ReviewerInput, ReviewFile } from '../review/ports.js';
import { buildSystemBlocks } from './build-system-blocks.js';
import { buildUserMessage, shownHints } from './build-user-message.js';
import { estimateTokens } from './estimate-tokens.js';
import { renderIntegrationContext } from './integration-context.js';
import { numberHints, type NumberedHint } from './hint-ids.js';
import type { AgentProfile } from './load-agent-profile.js';
import { matchPathInstructions } from './match-path-instructions.js';
import { renderFileForPrompt } from './render-file-for-prompt.js';

export interface PlanOptions {
  profile: AgentProfile;
  /** Estimated input tokens one request may carry, system prompt included (default 48,000). */
  maxInputTokensPerRequest?: number;
  /**
   * Output tokens the plan sets aside per request against `agent.max_tokens_per_review` (default 4,000:
   * a typical answer). The adapter still enforces the cap on real usage, lowering `max_tokens` for the
   * last requests if needed, so this only decides how many requests are planned.
   */
  expectedOutputTokens?: number;
  /** Head lines around each hunk (default 20). */
  contextLines?: number;
  /** Estimated tokens of the output schema the API adds to the prompt. */
  schemaTokens?: number;
}

/** One request to send: its files, its system blocks (cached) and its user message (per PR). */
export interface PlannedRequest {
  /** 1-based. */
  index: number;
  files: ReviewFile[];
  paths: string[];
  /** Files shown without surrounding context or outline, to fit the per-request budget. */
  compactPaths: string[];
  system: TextBlockParam[];
  user: string;
  /** The rule findings this request shows, by id: the only ones its verdicts may name. */
  hints: NumberedHint[];
  /** Estimated input tokens of the whole request (system + schema + user). */
  estimatedInputTokens: number;
  /** Of those, the part that is identical across requests and cached (system + schema). */
  estimatedCachedTokens: number;
}

/** Why a selected file is not in any request. */
export interface NotCovered {
  path: string;
  reason: 'budget' | 'too-large';
}

export interface ReviewPlan {
  requests: PlannedRequest[];
  notCovered: NotCovered[];
  /** The review-wide token budget the plan kept to (`agent.max_tokens_per_review`). */
  reviewBudget: number;
}

const DEFAULT_REQUEST_BUDGET = 48_000;
const DEFAULT_EXPECTED_OUTPUT = 4_000;
// Room for the <review_request> lines naming the request's files, computed exactly at the end.
const SCOPE_SLACK = 200;

interface Item {
  file: ReviewFile;
  text: string;
  tokens: number;
  compact: boolean;
}

/**
 * Plans the agent's requests for one review, without any I/O: renders each selected file, orders the
 * files by how integration-heavy they are (integration signals, then changed lines), and packs them into
 * requests that fit the per-request budget, as long as the whole review (estimated input plus expected
 * output of every request) fits `config.agent.max_tokens_per_review`. A file too big for a request is
 * shown without surrounding context; still too big, or over the review budget, it is listed in
 * `notCovered` so the review can say which files the agent did not see.
 *
 * @example const plan = planReview(input, { profile }); plan.requests.length; plan.notCovered;
 */
export function planReview(input: ReviewerInput, opts: PlanOptions): ReviewPlan {
  const perRequest = opts.maxInputTokensPerRequest ?? DEFAULT_REQUEST_BUDGET;
  const expectedOutput = opts.expectedOutputTokens ?? DEFAULT_EXPECTED_OUTPUT;
  const reviewBudget = input.config.agent.max_tokens_per_review;
  const system = buildSystemBlocks(opts.profile);
  const cached = estimateTokens(system.map((b) => b.text).join('\n\n')) + (opts.schemaTokens ?? 0);

  // The repository's adapters and the change's integration edges: the same block in every request.
  const integration = renderIntegrationContext(input.integration);
  // The user message without files or hints: the per-request overhead every batch pays.
  const overhead =
    estimateTokens(
      buildUserMessage({ target: input.target, request: { index: 1, count: 1 }, paths: [], totalFiles: input.files.length, renderedFiles: [], hints: [], instructions: [], integration }),
    ) + SCOPE_SLACK;
  const fileRoom = perRequest - cached - overhead;

  const notCovered: NotCovered[] = [];
  const items: Item[] = [];
  for (const file of prioritise(input.files)) {
    const extra = hintTokens(input, file) + instructionTokens(input, file);
    const full = renderFileForPrompt(file, { ...(opts.contextLines !== undefined ? { contextLines: opts.contextLines } : {}) });
    let item: Item = { file, text: full, tokens: estimateTokens(full) + extra, compact: false };
    if (item.tokens > fileRoom) {
      const compact = renderFileForPrompt(file, { contextLines: 0, outline: false });
      item = { file, text: compact, tokens: estimateTokens(compact) + extra, compact: true };
    }
    if (item.tokens > fileRoom) notCovered.push({ path: file.diff.path, reason: 'too-large' });
    else items.push(item);
  }

  // First fit, in priority order: the most integration-heavy files land in the earliest requests.
  const batches: Array<{ items: Item[]; tokens: number }> = [];
  let reviewTokens = 0;
  for (const item of items) {
    const open = batches.find((b) => b.tokens + item.tokens <= fileRoom);
    if (open && reviewTokens + item.tokens <= reviewBudget) {
      open.items.push(item);
      open.tokens += item.tokens;
      reviewTokens += item.tokens;
      continue;
    }
    const cost = cached + overhead + expectedOutput + item.tokens;
    if (reviewTokens + cost > reviewBudget) {
      notCovered.push({ path: item.file.diff.path, reason: 'budget' });
      continue;
    }
    batches.push({ items: [item], tokens: item.tokens });
    reviewTokens += cost;
  }

  const numbered = numberHints(input.hints);
  const requests = batches.map((b, i): PlannedRequest => {
    const files = b.items.map((it) => it.file);
    const paths = files.map((f) => f.diff.path);
    const hints = numbered.filter((h) => paths.includes(h.finding.path));
    const user = buildUserMessage({
      target: input.target,
      request: { index: i + 1, count: batches.length },
      paths,
      totalFiles: input.files.length,
      renderedFiles: b.items.map((it) => it.text),
      hints,
      instructions: matchPathInstructions(paths, input.config.path_instructions),
      integration,
    });
    return {
      index: i + 1,
      files,
      paths,
      compactPaths: b.items.filter((it) => it.compact).map((it) => it.file.diff.path),
      system,
      user,
      hints: shownHints(hints),
      estimatedInputTokens: cached + estimateTokens(user),
      estimatedCachedTokens: cached,
    };
  });
  return { requests, notCovered, reviewBudget };
}

/** Most integration signals first, then most changed lines, then path (a stable order for equal files). */
export function prioritise(files: readonly ReviewFile[]): ReviewFile[] {
  const changed = (f: ReviewFile) => f.diff.additions + f.diff.deletions;
  return [...files].sort(
    (a, b) =>
      b.classification.signals.length - a.classification.signals.length ||
      changed(b) - changed(a) ||
      (a.diff.path < b.diff.path ? -1 : a.diff.path > b.diff.path ? 1 : 0),
  );
}

/** The file's hint lines: its path once, then per finding the id, lines, rule id and title. */
function hintTokens(input: ReviewerInput, file: ReviewFile): number {
  const mine = input.hints.filter((h) => h.path === file.diff.path);
  return mine.length === 0 ? 0 : estimateTokens(file.diff.path) + mine.reduce((n, h) => n + estimateTokens(`${h.ruleId ?? h.category} ${h.title}`) + 10, 0);
}

function instructionTokens(input: ReviewerInput, file: ReviewFile): number {
  return matchPathInstructions([file.diff.path], input.config.path_instructions).reduce((n, m) => n + estimateTokens(m.instructions) + 20, 0);
}
