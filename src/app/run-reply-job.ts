import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { replyOnce } from '../github/command-reply.js';
import { fetchRepoConfig } from '../github/fetch-repo-config.js';
import { botLoginOf } from '../github/prior-state.js';
import { parseMarker } from '../review/marker.js';
import { hasStatus, translateGitHubError } from '../github/translate-error.js';
import { replyInThreadOnce } from '../github/thread-reply.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import type { ReplyJob } from '../queue/review-job.js';
import { excerptAround } from '../review/code-excerpt.js';
import { docsAnswer, docsAnswerForAsk } from '../review/docs-answer.js';
import { CATEGORIES, type Category } from '../review/finding.js';
import { parseFindingMarker } from '../review/finding-marker.js';
import { CATEGORY_LABEL } from '../review/labels.js';
import type { Logger, TokenUsage } from '../review/ports.js';
import { renderReply } from '../review/render-reply.js';
import type { FeedbackSink, ReplyVerdict, ThreadAnswerer, ThreadFinding, ThreadQuestion } from '../review/reply-ports.js';
import { ruleById, rulesNamedIn } from '../rules/rule-by-id.js';
import type { Rule } from '../rules/types.js';
import { commenterHasWriteAccess } from './has-write-access.js';

export interface RunReplyJobDeps {
  /** An installation-authenticated Octokit for the job's repository. */
  octokit: GitHubClient;
  job: ReplyJob;
  log: Logger;
  /** This app's bot login: its comments start the threads it answers in, and its earlier answers are found by it. */
  botLogin: string;
  /** The model; without it the answer is the rule's documentation. */
  answerer?: ThreadAnswerer | undefined;
  /** Where a finding the model agreed is wrong goes (`not-a-problem`). */
  feedback?: FeedbackSink | undefined;
  /** The reviewer persona's checklist for a category (documentation answers about agent findings). */
  categoryGuidance?: ((category: Category) => string | undefined) | undefined;
  /** First pause of the reply's own retries (tests pass 0). */
  retryDelayMs?: number;
  /**
   * Reads the repository's configuration, only before asking the model: a repository with
   * `agent.enabled: false` keeps its code away from the model in replies too, and `agent.model` applies.
   * Default `fetchRepoConfig`.
   */
  loadConfig?: (octokit: GitHubClient, ref: PullRequestRef) => Promise<{ config: Config }>;
}

/** What a reply job came to. `mode` is how the answer was (or would have been) made. */
export type ReplyJobResult =
  | { status: 'not-ours' | 'denied'; mode: 'agent' | 'docs' }
  | { status: 'answered' | 'already-answered'; mode: 'agent' | 'docs'; verdict?: ReplyVerdict; usage?: TokenUsage; url?: string };

/** Largest file read for the excerpt around a finding. */
const MAX_FILE_BYTES = 1_000_000;
/** Largest diff shown to the model for `/arch-review ask`. */
const MAX_DIFF_CHARS = 60_000;

/**
 * Answers a reply in a review thread, or `/arch-review ask`, in the worker (the webhook handler only
 * queued it, without any API call):
 *
 * 1. A thread reply is answered only when the thread's first comment (`in_reply_to_id`) is this app's
 *    and carries a finding marker (or at least is this app's review comment): one GET. Anything else is
 *    someone else's conversation and is left alone, silently.
 * 2. The commenter needs write, maintain or admin access (as for commands); otherwise nothing happens.
 * 3. This app's earlier answer to the same comment (its hidden reply marker) counts as done, so a retry or
 *    a redelivery answers once; the answer is made only when there is none.
 * 4. With a model: the finding, the rule's documentation (or the category's checklist) and the file
 *    around the line (read at the comment's commit) go to the answerer; for `ask`, the PR's text, diff
 *    and arch-review's latest summary. Its answer is sanitised and ends with its verdict; a
 *    `not-a-problem` verdict on a finding is recorded with the feedback sink. Without a model, or when it
 *    fails, the answer is the rule's documentation (what, why, fix, exemptions, suppression, 👎).
 *
 * @example
 * await runReplyJob({ octokit, job, log, botLogin, answerer });
 */
