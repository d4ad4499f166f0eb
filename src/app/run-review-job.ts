import type { Config } from '../config/schema.js';
import { ConfigError, ExternalServiceError } from '../errors.js';
import { changedPathsSince } from '../github/changed-paths-since.js';
import { appSlugOf, completeCheckRun, findCheckRuns, startCheckRun, updateCheckRunOutput, type CheckRunOutcome, type CheckRunRetry } from '../github/check-run.js';
import { INTERRUPTED_CHECK_OUTCOME, configErrorCheckOutcome, failureCheckOutcome, retryingCheckOutput, reviewCheckOutcome, supersededCheckOutcome } from '../github/check-run-outcome.js';
import { fetchRepoConfig } from '../github/fetch-repo-config.js';
import { createGitHubPublisher, type GitHubPublisher, type PublishOutcome } from '../github/github-publisher.js';
import { createGitHubSource } from '../github/github-source.js';
import { loadPullRequest } from '../github/load-pull-request.js';
import { loadPriorState } from '../github/prior-state.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import type { Metrics } from '../metrics.js';
import type { JobAttempt, ReviewJob } from '../queue/review-job.js';
import { isPermanent } from '../queue/retry-policy.js';
import { decidePullRequest } from './decide-pull-request.js';
import type { CustomRulesLoader } from './custom-rules-loader.js';
import { withCustomRuleProblems } from '../github/custom-rule-check-outcome.js';
import { formatProblem, type CustomRuleSet } from '../rules/custom/load-custom-rules.js';
import { withoutCustomRuleIdWarnings } from '../rules/custom/load-repository-rules.js';
import type { Logger, Reviewer, RuleRunner } from '../review/ports.js';
import { reviewPullRequest } from '../review/review-pull-request.js';
import { VERSION } from '../review/version.js';
import type { FeedbackStore } from '../feedback/feedback-store.js';
import type { BaseModelCache } from '../review/base-model-cache.js';
import type { SnapshotObserver } from '../review/repository-model.js';
import { createPullRequestFeedbackSource } from '../feedback/pull-request-feedback-source.js';
import type { SeenFeedback } from '../feedback/seen-feedback.js';

export interface RunReviewJobDeps {
  /** An installation-authenticated Probot Octokit for the job's repository. */
  octokit: GitHubClient;
  job: ReviewJob;
  log: Logger;
  /** The agent reviewer; without it the review is rules-only. */
  reviewer?: Reviewer | undefined;
  /** This app's bot login, `<app-slug>[bot]`: only its reviews' markers and check runs are trusted. */
  botLogin: string;
  /** Written into the marker; defaults to this package's version. */
  version?: string;
  /** `findings_total` of published reviews. `reviews_total` is counted by the caller (the job processor). */
  metrics?: Pick<Metrics, 'findingsTotal'> & Partial<Pick<Metrics, 'suppressionsTotal' | 'feedbackTotal' | 'findingsSuppressedByFeedback' | 'repositorySnapshots' | 'repositorySnapshotDuration'>>;
  /** The cross-PR feedback store (Redis); without it, feedback is learned per pull request from GitHub alone. */
  feedbackStore?: FeedbackStore;
  /** Base repository models kept between reviews (memory, and Redis with `REDIS_URL`); absent: none kept. */
  baseModelCache?: BaseModelCache;
  /** Feedback this process counted in `feedback_total` already (without a store, it is read again at every review). */
  feedbackSeen?: SeenFeedback;
  /** Where the rules run (the worker-thread pool in production); defaults to this thread. */
  ruleRunner?: RuleRunner;
  /** Which try this is; a failure that will be retried leaves the check run in progress. Default: the only one. */
  attempt?: JobAttempt;
  /** First pause of the check-run writes' own retries (tests pass 0). */
  checkRunRetryDelayMs?: number;
  /**
   * Reads the repository's configuration; default `fetchRepoConfig` (the default branch, org defaults).
   * The GitHub Action reads the checkout's file first. A `ConfigError` fails the check run as usual.
   */
  loadConfig?: (octokit: GitHubClient, ref: PullRequestRef) => Promise<{ config: Config; warnings: string[] }>;
  /** Wraps the review's publisher (the Action falls back to workflow annotations when its token cannot write). */
  wrapPublisher?: (publisher: GitHubPublisher) => GitHubPublisher;
  /**
   * Loads the repository's own ast-grep rules (`custom_rules`), run beside the built-in ones; a broken rule
   * file fails the check run, naming its line, and the review goes on. Absent: no custom rules.
   */
  customRules?: CustomRulesLoader;
}

