import { ExternalServiceError } from '../errors.js';
import type { Logger } from '../review/ports.js';
import { translateGitHubError } from './translate-error.js';
import { pause, writeOnce, type WriteOnceOptions } from './write-once.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** The check run's name on the head commit. */
export const CHECK_RUN_NAME = 'arch-review';
/** GitHub accepts at most this many annotations per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit for a check run's `output.summary`. */
export const MAX_CHECK_SUMMARY = 65_535;
/** GitHub's limit for an annotation's `message` (64 KB). */
const MAX_ANNOTATION_MESSAGE = 64 * 1024;

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

/** How a check run ends. */
export interface CheckRunOutcome {
  /** `cancelled` only for a review a restart interrupted (the reconciler queues that head again). */
  conclusion: 'neutral' | 'failure' | 'success' | 'cancelled';
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
}

type RepoRef = Pick<PullRequestRef, 'owner' | 'repo'>;

/** One of this app's `arch-review` check runs on a commit, as `findCheckRuns` reports it. */
export interface CheckRunInfo {
  id: number;
  status: 'queued' | 'in_progress' | 'completed' | string;
  conclusion: string | null;
}

/** How writes here retry on their own: tries in all, and the first pause (doubling). Tests pass 0 ms. */
export type CheckRunRetry = WriteOnceOptions;

/** The app slug of a bot login: `acme-arch-review[bot]` -> `acme-arch-review`. */
export const appSlugOf = (botLoginOrSlug: string): string => botLoginOrSlug.replace(/\[bot\]$/, '');

/**
 * This app's `arch-review` check runs on `headSha` (every attempt, `filter: all`), newest first.
 * Runs of another app with the same name are not ours: they are recognised by `app.slug`.
 *
 * @example
 * const runs = await findCheckRuns(octokit, { owner, repo }, sha, 'arch-review');
 * runs.some((r) => r.status === 'completed'); // reviewed (or reported) already
 */
export async function findCheckRuns(octokit: GitHubClient, ref: RepoRef, headSha: string, appSlug: string): Promise<CheckRunInfo[]> {
  try {
    const { data } = await octokit.rest.checks.listForRef({ owner: ref.owner, repo: ref.repo, ref: headSha, check_name: CHECK_RUN_NAME, filter: 'all', per_page: 100 });
    const slug = appSlugOf(appSlug);
    return data.check_runs
      .filter((r) => r.name === CHECK_RUN_NAME && r.app?.slug === slug)
      .map((r) => ({ id: r.id, status: r.status, conclusion: r.conclusion }))
      .sort((a, b) => b.id - a.id);
  } catch (err) {
    throw translateGitHubError(err);
  }
}

/**
 * True when this app has a completed `arch-review` check run on `headSha` that was not cancelled: the
 * commit was reviewed or its failure was reported (a run a restart interrupted ends `cancelled`). The reconciler enqueues the heads for which this is false.
 *
 * @example
 * if (!(await hasCompletedCheckRun(octokit, ref, pr.head.sha, slug))) await queue.enqueue(job);
 */
export async function hasCompletedCheckRun(octokit: GitHubClient, ref: RepoRef, headSha: string, appSlug: string): Promise<boolean> {
  return (await findCheckRuns(octokit, ref, headSha, appSlug)).some((r) => r.status === 'completed' && r.conclusion !== 'cancelled');
}

/**
 * Creates the `arch-review` check run on `headSha`, in progress. Returns its id. Prefer
 * {@link startCheckRun}, which never creates a second run for one commit.
 *
 * @example
 * const id = await createCheckRun(octokit, { owner, repo }, job.headSha);
 */
export async function createCheckRun(octokit: GitHubClient, ref: RepoRef, headSha: string, opts: { detailsUrl?: string } = {}): Promise<number> {
  try {
    return await createInProgress(octokit, ref, headSha, opts.detailsUrl, undefined);
  } catch (err) {
    throw translateGitHubError(err);
  }
}

async function createInProgress(octokit: GitHubClient, ref: RepoRef, headSha: string, detailsUrl: string | undefined, retries: number | undefined): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner: ref.owner,
    repo: ref.repo,
    name: CHECK_RUN_NAME,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    ...(retries !== undefined ? { request: { retries } } : {}),
  });
  return data.id;
}

/**
 * Puts this app's `arch-review` check run on `headSha` in progress, idempotently, and returns its id:
 *
 * - an in-progress (or queued) run of ours on the commit is reused: a retried job, or one a killed
 *   worker left behind, continues on it; any other in-progress runs of ours there are completed
 *   `neutral` ("superseded by a newer attempt"), so none stays open forever;
 * - only otherwise a run is created. The create `POST` goes out without Octokit's own retries: when
 *   its outcome is unknown (5xx, timeout, connection reset) GitHub may have created the run, so the
 *   next try looks for it first instead of sending the `POST` blindly again.
 *
 * @example
 * const checkRunId = await startCheckRun(octokit, { owner, repo }, job.headSha, 'arch-review', { log });
 */