export async function runReplyJob(deps: RunReplyJobDeps): Promise<ReplyJobResult> {
  const { octokit, job, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, number: job.number };
  const mode: 'agent' | 'docs' = deps.answerer ? 'agent' : 'docs';
  const write = { botLogin: deps.botLogin, log, ...(deps.retryDelayMs !== undefined ? { delayMs: deps.retryDelayMs } : {}) };

  let root: RootComment | undefined;
  if (job.kind === 'thread') {
    if (job.threadRootId === undefined) return { status: 'not-ours', mode };
    root = await readRoot(octokit, ref, job.threadRootId);
    if (!root || root.login !== botLoginOf(deps.botLogin)) {
      log.info({ threadRootId: job.threadRootId }, 'reply in a thread arch-review did not start; ignored');
      return { status: 'not-ours', mode };
    }
  }

  const access = await commenterHasWriteAccess(octokit, job, job.commenter);
  if (!access) {
    log.info('reply ignored: the commenter lacks write access');
    return { status: 'denied', mode };
  }

  const finding = root ? threadFinding(root) : undefined;
  const rule = finding?.ruleId ? ruleById(finding.ruleId) : undefined;
  let outcome: { mode: 'agent' | 'docs'; verdict?: ReplyVerdict; usage?: TokenUsage } = { mode };
  const recordable = deps.feedback !== undefined && finding?.fingerprint !== undefined;

  /** Made only when no earlier answer exists (inside the look-then-create write). */
  const makeAnswer = async (): Promise<string> => {
    const docs = () => (finding ? docsAnswer({ ...(rule ? { rule } : {}), ...(finding.ruleId ? { ruleId: finding.ruleId } : {}), category: finding.category, ...guidance(finding), path: finding.path }) : docsAnswerForAsk(rulesNamedIn(job.question)));
    const config = deps.answerer ? await repoConfig() : undefined;
    if (!deps.answerer || !config || !config.agent.enabled) {
      outcome = { mode: 'docs' };
      return renderReply({ answer: docs(), source: 'docs' });
    }
    const question: ThreadQuestion = {
      ...(config.agent.model ? { model: config.agent.model } : {}),
      repository: `${job.owner}/${job.repo}`,
      number: job.number,
      question: job.question,
      commenter: job.commenter,
      ...(finding && root ? await findingContext(finding, root, rule) : await pullRequestContext(octokit, ref, deps.botLogin, log, job.question)),
    };
    const answered = await deps.answerer.answer(question);
    if ('failed' in answered) {
      log.warn({ reason: answered.failed, ...(answered.usage ? { usage: answered.usage } : {}) }, 'the model could not answer; answering with the documentation');
      outcome = { mode: 'docs', ...(answered.usage ? { usage: answered.usage } : {}) };
      // The reason (an operator hint about keys or quotas) goes to the logs, not to the pull request.
      return renderReply({ answer: docs(), source: 'docs', note: 'The model could not answer this time, so here is the documentation.' });
    }
    // A verdict is about a finding; for `ask` there is none to judge.
    const verdict = finding ? answered.verdict : undefined;
    outcome = { mode: 'agent', ...(verdict ? { verdict } : {}), ...(answered.usage ? { usage: answered.usage } : {}) };
    return renderReply({ answer: answered.answer, source: 'agent', ...(verdict ? { verdict } : {}), recorded: recordable });
  };

  const posted =
    job.kind === 'thread' && root
      ? await replyInThreadOnce(octokit, ref, { rootId: root.id, triggerId: job.commentId, ...(job.createdAt ? { since: job.createdAt } : {}) }, makeAnswer, write)
      : await replyOnce(octokit, ref, job.commentId, makeAnswer, write);
  if (!posted.posted) return { status: 'already-answered', mode: outcome.mode, ...(posted.url ? { url: posted.url } : {}) };

  if (outcome.verdict === 'not-a-problem' && finding?.fingerprint !== undefined && deps.feedback) {
    await deps.feedback.recordDismissal({ repo: `${job.owner}/${job.repo}`, prNumber: job.number, fingerprint: finding.fingerprint, ...(finding.ruleId ? { ruleId: finding.ruleId } : {}), reason: 'reply', ...(root ? { commentId: root.id } : {}) });
    log.info({ fingerprint: finding.fingerprint, ruleId: finding.ruleId }, 'the model agreed the finding is not a problem here; dismissal recorded');
  }
  log.info({ mode: outcome.mode, verdict: outcome.verdict, usage: outcome.usage }, 'reply answered');
  return { status: 'answered', ...outcome, ...(posted.url ? { url: posted.url } : {}) };

  /** The repository's config, or `undefined` when it is broken (then nothing goes to the model: its settings are unknown). */
  async function repoConfig(): Promise<Config | undefined> {
    try {
      return (await (deps.loadConfig ?? fetchRepoConfig)(octokit, ref)).config;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      log.warn({ err: err.message }, 'the repository configuration is invalid; answering with the documentation');
      return undefined;
    }
  }

  function guidance(f: ThreadFinding): { categoryGuidance?: string } {
    if (f.ruleId) return {};
    const text = deps.categoryGuidance?.(f.category);
    return text ? { categoryGuidance: text } : {};
  }

  /** The finding, its documentation and the code around it, for the model. */
  async function findingContext(f: ThreadFinding, r: RootComment, known: Rule | undefined): Promise<Pick<ThreadQuestion, 'finding' | 'excerpt' | 'documentation'>> {
    const documentation = known ? ruleDocumentation(known) : f.ruleId ? undefined : deps.categoryGuidance?.(f.category);
    const text = await readFileAt(octokit, ref, f.path, r.commitSha, log);
    return {
      finding: f,
      ...(documentation ? { documentation } : {}),
      ...(text !== undefined ? { excerpt: excerptAround(f.path, text, f.line) } : {}),
    };
  }
}