/** What one job came to. Thrown errors (the queue retries them) are not among these. */
export type ReviewJobResult =
  /** The PR's head moved on: the caller hands over to `currentHeadSha` (when the PR is still open). */
  | { status: 'stale'; currentHeadSha: string; open: boolean }
  | { status: 'closed' }
  /** The repository's filters say no (draft, ignored author or bot, skip label, trigger not enabled). */
  | { status: 'skipped'; reason: string }
  /** A marked review of this head SHA exists and the job is not `full`. */
  | { status: 'already-reviewed'; reviewUrl?: string }
  /** The configuration cannot be used: a failed check run says why; no review. */
  | { status: 'config-error'; message: string }
  /** Superseded by a newer head SHA before anything was posted; the check run says so. */
  | { status: 'aborted' }
  /** Stopped by a shutdown before anything was posted; the check run stays in progress, and the job must run again. */
  | { status: 'interrupted' }
  | {
      status: 'published';
      /** `nothing-new`: a re-review found nothing not posted before, so only the check run reports. */
      via: 'review' | 'comment' | 'nothing-new';
      inline: number;
      summaryOnly: number;
      rejected: number;
      url?: string;
    };

/** Errors a retry cannot fix (the queues do not retry them either). */
/** True when the queue will run this job again after `err`. */
export const willRetry = (err: unknown, attempt: JobAttempt | undefined): boolean =>
  attempt !== undefined && attempt.attempt < attempt.maxAttempts && !isPermanent(err);

/** GitHub refused the checks API for good (the app lacks `checks: write`): reviews go on without a check run. */
const lacksChecksPermission = (err: unknown): boolean => err instanceof ExternalServiceError && !err.retryable && (err.status === 403 || err.status === 404);

const isShutdown = (signal: AbortSignal | undefined): boolean =>
  signal?.aborted === true && signal.reason instanceof Error && signal.reason.message.startsWith('shutting down');

/**
 * The worker's job processor: one review of one pull request at one head SHA, end to end.
 *
 * 1. Stale check: if the PR's head is no longer `job.headSha`, return `stale` (the caller enqueues the new head).
 * 2. Configuration (`.github/arch-review.yml`, org defaults via `_extends`): a broken file completes a
 *    `failure` check run quoting the error and its line, and nothing else happens. Automatic triggers
 *    (`reconcile` too) then pass the repository's filters (drafts, bots, ignored authors, skip labels, triggers).
 * 3. Prior state from this bot's review markers: a head SHA already reviewed is a no-op unless `job.full`
 *    — or unless our check run on it is still in progress (a job died between the review and the
 *    check), which is then finished by a re-run that posts nothing new.
 * 4. The `arch-review` check run goes in progress (unless `check_run.enabled` is false): an in-progress
 *    run of ours on the commit is reused, never duplicated.
 * 5. On `synchronize`, only paths changed since the last reviewed SHA are reviewed (all when the
 *    compare fails, e.g. after a force push); fingerprints posted before are never repeated, not even by `full`.
 * 6. The use case reviews and publishes ONE review; the check run completes with annotations.
 *
 * If the signal aborts before publishing, nothing is posted: superseded completes the check run
 * `neutral`; a shutdown completes it `cancelled` ("Interrupted by a restart") and returns `interrupted`.
 * A stale job completes any run of ours an earlier try left in progress on its commit. If anything
 * throws and the queue will retry (`deps.attempt`), the check run stays in progress saying so;
 * on the last try it completes `neutral` saying what failed and how to retry. The error is rethrown.
 *
 * @example
 * queue.start((job, signal, attempt) => runReviewJob({ octokit: await probot.auth(job.installationId), job, log, botLogin, attempt }, signal));
 */
