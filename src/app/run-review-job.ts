import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { changedPathsSince } from '../github/changed-paths-since.js';
import { completeCheckRun, createCheckRun, type CheckRunOutcome } from '../github/check-run.js';
import { configErrorCheckOutcome, failureCheckOutcome, reviewCheckOutcome } from '../github/check-run-outcome.js';
import { fetchRepoConfig } from '../github/fetch-repo-config.js';
import { createGitHubPublisher, type PublishOutcome } from '../github/github-publisher.js';
import { createGitHubSource } from '../github/github-source.js';
import { loadPullRequest } from '../github/load-pull-request.js';
import { loadPriorState } from '../github/prior-state.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import type { Metrics, ReviewOutcome } from '../metrics.js';
import type { ReviewJob } from '../queue/review-job.js';
import { decidePullRequest } from './decide-pull-request.js';
import type { Logger, Reviewer, RuleRunner } from '../review/ports.js';
import { reviewPullRequest } from '../review/review-pull-request.js';
import { VERSION } from '../review/version.js';

export interface RunReviewJobDeps {
  /** An installation-authenticated Probot Octokit for the job's repository. */
  octokit: GitHubClient;
  job: ReviewJob;
  log: Logger;
  /** The agent reviewer; without it the review is rules-only. */
  reviewer?: Reviewer | undefined;
  /** This app's bot login, `<app-slug>[bot]`: only its reviews' markers are trusted. */
  botLogin: string;
  /** Written into the marker; defaults to this package's version. */
  version?: string;
  metrics?: Pick<Metrics, 'reviewsTotal' | 'reviewDuration' | 'findingsTotal'>;
  /** Where the rules run (the worker-thread pool in production); defaults to this thread. */
  ruleRunner?: RuleRunner;
}

/** What one job came to. Thrown errors (the queue retries them) are not among these. */
export type ReviewJobResult =
  /** The PR's head moved on: a newer job reviews the newer commit. */
  | { status: 'stale'; currentHeadSha: string }
  | { status: 'closed' }
  /** The repository's filters say no (draft, ignored author or bot, skip label, trigger not enabled). */
  | { status: 'skipped'; reason: string }
  /** A marked review of this head SHA exists and the job is not `full`. */
  | { status: 'already-reviewed' }
  /** The configuration cannot be used: a failed check run says why; no review. */
  | { status: 'config-error'; message: string }
  /** The signal aborted (superseded or shutting down) before anything was posted. */
  | { status: 'aborted' }
  | {
      status: 'published';
      /** `nothing-new`: a re-review found nothing not posted before, so only the check run reports. */
      via: 'review' | 'comment' | 'nothing-new';
      inline: number;
      summaryOnly: number;
      rejected: number;
      url?: string;
    };

const METRIC_OUTCOME: Record<ReviewJobResult['status'], ReviewOutcome> = {
  stale: 'skipped',
  closed: 'skipped',
  skipped: 'skipped',
  'already-reviewed': 'skipped',
  'config-error': 'config-error',
  aborted: 'superseded',
  published: 'published',
};

/**
 * The worker's job processor: one review of one pull request at one head SHA, end to end.
 *
 * 1. Stale check: if the PR's head is no longer `job.headSha`, skip (a newer job is coming).
 * 2. Configuration (`.github/arch-review.yml`, org defaults via `_extends`): a broken file completes a
 *    `failure` check run quoting the error and its line, and nothing else happens. Automatic triggers
 *    then pass the repository's filters (drafts, bots, ignored authors, skip labels, triggers).
 * 3. Prior state from this bot's review markers: a head SHA already reviewed is a no-op unless `job.full`.
 * 4. The `arch-review` check run goes in progress (unless `check_run.enabled` is false).
 * 5. On `synchronize`, only paths changed since the last reviewed SHA are reviewed (all when the
 *    compare fails, e.g. after a force push); fingerprints posted before are never repeated, not even by `full`.
 * 6. The use case reviews and publishes ONE review; the check run completes with annotations.
 *
 * If the signal aborts before publishing, nothing is posted. If anything throws, the check run
 * completes `neutral` with the reason and the error is rethrown so the queue can retry.
 *
 * @example
 * queue.start((job, signal) => runReviewJob({ octokit: await probot.auth(job.installationId), job, log, botLogin, version }, signal));
 */
export async function runReviewJob(deps: RunReviewJobDeps, signal?: AbortSignal): Promise<ReviewJobResult> {
  const started = performance.now();
  let outcome: ReviewOutcome = 'failed';
  try {
    const result = await run(deps, signal);
    outcome = METRIC_OUTCOME[result.status];
    return result;
  } finally {
    deps.metrics?.reviewsTotal.inc({ outcome });
    deps.metrics?.reviewDuration.observe({ outcome }, (performance.now() - started) / 1000);
  }
}