export async function startCheckRun(
  octokit: GitHubClient,
  ref: RepoRef,
  headSha: string,
  appSlug: string,
  opts: CheckRunRetry & { detailsUrl?: string } = {},
): Promise<number> {
  return writeOnce(
    'creating the check run',
    async () => {
      const [keep, ...stale] = (await findCheckRuns(octokit, ref, headSha, appSlug)).filter((r) => r.status !== 'completed');
      if (!keep) return undefined;
      for (const run of stale) await completeSuperseded(octokit, ref, run.id, opts.log);
      opts.log?.info({ checkRunId: keep.id, superseded: stale.length }, 'continuing on the check run already in progress');
      return keep.id;
    },
    () => createInProgress(octokit, ref, headSha, opts.detailsUrl, 0),
    opts,
  );
}

async function completeSuperseded(octokit: GitHubClient, ref: RepoRef, id: number, log: Logger | undefined): Promise<void> {
  try {
    await octokit.rest.checks.update({
      owner: ref.owner,
      repo: ref.repo,
      check_run_id: id,
      status: 'completed',
      conclusion: 'neutral',
      completed_at: new Date().toISOString(),
      output: { title: 'Superseded by a newer attempt', summary: 'This attempt was replaced by a newer one on the same commit; see the newest `arch-review` check run.' },
    });
  } catch (err) {
    // Not fatal: the next start completes it again.
    log?.warn({ checkRunId: id, err: translateGitHubError(err).message }, 'could not complete a stale check run');
  }
}

/**
 * Replaces the output of a check run that stays in progress (e.g. "attempt 1 of 4 failed; retrying",
 * or "restarting" on shutdown).
 *
 * @example
 * await updateCheckRunOutput(octokit, { owner, repo }, checkRunId, { title: 'Retrying', summary });
 */
export async function updateCheckRunOutput(octokit: GitHubClient, ref: RepoRef, checkRunId: number, output: { title: string; summary: string }): Promise<void> {
  try {
    await octokit.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: checkRunId, output: { title: output.title.slice(0, 255), summary: cut(output.summary, MAX_CHECK_SUMMARY) } });
  } catch (err) {
    throw translateGitHubError(err);
  }
}

/**
 * Completes a check run with `outcome`. With no `checkRunId` (none was started, e.g. the
 * configuration could not be read) it starts one first ({@link startCheckRun} when `appSlug` is
 * given, so a run left in progress is the one completed), then completes it. The completing `PATCH`
 * is idempotent and retried here on retryable failures; if it still fails the error is thrown, so the
 * job fails and is retried rather than leaving the run in progress. GitHub takes 50 annotations per
 * request and appends those of later updates, so the completion carries the first 50 and each further
 * update the next 50; a failed further batch is logged, not thrown (the summary lists every finding).
 *
 * @example
 * await completeCheckRun(octokit, { owner, repo }, { checkRunId, headSha }, { conclusion: 'neutral', title, summary, annotations });
 */
export async function completeCheckRun(
  octokit: GitHubClient,
  ref: RepoRef,
  run: { checkRunId?: number | undefined; headSha: string; appSlug?: string | undefined },
  outcome: CheckRunOutcome,
  opts: CheckRunRetry = {},
): Promise<number> {
  const title = outcome.title.slice(0, 255);
  const summary = cut(outcome.summary, MAX_CHECK_SUMMARY);
  const annotations = outcome.annotations.map((a) => ({ ...a, message: cut(a.message, MAX_ANNOTATION_MESSAGE) }));
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const first = batches[0] ?? [];
  const completion = { status: 'completed' as const, conclusion: outcome.conclusion, completed_at: new Date().toISOString() };

  let id = run.checkRunId;
  if (id === undefined && run.appSlug !== undefined) id = await startCheckRun(octokit, ref, run.headSha, run.appSlug, opts);
  if (id === undefined) {
    try {
      const { data } = await octokit.rest.checks.create({ owner: ref.owner, repo: ref.repo, name: CHECK_RUN_NAME, head_sha: run.headSha, ...completion, output: { title, summary, annotations: first } });
      id = data.id;
    } catch (err) {
      throw translateGitHubError(err);
    }
  } else {
    const checkRunId = id;
    await retrying(opts, 'completing the check run', () =>
      octokit.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: checkRunId, ...completion, output: { title, summary, annotations: first } }),
    );
  }
  for (const batch of batches.slice(1)) {
    try {
      await octokit.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: id, output: { title, summary, annotations: batch } });
    } catch (err) {
      opts.log?.warn({ checkRunId: id, err: translateGitHubError(err).message }, 'could not add further annotations; the summary lists every finding');
      break;
    }
  }
  return id;
}

/** Runs an idempotent request, retrying retryable failures (after Octokit's own) a few times. */
async function retrying<T>(opts: CheckRunRetry, what: string, send: () => Promise<T>): Promise<T> {
  const tries = Math.max(1, opts.tries ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (raw) {
      const err = translateGitHubError(raw);
      if (!(err instanceof ExternalServiceError && err.retryable) || attempt >= tries) throw err;
      opts.log?.warn({ err: err.message, attempt }, `${what} failed; trying again`);
      await pause(opts.delayMs ?? 1_000, attempt, err.retryAfterMs);
    }
  }
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n… (truncated)';
  return text.slice(0, max - note.length) + note;
}
