import type { Category } from './finding.js';
import type { TokenUsage } from './ports.js';

/** How arch-review judges a finding after a reply: it holds, the replier is right, or it cannot tell. */
export type ReplyVerdict = 'stands' | 'not-a-problem' | 'unsure';

/** The finding a thread is about, as arch-review's own comment names it. */
export interface ThreadFinding {
  /** Absent when arch-review's comment has no finding marker (comments posted before markers existed). */
  fingerprint?: string;
  category: Category;
  ruleId?: string;
  path: string;
  /** The line the comment is on (at `commitSha`), when GitHub still places it. */
  line?: number;
  /** arch-review's comment as posted (title, body, suggestion): our text, but it quotes PR code. */
  commentBody: string;
}

/** The code around the finding's line, read at the commit the comment is on. */
export interface CodeExcerpt {
  path: string;
  /** Line number of the first line of `text`. */
  startLine: number;
  text: string;
  /** The line the finding is on, within the excerpt. */
  focusLine?: number;
}

/** One question for the answerer: a reply in a finding's thread, or `/arch-review ask` on the pull request. */
export interface ThreadQuestion {
  repository: string;
  number: number;
  /** The question as written by the commenter (untrusted). */
  question: string;
  commenter: string;
  /** Present for a reply in a finding's thread. */
  finding?: ThreadFinding;
  /** The file around the finding (thread), when it could be read. */
  excerpt?: CodeExcerpt;
  /** The rule's documentation (what, why, fix, exemptions), or the category's guidance for an agent finding. */
  documentation?: string;
  /** For `ask`: the pull request's title and description (untrusted), and arch-review's latest summary. */
  pullRequest?: { title?: string; body?: string; summary?: string; diff?: string };
  /** The repository's `agent.model`, when it sets one (an operator's `ARCH_REVIEW_MODEL` still wins). */
  model?: string;
  signal?: AbortSignal;
}

/** The answerer's reply: markdown to post (untrusted model text until sanitised) and its verdict. */
export interface ThreadAnswer {
  answer: string;
  verdict: ReplyVerdict;
  usage?: TokenUsage;
}

/**
 * Answers a question in a review thread (the agent). Never throws for an API or model failure: it
 * returns `{ failed }` (a sentence for the logs and the reply), and the caller answers with the
 * documentation instead.
 */
export interface ThreadAnswerer {
  readonly name: string;
  answer(input: ThreadQuestion): Promise<ThreadAnswer | { failed: string; usage?: TokenUsage }>;
}

/** Where a finding judged wrong in a thread is recorded: the learning store's sink (`src/feedback/feedback-sink.ts`). */
export type { FeedbackSink } from '../feedback/feedback-sink.js';
