import type { ReviewTarget } from '../review/ports.js';
import type { NumberedHint } from './hint-ids.js';
import type { MatchedInstruction } from './match-path-instructions.js';
import { maskSecrets } from '../review/mask-secrets.js';
import { ALL_RULES } from '../rules/registry.js';
import { neutralizeTags } from './neutralize-tags.js';
import { untrustedBlock } from './untrusted-block.js';

export interface UserMessageInput {
  target: ReviewTarget;
  /** 1-based position of this request in the review, and how many there are. */
  request: { index: number; count: number };
  /** Paths of this request's files, and how many files the whole review selected. */
  paths: readonly string[];
  totalFiles: number;
  /** Output of `renderFileForPrompt` for each file of the request. */
  renderedFiles: readonly string[];
  /** Rule findings on this request's files, with their review-wide ids; only {@link shownHints} of them are shown. */
  hints: readonly NumberedHint[];
  instructions: readonly MatchedInstruction[];
  /** Output of `renderIntegrationContext`: the same for every request of a review; `''` or absent when none. */
  integration?: string;
}

const MAX_HINTS = 60;
const MAX_COMMITS = 30;

/**
 * The per-PR part of the prompt (the user message): what this request covers, the author's text in
 * `untrusted_*` blocks, the repository's path instructions, the rule findings as hints, and the changed
 * files. Everything here changes per pull request, so it comes after the cached system prompt.
 *
 * @example buildUserMessage({ target, request: { index: 1, count: 1 }, paths, totalFiles: 1, renderedFiles, hints: [], instructions: [] })
 */
export function buildUserMessage(input: UserMessageInput): string {
  const { target, request } = input;
  const where = [`Repository: ${clean(target.repository)}`, target.number !== undefined ? `pull request #${target.number}` : 'a local change'].join(', ');
  const scope =
    request.count > 1 || input.paths.length < input.totalFiles
      ? `This is request ${request.index} of ${request.count}. It covers ${input.paths.length} of the ${input.totalFiles} backend/integration files selected for review: ${input.paths.map(clean).join(', ')}. Other requests cover the rest; review only these.`
      : `This request covers all ${input.paths.length} backend/integration file(s) selected for review.`;

  const parts = [`<review_request>\n${where}.\n${scope}\n</review_request>`];
  if (target.title) parts.push(untrustedBlock('untrusted_pr_title', target.title, 300));
  if (target.body?.trim()) parts.push(untrustedBlock('untrusted_pr_description', target.body, 4000));
  if (target.commitMessages && target.commitMessages.length > 0) {
    const msgs = target.commitMessages.slice(0, MAX_COMMITS).map((m) => `- ${m.trim().slice(0, 300).replace(/\n/g, '\n  ')}`);
    if (target.commitMessages.length > MAX_COMMITS) msgs.push(`- … ${target.commitMessages.length - MAX_COMMITS} more commits`);
    parts.push(untrustedBlock('untrusted_commit_messages', msgs.join('\n'), 6000));
  }
  if (input.instructions.length > 0) {
    const text = input.instructions.map((i) => `For files matching \`${i.glob}\` (${i.paths.join(', ')}):\n${i.instructions.trim()}`).join('\n\n');
    parts.push(`<repository_instructions>\n${clean(text)}\n</repository_instructions>`);
  }
  if (input.integration) parts.push(input.integration);
  parts.push(`<rule_findings>\n${hintLines(input.hints)}\n</rule_findings>`);
  parts.push(`<changed_files>\n${input.renderedFiles.join('\n\n')}\n</changed_files>`);
  parts.push(
    'Review the changed files above as described in your instructions. Report only problems on "+" or " " lines, ' +
      'not already in <rule_findings>; return no findings if there are none. ' +
      (input.integration
        ? 'Judge coupling and abstraction against <integration_map>, which the tool computed from the repository: a call ' +
          'that goes around an adapter listed there, a vendor SDK or type outside its adapter, a new edge with no timeout or retry, ' +
          'a new consumer (module <- broker [messaging]) whose handler does not deduplicate or swallows failures. '
        : '') +
      'Answer with the structured output only.',
  );
  return parts.join('\n\n');
}

function clean(text: string): string {
  return neutralizeTags(maskSecrets(text));
}

/** The hints a request shows (the first {@link MAX_HINTS}): only these can get a verdict from the agent. */
export function shownHints(hints: readonly NumberedHint[]): NumberedHint[] {
  return hints.slice(0, MAX_HINTS);
}

/** Each rule's own title: a finding with that title says no more than its rule id. */
const RULE_TITLES: ReadonlyMap<string, string> = new Map(ALL_RULES.map((r) => [r.id, r.title]));

/**
 * One line per file: `path: R3 12 rule-id; R4 30-32 other-rule: title`. The id is what the agent's verdict
 * names, the rule id says what the rule saw, and the lines point into the file shown below. A title is
 * shown when it says more than the rule id (a match-specific title: the SDK, the secret kind, the callee),
 * once per request: the rule's own title would only repeat the rule id, at several tokens a hint.
 */
function hintLines(hints: readonly NumberedHint[]): string {
  if (hints.length === 0) return '(none)';
  const byPath = new Map<string, NumberedHint[]>();
  for (const h of shownHints(hints)) byPath.set(h.finding.path, [...(byPath.get(h.finding.path) ?? []), h]);
  const titled = new Set<string>();
  const lines = [...byPath].map(([path, list]) => {
    const items = [...list]
      .sort((a, b) => a.finding.line - b.finding.line)
      .map(({ id, finding: f }) => {
        const lines = f.endLine && f.endLine !== f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
        const what = clean(f.ruleId ?? f.category);
        const key = `${what}\u0000${f.title}`;
        const says = f.ruleId === undefined || RULE_TITLES.get(f.ruleId) !== f.title;
        const title = says && !titled.has(key) ? `: ${clean(f.title).replace(/;/g, ',')}` : '';
        titled.add(key);
        return `${id} ${lines} ${what}${title}`;
      });
    return `${clean(path)}: ${items.join('; ')}`;
  });
  if (hints.length > MAX_HINTS) lines.push(`… ${hints.length - MAX_HINTS} more of the same kinds (no verdict needed)`);
  return lines.join('\n');
}
