import * as core from '@actions/core';
import { agentOptionsFromEnv } from '../agent/agent-options-from-env.js';
import { createAnthropicReviewer } from '../agent/anthropic-reviewer.js';
import { runReviewJob, type ReviewJobResult } from '../app/run-review-job.js';
import { actionRuleLoader } from './action-rule-loader.js';
import { createStderrLogger } from '../cli/stderr-logger.js';
import { TRIGGERS } from '../config/schema.js';
import { loadPriorState } from '../github/prior-state.js';
import type { GitHubClient } from '../github/types.js';
import type { ReviewJob, Trigger } from '../queue/review-job.js';
import type { Logger, Reviewer } from '../review/ports.js';
import { actionConfigLoader } from './action-config.js';
import { readActionContext, type ActionContext } from './action-context.js';
import { readActionInputs, type ActionInputs } from './action-inputs.js';
import { createActionOctokit } from './action-octokit.js';
import { withReadOnlyFallback, type FallbackPublisher } from './read-only-fallback.js';
import {
  annotateFindings,
  countSeverities,
  openSeverities,
  reachesFailOn,
  writeJobSummary,
  writeOutputs,
  type FindingCounts,
  type SummaryHeadline,
} from './workflow-report.js';

/** The login GitHub gives the workflow's `GITHUB_TOKEN`: only its reviews' markers are trusted. */
export const WORKFLOW_BOT_LOGIN = 'github-actions[bot]';

type Env = Readonly<Record<string, string | undefined>>;

const NO_FINDINGS: FindingCounts = { total: 0, high: 0, medium: 0, low: 0 };

/**
 * The GitHub Action, end to end: reads the inputs and the `pull_request` event, and runs the App's review
 * job (`runReviewJob`: the same configuration, rules, agent when a key is given, one COMMENT review with
 * the hidden marker, the `arch-review` check run) with the workflow's token. A token that cannot write
 * (a fork's pull request) gets workflow annotations and a job summary instead. Writes the counts of
 * findings open at the head to the step outputs. Returns the exit code: 1 when a finding reaches
 * `fail-on`, when the configuration is broken, when the review failed, or when `signal` stopped it; else 0.
 *
 * `signal` is the workflow run's cancellation: aborted with a reason starting `shutting down`, the review
 * posts nothing more and its check run completes `cancelled`, as the App's worker does on a restart.
 *
 * @example process.exitCode = await runAction(process.env, controller.signal);
 */
export async function runAction(env: Env, signal?: AbortSignal): Promise<number> {
  const log = createStderrLogger(process.stderr, env.RUNNER_DEBUG === '1' ? 'debug' : 'info');
  let inputs: ActionInputs;
  let ctx: ActionContext;
  try {
    inputs = readActionInputs(env);
    core.setSecret(inputs.githubToken);
    if (inputs.anthropicApiKey) core.setSecret(inputs.anthropicApiKey);
    ctx = await readActionContext(env);
  } catch (err) {
    core.error((err as Error).message, { title: 'arch-review cannot start' });
    return 1;
  }
  if (env.GITHUB_JOB === 'arch-review') {
    core.warning('This job is named arch-review, like the check run arch-review posts: give the job another name (e.g. `review`) so the two are not confused.');
  }

  const octokit = createActionOctokit({ token: inputs.githubToken, apiUrl: ctx.apiUrl, log });
  const job: ReviewJob = {
    type: 'review',
    installationId: 0,
    owner: ctx.owner,
    repo: ctx.repo,
    number: ctx.pullRequest.number,
    deliveryId: `actions-${ctx.runId}`,
    enqueuedAt: Date.now(),
    headSha: ctx.pullRequest.headSha,
    trigger: triggerOf(ctx.pullRequest.action),
    full: false,
  };
  log.info({ pullRequest: `${ctx.owner}/${ctx.repo}#${job.number}`, headSha: job.headSha, trigger: job.trigger, fromFork: ctx.pullRequest.fromFork }, 'reviewing');

  let publisher: FallbackPublisher | undefined;
  let result: ReviewJobResult;
  try {
    const reviewer = createActionReviewer(env, inputs, log);
    result = await runReviewJob({
      octokit,
      job,
      log,
      botLogin: WORKFLOW_BOT_LOGIN,
      ...(reviewer ? { reviewer } : {}),
      loadConfig: actionConfigLoader({ configPath: inputs.configPath, workspace: ctx.workspace, ...(inputs.model ? { model: inputs.model } : {}) }),
      wrapPublisher: (inner) => (publisher = withReadOnlyFallback(inner, annotateFindings, log)),
      customRules: actionRuleLoader(ctx.workspace),
    }, signal);
  } catch (err) {
    core.error((err as Error).message, { title: 'arch-review failed' });
    return 1;
  }

  const { counts, headline } = await settle(result, publisher, { octokit, ctx, log });
  writeOutputs(counts);
  await writeJobSummary(headline, counts, publisher?.result()).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not write the job summary'));
  if (result.status === 'interrupted' || result.status === 'aborted') {
    core.error('The review was stopped (the workflow run was cancelled) before it was posted.', { title: 'arch-review stopped' });
    return 1;
  }
  if (headline.kind === 'config-error') {
    core.error(headline.message, { title: 'arch-review: invalid configuration', file: inputs.configPath });
    return 1;
  }
  if (reachesFailOn(counts, inputs.failOn)) {
    core.error(`${counts.total} finding(s) open at this commit; fail-on is ${inputs.failOn} (high ${counts.high}, medium ${counts.medium}, low ${counts.low})`, { title: 'arch-review: findings at or above fail-on' });
    return 1;
  }
  return 0;
}

