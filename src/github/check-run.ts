import { translateGitHubError } from './translate-error.js';
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
  conclusion: 'neutral' | 'failure' | 'success';
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
}

type RepoRef = Pick<PullRequestRef, 'owner' | 'repo'>;

/**
 * Creates the `arch-review` check run on `headSha`, in progress. Returns its id.
 *
 * @example
 * const id = await createCheckRun(octokit, { owner, repo }, job.headSha);
 */
export async function createCheckRun(octokit: GitHubClient, ref: RepoRef, headSha: string, opts: { detailsUrl?: string } = {}): Promise<number> {
  try {
    const { data } = await octokit.rest.checks.create({
      owner: ref.owner,
      repo: ref.repo,
      name: CHECK_RUN_NAME,
      head_sha: headSha,
      status: 'in_progress',
      started_at: new Date().toISOString(),
      ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
    });
    return data.id;
  } catch (err) {
    throw translateGitHubError(err);
  }
}

/**
 * Completes a check run with `outcome`. With no `checkRunId` (none was started, e.g. the
 * configuration could not be read) it creates one already completed. GitHub takes 50 annotations
 * per request and appends those of later updates, so the first request carries the first 50 and
 * each further update the next 50.
 *
 * @example
 * await completeCheckRun(octokit, { owner, repo }, { checkRunId, headSha }, { conclusion: 'neutral', title, summary, annotations });
 */
export async function completeCheckRun(
  octokit: GitHubClient,
  ref: RepoRef,
  run: { checkRunId?: number; headSha: string },
  outcome: CheckRunOutcome,
): Promise<number> {
  const title = outcome.title.slice(0, 255);
  const summary = cut(outcome.summary, MAX_CHECK_SUMMARY);
  const annotations = outcome.annotations.map((a) => ({ ...a, message: cut(a.message, MAX_ANNOTATION_MESSAGE) }));
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const first = batches[0] ?? [];
  const completion = { status: 'completed' as const, conclusion: outcome.conclusion, completed_at: new Date().toISOString() };
  try {
    let id = run.checkRunId;
    if (id === undefined) {
      const { data } = await octokit.rest.checks.create({
        owner: ref.owner,
        repo: ref.repo,
        name: CHECK_RUN_NAME,
        head_sha: run.headSha,
        ...completion,
        output: { title, summary, annotations: first },
      });
      id = data.id;
    } else {
      await octokit.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: id, ...completion, output: { title, summary, annotations: first } });
    }
    for (const batch of batches.slice(1)) {
      await octokit.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: id, output: { title, summary, annotations: batch } });
    }
    return id;
  } catch (err) {
    throw translateGitHubError(err);
  }
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n… (truncated)';
  return text.slice(0, max - note.length) + note;
}