async function run(deps: RunReviewJobDeps, signal: AbortSignal | undefined): Promise<ReviewJobResult> {
  const { octokit, job, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, number: job.number };
  const version = deps.version ?? VERSION;

  const pr = await loadPullRequest(octokit, ref);
  if (pr.headSha !== job.headSha) {
    log.info({ currentHeadSha: pr.headSha }, 'job is stale: the pull request has a newer head; skipping');
    return { status: 'stale', currentHeadSha: pr.headSha };
  }
  if (pr.state === 'closed') {
    log.info('pull request is closed; skipping');
    return { status: 'closed' };
  }
  if (signal?.aborted) return { status: 'aborted' };

  let config: Config;
  let warnings: string[];
  try {
    ({ config, warnings } = await fetchRepoConfig(octokit, ref));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.warn({ err: err.message }, 'configuration is invalid; reporting it on the check run, no review');
    await reportCheck(octokit, ref, { headSha: job.headSha }, configErrorCheckOutcome(err), log);
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

  const prior = await loadPriorState(octokit, ref, deps.botLogin);
  if (prior.reviewedShas.has(job.headSha) && !job.full) {
    log.info({ reviews: prior.reviews }, 'this head SHA was already reviewed; nothing to do');
    return { status: 'already-reviewed' };
  }

  const checks = config.check_run.enabled;
  let checkRunId: number | undefined;
  if (checks) {
    try {
      checkRunId = await createCheckRun(octokit, ref, job.headSha);
    } catch (err) {
      // A missing checks permission must not cost the review itself.
      log.warn({ err: (err as Error).message }, 'could not create the check run; reviewing without it');
    }
  }
  const finishCheck = async (outcome: CheckRunOutcome) => {
    if (checks) await reportCheck(octokit, ref, { checkRunId, headSha: job.headSha }, outcome, log);
  };

  try {
    let onlyPaths: ReadonlySet<string> | undefined;
    if (!job.full && job.trigger === 'synchronize' && prior.lastReviewedSha && prior.lastReviewedSha !== job.headSha) {
      onlyPaths = await changedPathsSince(octokit, ref, prior.lastReviewedSha, job.headSha, log);
      log.info({ since: prior.lastReviewedSha, paths: onlyPaths?.size ?? 'all' }, 'incremental review');
    }

    const source = createGitHubSource(octokit, { ...ref, headSha: job.headSha, changedFiles: pr.changedFiles, ...(signal ? { signal } : {}) });
    const publisher = createGitHubPublisher(octokit, ref, {
      headSha: job.headSha,
      version,
      log,
      ...(signal ? { signal } : {}),
      botLogin: deps.botLogin,
      skipWhenNothingNew: job.trigger === 'synchronize' && prior.reviews > 0,
      extraNotes: warnings.map((w) => `Configuration: ${w}`),
    });
    await reviewPullRequest({
      source,
      ...(deps.reviewer ? { reviewer: deps.reviewer } : {}),
      ...(deps.ruleRunner ? { ruleRunner: deps.ruleRunner } : {}),
      publisher,
      config,
      target: pr.target,
      log,
      alreadyPosted: prior.posted,
      lastOpen: prior.lastOpen,
      ...(onlyPaths ? { onlyPaths } : {}),
      ...(signal ? { signal } : {}),
    });

    const published = publisher.outcome();
    if (!published || published.kind === 'superseded') {
      await finishCheck(abortedCheckOutcome(signal));
      return { status: 'aborted' };
    }
    countFindings(deps, published);
    await finishCheck(reviewCheckOutcome(published.result, config, { ...(published.kind !== 'nothing-new' && published.url ? { reviewUrl: published.url } : {}), note: noteFor(published) }));
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
      await finishCheck(abortedCheckOutcome(signal));
      return { status: 'aborted' };
    }
    log.error({ err: (err as Error).message }, 'review failed');
    await finishCheck(failureCheckOutcome(err));
    throw err;
  }
}

function noteFor(p: Exclude<PublishOutcome, { kind: 'superseded' }>): string {
  if (p.kind === 'nothing-new') return 'Nothing new since the last review, so no review was posted.';
  if (p.kind === 'comment') return 'GitHub did not accept a review, so the summary was posted as a pull-request comment.';
  return p.rejected.length > 0 ? `GitHub rejected ${p.rejected.length} inline comment(s); they are listed in the summary.` : '';
}

function countFindings(deps: RunReviewJobDeps, p: PublishOutcome): void {
  if (!deps.metrics || p.kind === 'nothing-new' || p.kind === 'superseded') return;
  for (const f of [...p.result.inline, ...p.result.summaryOnly.map((s) => s.finding)]) deps.metrics.findingsTotal.inc({ category: f.category, source: f.source });
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

/** Completes (or creates completed) the check run; a failure here is logged, never fatal: the review already stands. */
async function reportCheck(octokit: GitHubClient, ref: PullRequestRef, run: { checkRunId?: number | undefined; headSha: string }, outcome: CheckRunOutcome, log: Logger): Promise<void> {
  try {
    await completeCheckRun(octokit, ref, { headSha: run.headSha, ...(run.checkRunId !== undefined ? { checkRunId: run.checkRunId } : {}) }, outcome);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not complete the check run');
  }
}