/** A workflow can run on any `pull_request` activity; those the App knows keep their filters, any other is an explicit request. */
function triggerOf(action: string): Trigger {
  return (TRIGGERS as readonly string[]).includes(action) ? (action as Trigger) : 'command';
}

/** The agent reviewer when the `anthropic-api-key` input is given (`ANTHROPIC_BASE_URL` and the deadline variable apply). */
function createActionReviewer(env: Env, inputs: ActionInputs, log: Logger): Reviewer | undefined {
  if (!inputs.anthropicApiKey) return undefined;
  const opts = agentOptionsFromEnv({ ...env, ANTHROPIC_API_KEY: inputs.anthropicApiKey }, log);
  return opts ? createAnthropicReviewer(opts) : undefined;
}

/** What the job came to, as counts (findings open at the head) and the job summary's first line. */
async function settle(
  result: ReviewJobResult,
  publisher: FallbackPublisher | undefined,
  deps: { octokit: GitHubClient; ctx: ActionContext; log: Logger },
): Promise<{ counts: FindingCounts; headline: SummaryHeadline }> {
  switch (result.status) {
    case 'published': {
      const reviewed = publisher?.result();
      const counts = reviewed ? countSeverities(openSeverities(reviewed)) : NO_FINDINGS;
      if (publisher?.readOnly()) return { counts, headline: { kind: 'read-only' } };
      if (result.via === 'nothing-new') return { counts, headline: { kind: 'nothing-new' } };
      return { counts, headline: { kind: 'review', ...(result.url ? { url: result.url } : {}) } };
    }
    case 'already-reviewed': {
      // The marker of this commit's review lists every finding open at it: a re-run reports the same counts.
      const prior = await loadPriorState(deps.octokit, { owner: deps.ctx.owner, repo: deps.ctx.repo, number: deps.ctx.pullRequest.number }, WORKFLOW_BOT_LOGIN);
      const counts = prior.lastReviewedSha === deps.ctx.pullRequest.headSha ? countSeverities(prior.lastOpen.map((f) => f.severity)) : NO_FINDINGS;
      deps.log.info({ reviewUrl: result.reviewUrl }, 'this commit was reviewed already; nothing posted');
      return { counts, headline: { kind: 'already-reviewed', ...(result.reviewUrl ? { url: result.reviewUrl } : {}) } };
    }
    case 'skipped':
      return { counts: NO_FINDINGS, headline: { kind: 'skipped', reason: result.reason } };
    case 'config-error':
      return { counts: NO_FINDINGS, headline: { kind: 'config-error', message: result.message } };
    case 'stale':
      return { counts: NO_FINDINGS, headline: { kind: 'skipped', reason: `the pull request has a newer head (${result.currentHeadSha.slice(0, 7)}); its own workflow run reviews it` } };
    case 'closed':
      return { counts: NO_FINDINGS, headline: { kind: 'skipped', reason: 'the pull request is closed' } };
    case 'aborted':
    case 'interrupted':
      return { counts: NO_FINDINGS, headline: { kind: 'skipped', reason: 'the workflow run was cancelled before the review was posted' } };
  }
}