export async function runReviewJob(deps: RunReviewJobDeps, signal?: AbortSignal): Promise<ReviewJobResult> {
  const { octokit, job, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, number: job.number };
  const version = deps.version ?? VERSION;
  const appSlug = appSlugOf(deps.botLogin);
  const retry = { log, ...(deps.checkRunRetryDelayMs !== undefined ? { delayMs: deps.checkRunRetryDelayMs } : {}) };

  const pr = await loadPullRequest(octokit, ref);
  if (pr.headSha !== job.headSha) {
    log.info({ currentHeadSha: pr.headSha, open: pr.state === 'open' }, 'job is stale: the pull request has a newer head');
    await closeRunsOfStaleCommit(deps, ref, appSlug, pr.headSha, retry);
    return { status: 'stale', currentHeadSha: pr.headSha, open: pr.state === 'open' };
  }
  if (pr.state === 'closed') {
    log.info('pull request is closed; skipping');
    return { status: 'closed' };
  }
  if (signal?.aborted) return isShutdown(signal) ? { status: 'interrupted' } : { status: 'aborted' };

  let config: Config;
  let warnings: string[];
  try {
    ({ config, warnings } = await (deps.loadConfig ?? fetchRepoConfig)(octokit, ref));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.warn({ err: err.message }, 'configuration is invalid; reporting it on the check run, no review');
    try {
      await completeCheckRun(octokit, ref, { headSha: job.headSha, appSlug }, configErrorCheckOutcome(err), retry);
    } catch (checkErr) {
      if (!lacksChecksPermission(checkErr)) throw checkErr;
      log.warn({ err: (checkErr as Error).message }, 'could not report the configuration error on a check run');
    }
    return { status: 'config-error', message: err.message };
  }
  for (const warning of warnings) log.info({ warning }, 'configuration warning');

  // Automatic triggers obey the repository's filters, on the pull request as it is now; commands don't.
  if (job.trigger !== 'command' && job.trigger !== 'command-full') {
    const decision = decidePullRequest(
      {
        action: job.trigger,
        state: pr.state,
        draft: pr.draft,
        author: { login: pr.authorLogin ?? 'ghost', type: pr.authorType ?? 'User' },
        labels: pr.labels,
      },
      config,
    );
    if (!decision.review) {
      log.info({ reason: decision.reason }, 'not reviewing');
      return { status: 'skipped', reason: decision.reason };
    }
  }

  const checks = config.check_run.enabled;
  let checkRunId: number | undefined;
  try {
    const prior = await loadPriorState(octokit, ref, deps.botLogin);
    // `/arch-review pause` stops automatic reviews of this pull request; a command still reviews (once).
    if (prior.control?.paused && job.trigger !== 'command' && job.trigger !== 'command-full') {
      log.info('automatic reviews are paused on this pull request (`/arch-review resume` resumes them)');
      return { status: 'skipped', reason: 'paused' };
    }
    let resuming = false;
    if (prior.reviewedShas.has(job.headSha) && !job.full) {
      resuming = checks && (await findCheckRuns(octokit, ref, job.headSha, appSlug)).some((r) => r.status !== 'completed');
      if (!resuming) {
        log.info({ reviews: prior.reviews }, 'this head SHA was already reviewed; nothing to do');
        const reviewUrl = prior.reviewUrls?.get(job.headSha);
        return { status: 'already-reviewed', ...(reviewUrl ? { reviewUrl } : {}) };
      }
      log.info('this head SHA was reviewed but its check run is still in progress (an interrupted job): finishing it, posting nothing new');
    }

    if (checks) {
      try {
        checkRunId = await startCheckRun(octokit, ref, job.headSha, appSlug, retry);
      } catch (err) {
        // A missing checks permission must not cost the review itself; anything else is retried.
        if (!lacksChecksPermission(err)) throw err;
        log.warn({ err: (err as Error).message }, 'could not create the check run; reviewing without it');
      }
    }
    const finishCheck = async (outcome: CheckRunOutcome) => {
      if (checkRunId !== undefined) await completeCheckRun(octokit, ref, { checkRunId, headSha: job.headSha }, outcome, retry);
    };

    // A reconcile job stands for a missed push (or open): reviewed like a push, incrementally.
    const pushLike = job.trigger === 'synchronize' || job.trigger === 'reconcile';
    let onlyPaths: ReadonlySet<string> | undefined;
    if (!job.full && pushLike && prior.lastReviewedSha && prior.lastReviewedSha !== job.headSha) {
      onlyPaths = await changedPathsSince(octokit, ref, prior.lastReviewedSha, job.headSha, log);
      log.info({ since: prior.lastReviewedSha, paths: onlyPaths?.size ?? 'all' }, 'incremental review');
    }

    // The repository's own rules, from its default branch (as the configuration): a broken file fails the check run below.
    const custom: CustomRuleSet = deps.customRules ? await deps.customRules(octokit, ref, config, log) : { rules: [], problems: [], warnings: [] };
    const customNotes = [...custom.problems.map((p) => `Custom rule file: ${formatProblem(p)} (that rule did not run).`), ...custom.warnings.map((w) => `Custom rules: ${w}`)];

    const source = createGitHubSource(octokit, { ...ref, headSha: job.headSha, baseSha: pr.baseSha, changedFiles: pr.changedFiles, ...(signal ? { signal } : {}) });
    // Resuming: the review of this SHA is posted already, only its check run is missing — never a second review.
    const publisher = resuming ? checkOnlyPublisher(signal) : (deps.wrapPublisher ?? ((p: GitHubPublisher) => p))(createGitHubPublisher(octokit, ref, {
      headSha: job.headSha,
      version,
      log,
      ...(signal ? { signal } : {}),
      botLogin: deps.botLogin,
      skipWhenNothingNew: pushLike && prior.reviews > 0,
      extraNotes: [...withoutCustomRuleIdWarnings(warnings, custom.ids).map((w) => `Configuration: ${w}`), ...customNotes],
    }));
    await reviewPullRequest({
      source,
      ...(deps.reviewer ? { reviewer: deps.reviewer } : {}),
      ...(deps.ruleRunner ? { ruleRunner: deps.ruleRunner } : {}),
      ...(custom.rules.length > 0 ? { extraRules: custom.rules } : {}),
      publisher,
      config,
      target: pr.target,
      log,
      alreadyPosted: prior.posted,
      lastOpen: prior.lastOpen,
      ...(onlyPaths ? { onlyPaths } : {}),
      ...(signal ? { signal } : {}),
      ...(deps.baseModelCache ? { baseModelCache: deps.baseModelCache } : {}),
      ...(deps.metrics?.repositorySnapshots ? { onSnapshot: snapshotMetrics(deps.metrics) } : {}),
      feedback: createPullRequestFeedbackSource({
        octokit,
        ref,
        botLogin: deps.botLogin,
        config,
        ...(prior.control ? { forgotten: prior.control.forgotten } : {}),
        ...(deps.feedbackStore ? { store: deps.feedbackStore } : {}),
        ...(deps.feedbackSeen ? { seen: deps.feedbackSeen } : {}),
        log,
        ...(deps.metrics?.feedbackTotal ? { metrics: { feedbackTotal: deps.metrics.feedbackTotal } } : {}),
      }),
    });

    const published = publisher.outcome();
    if (!published || published.kind === 'superseded') return await stopped(deps, ref, checkRunId, signal);
    countFindings(deps, published);
    await finishCheck(withCustomRuleProblems(reviewCheckOutcome(published.result, config, { ...(published.kind !== 'nothing-new' && published.url ? { reviewUrl: published.url } : {}), note: noteFor(published) }), custom.problems));
    return {
      status: 'published',
      via: published.kind,
      inline: published.result.inline.length,
      summaryOnly: published.result.summaryOnly.length,
      rejected: published.rejected.length,
      ...(published.kind !== 'nothing-new' && published.url ? { url: published.url } : {}),
    };
  } catch (err) {
    if (signal?.aborted) {
      log.info({ err: (err as Error).message }, 'review stopped by its signal; nothing posted');
      return await stopped(deps, ref, checkRunId, signal);
    }
    await reportFailure(deps, ref, { checkRunId, checks, appSlug, retry }, err);
    throw err;
  }
}