/** The parts of a review comment a reply needs. */
interface RootComment {
  id: number;
  login: string | undefined;
  body: string;
  path: string;
  /** Where the comment sits now (`line` at `commit_id`), else where it was made (`original_line` at `original_commit_id`). */
  line: number | undefined;
  commitSha: string;
}

/** The thread's first comment, or `undefined` when it is gone (deleted: nothing to answer about). */
async function readRoot(octokit: GitHubClient, ref: PullRequestRef, id: number): Promise<RootComment | undefined> {
  try {
    const { data } = await octokit.rest.pulls.getReviewComment({ owner: ref.owner, repo: ref.repo, comment_id: id });
    // GitHub moves `line`/`commit_id` along with pushes while the line still exists; an outdated comment keeps only the original.
    const current = data.line !== null && data.line !== undefined;
    return {
      id: data.id,
      login: data.user?.login,
      body: data.body,
      path: data.path,
      line: current ? (data.line ?? undefined) : (data.original_line ?? undefined),
      commitSha: current ? data.commit_id : data.original_commit_id,
    };
  } catch (err) {
    if (hasStatus(err, 404)) return undefined;
    throw translateGitHubError(err);
  }
}

/**
 * The finding of arch-review's comment: from its hidden finding marker, else (a comment posted before
 * markers existed) from its visible badge line (`🟠 Medium · Resilience · rule \`id\``), without a fingerprint.
 */
function threadFinding(root: RootComment): ThreadFinding {
  const marker = parseFindingMarker(root.body);
  const base = { path: root.path, ...(root.line !== undefined ? { line: root.line } : {}), commentBody: root.body };
  if (marker) return { ...base, fingerprint: marker.fingerprint, category: marker.category, ...(marker.ruleId ? { ruleId: marker.ruleId } : {}) };
  const badge = root.body.split('\n', 1)[0] ?? '';
  const ruleId = /· rule `([^`]+)`/.exec(badge)?.[1];
  const category = CATEGORIES.find((c) => badge.includes(`· ${CATEGORY_LABEL[c]} ·`)) ?? (ruleId ? ruleById(ruleId)?.category : undefined) ?? 'resilience';
  return { ...base, category, ...(ruleId ? { ruleId } : {}) };
}

/** What the model is told about a rule: the same text as the rule docs. */
function ruleDocumentation(rule: Rule): string {
  return [`Rule ${rule.id}: ${rule.title}. Category ${rule.category}, severity ${rule.severity}.`, `Why it matters: ${rule.why}`, `Fix: ${rule.fix}`, `Stays silent when: ${rule.exemptions ?? '(no exemptions stated)'}`].join('\n');
}

/** A file's text at `commit`, or `undefined` (gone, binary, too large, unreadable): the answer goes on without it. */
async function readFileAt(octokit: GitHubClient, ref: PullRequestRef, path: string, commit: string, log: Logger): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: ref.owner, repo: ref.repo, path, ref: commit, mediaType: { format: 'raw' } });
    const raw: unknown = data;
    const text = typeof raw === 'string' ? raw : raw instanceof ArrayBuffer ? Buffer.from(raw).toString('utf8') : undefined;
    if (text === undefined || text.length > MAX_FILE_BYTES || text.includes('\u0000')) return undefined;
    return text;
  } catch (err) {
    log.warn({ path, err: translateGitHubError(err).message }, 'could not read the file around the finding; answering without it');
    return undefined;
  }
}

/** For `/arch-review ask`: the PR's title, description and diff, and arch-review's latest summary. */
async function pullRequestContext(octokit: GitHubClient, ref: PullRequestRef, botLogin: string, log: Logger, question: string): Promise<Pick<ThreadQuestion, 'pullRequest' | 'documentation'>> {
  const params = { owner: ref.owner, repo: ref.repo, pull_number: ref.number };
  const pr: NonNullable<ThreadQuestion['pullRequest']> = {};
  try {
    const { data } = await octokit.rest.pulls.get(params);
    pr.title = data.title;
    if (data.body) pr.body = data.body;
    const diff = (await octokit.rest.pulls.get({ ...params, mediaType: { format: 'diff' } })).data as unknown;
    if (typeof diff === 'string') pr.diff = diff.length > MAX_DIFF_CHARS ? `${diff.slice(0, MAX_DIFF_CHARS)}\n[… diff truncated by arch-review]` : diff;
  } catch (err) {
    // A diff GitHub will not serve (406 too large) or a hiccup: answer from what was read.
    log.warn({ err: translateGitHubError(err).message }, 'could not read the pull request for the question; answering with less context');
  }
  try {
    const login = botLoginOf(botLogin);
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...params, per_page: 100 });
    const summary = reviews.filter((r) => r.user?.login === login && r.body && parseMarker(r.body)).at(-1)?.body;
    if (summary) pr.summary = summary;
  } catch (err) {
    log.warn({ err: translateGitHubError(err).message }, 'could not read arch-review’s summary for the question');
  }
  const named = rulesNamedIn(question).slice(0, 3);
  return { pullRequest: pr, ...(named.length > 0 ? { documentation: named.map(ruleDocumentation).join('\n\n') } : {}) };
}