/** Superseded: the check run completes `neutral`. Shutdown: it completes `cancelled`, and the reconciler queues the head again. */
async function stopped(deps: RunReviewJobDeps, ref: PullRequestRef, checkRunId: number | undefined, signal: AbortSignal | undefined): Promise<ReviewJobResult> {
  const { octokit, job, log } = deps;
  if (isShutdown(signal)) {
    if (checkRunId !== undefined) {
      // Cancelled, not left in progress: after the restart this commit may no longer be the head, and
      // nothing would ever finish it. The reconciler queues a head whose runs were all cancelled.
      await completeCheckRun(octokit, ref, { checkRunId, headSha: job.headSha }, INTERRUPTED_CHECK_OUTCOME, { log, tries: 1 }).catch((err: unknown) =>
        log.warn({ err: (err as Error).message }, 'could not mark the interrupted check run cancelled'),
      );
    }
    return { status: 'interrupted' };
  }
  if (checkRunId !== undefined) {
    if (await stillTheHead(octokit, ref, job.headSha)) {
      // Superseded by a job for an OLDER head (deliveries out of order): that job hands back to this
      // head, and the next run of it continues on this check run.
      log.info('superseded, but this is still the pull request’s head: leaving the check run in progress for the next run');
      return { status: 'aborted' };
    }
    await completeCheckRun(octokit, ref, { checkRunId, headSha: job.headSha }, abortedCheckOutcome(signal), { log, ...(deps.checkRunRetryDelayMs !== undefined ? { delayMs: deps.checkRunRetryDelayMs } : {}) }).catch((err: unknown) =>
      log.warn({ err: (err as Error).message }, 'could not complete the superseded check run'),
    );
  }
  return { status: 'aborted' };
}

/**
 * A stale job's commit may carry a check run of ours still in progress: an earlier try of this job was
 * killed (or interrupted) while it ran. Nothing else would ever finish it, so it completes here, saying
 * which commit is reviewed instead. One listing per stale job; a missing checks permission is ignored.
 */
async function closeRunsOfStaleCommit(deps: RunReviewJobDeps, ref: PullRequestRef, appSlug: string, newerSha: string, retry: CheckRunRetry): Promise<void> {
  const { octokit, job, log } = deps;
  try {
    const open = (await findCheckRuns(octokit, ref, job.headSha, appSlug)).filter((r) => r.status !== 'completed');
    for (const run of open) {
      await completeCheckRun(octokit, ref, { checkRunId: run.id, headSha: job.headSha }, supersededCheckOutcome(newerSha), retry);
      log.info({ checkRunId: run.id }, 'completed the check run an earlier try left in progress on this stale commit');
    }
  } catch (err) {
    if (!lacksChecksPermission(err)) throw err;
  }
}

/** True when `headSha` is still the open pull request's head (false when that cannot be told). */
async function stillTheHead(octokit: GitHubClient, ref: PullRequestRef, headSha: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.number });
    return data.state === 'open' && data.head.sha === headSha;
  } catch {
    return false;
  }
}

/**
 * A failed try: when the queue retries, the check run stays in progress and says which attempt failed;
 * on the last try it completes `neutral` (created if the failure came before it existed). Failing to
 * report is logged: the job's own error is what the queue sees.
 */
async function reportFailure(
  deps: RunReviewJobDeps,
  ref: PullRequestRef,
  run: { checkRunId: number | undefined; checks: boolean; appSlug: string; retry: CheckRunRetry },
  err: unknown,
): Promise<void> {
  const { octokit, job, log, attempt } = deps;
  const context = { err: (err as Error).message, attempt: attempt?.attempt, maxAttempts: attempt?.maxAttempts };
  try {
    if (willRetry(err, attempt)) {
      log.warn(context, 'review failed; the queue will retry it');
      if (run.checkRunId !== undefined && attempt) await updateCheckRunOutput(octokit, ref, run.checkRunId, retryingCheckOutput(err, attempt));
      return;
    }
    log.error(context, 'review failed for good');
    if (run.checks) {
      await completeCheckRun(octokit, ref, { checkRunId: run.checkRunId, headSha: job.headSha, appSlug: run.appSlug }, failureCheckOutcome(err, attempt), run.retry);
    }
  } catch (reportErr) {
    log.warn({ err: (reportErr as Error).message }, 'could not report the failure on the check run');
  }
}

/** A publisher that posts nothing: the result only feeds the check run (a review of this SHA stands already). */
function checkOnlyPublisher(signal: AbortSignal | undefined): GitHubPublisher {
  let last: PublishOutcome | undefined;
  return {
    async publish(result) {
      last = signal?.aborted ? { kind: 'superseded', result, rejected: [] } : { kind: 'nothing-new', result, rejected: [] };
    },
    outcome: () => last,
  };
}

function noteFor(p: Exclude<PublishOutcome, { kind: 'superseded' }>): string {
  if (p.kind === 'nothing-new') return 'Nothing new since the last review, so no review was posted.';
  if (p.kind === 'comment') return 'GitHub did not accept a review, so the summary was posted as a pull-request comment.';
  return p.rejected.length > 0 ? `GitHub rejected ${p.rejected.length} inline comment(s); they are listed in the summary.` : '';
}

function countFindings(deps: RunReviewJobDeps, p: PublishOutcome): void {
  if (p.kind !== 'superseded') for (const [rule, n] of Object.entries(p.result.learned?.suppressed ?? {})) deps.metrics?.findingsSuppressedByFeedback?.inc({ rule }, n);
  if (!deps.metrics || p.kind === 'nothing-new' || p.kind === 'superseded') return;
  for (const f of [...p.result.inline, ...p.result.summaryOnly.map((s) => s.finding)]) deps.metrics.findingsTotal.inc({ category: f.category, source: f.source });
  for (const s of p.result.suppressed ?? []) deps.metrics.suppressionsTotal?.inc({ rule: s.finding.ruleId ?? `agent/${s.finding.category}` });
}

function abortedCheckOutcome(signal: AbortSignal | undefined): CheckRunOutcome {
  const reason = signal?.reason instanceof Error ? signal.reason.message : 'stopped';
  return {
    conclusion: 'neutral',
    title: 'Review stopped before publishing',
    summary: `This review was stopped (${reason}) before anything was posted; the newest commit gets its own review.`,
    annotations: [],
  };
}

/** Counts each repository snapshot a review needed, by outcome, and times it (labelled by outcome, never by repository). */
function snapshotMetrics(metrics: Partial<Pick<Metrics, 'repositorySnapshots' | 'repositorySnapshotDuration'>>): SnapshotObserver {
  return (outcome, seconds) => {
    metrics.repositorySnapshots?.inc({ outcome });
    if (seconds !== undefined) metrics.repositorySnapshotDuration?.observe({ outcome }, seconds);
  };
}
