import type { Config } from '../config/schema.js';
import { ArchReviewError, type ConfigError } from '../errors.js';
import { atLeast, SEVERITIES, type Finding } from '../review/finding.js';
import { codeBlock } from '../review/markdown.js';
import type { ReviewResult } from '../review/ports.js';
import { renderSummary } from '../review/render.js';
import { stripInvisible } from '../review/sanitize.js';
import { MAX_CHECK_SUMMARY, type CheckAnnotation, type CheckRunOutcome } from './check-run.js';

/**
 * At most this many annotations (three update requests). Findings are ranked, so the most severe are
 * kept; every finding is still in the summary. Without a cap a 10k-line change produced 500+
 * annotations, and the throttled updates kept a worker busy for ~7 s after the review was posted.
 */
export const MAX_ANNOTATIONS = 150;

/** Where `.github/arch-review.yml` lives in the repository. */
export const CONFIG_FILE = '.github/arch-review.yml';

/**
 * The check run for a finished review: `neutral` unless `check_run.conclusion` is `failure` and a
 * finding reaches `check_run.fail_on`; one annotation per new-side finding (old-side lines do not
 * exist in the head file); the review summary, led by a link to the posted review.
 *
 * @example
 * await completeCheckRun(octokit, ref, run, reviewCheckOutcome(outcome.result, config, { reviewUrl }));
 */
export function reviewCheckOutcome(result: ReviewResult, config: Config, opts: { reviewUrl?: string; note?: string } = {}): CheckRunOutcome {
  const findings = [...result.inline, ...result.summaryOnly.map((s) => s.finding)];
  const failing = config.check_run.conclusion === 'failure' && findings.some((f) => atLeast(f.severity, config.check_run.fail_on));
  const onNewSide = findings.filter((f) => f.side === 'RIGHT');
  const capNote = onNewSide.length > MAX_ANNOTATIONS ? `Annotations show the ${MAX_ANNOTATIONS} most severe of ${onNewSide.length} findings; the review lists all of them.` : undefined;
  const lead = [opts.note, capNote, opts.reviewUrl ? `[Open the review](${opts.reviewUrl})` : undefined].filter(Boolean).join('\n\n');
  const room = MAX_CHECK_SUMMARY - lead.length - 2;
  return {
    conclusion: failing ? 'failure' : 'neutral',
    title: titleFor(findings, result.alreadyPosted),
    summary: lead ? `${lead}\n\n${renderSummary(result, { maxLength: room })}` : renderSummary(result, { maxLength: room }),
    annotations: onNewSide.slice(0, MAX_ANNOTATIONS).map((f) => toAnnotation(f, failing && atLeast(f.severity, config.check_run.fail_on))),
  };
}

function titleFor(findings: readonly Finding[], alreadyPosted: number): string {
  if (findings.length === 0) return alreadyPosted > 0 ? `No new findings (${alreadyPosted} posted earlier)` : 'No findings';
  const bySeverity = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')}`;
}

function toAnnotation(f: Finding, fails: boolean): CheckAnnotation {
  return {
    path: f.path,
    start_line: f.line,
    end_line: f.endLine ?? f.line,
    annotation_level: fails ? 'failure' : f.severity === 'low' ? 'notice' : 'warning',
    title: stripInvisible(`[${f.severity}] ${f.category}: ${f.title}`).slice(0, 255),
    message: stripInvisible(f.body),
    ...(f.suggestion ? { raw_details: stripInvisible(f.suggestion) } : {}),
  };
}

/**
 * The check run for a configuration that cannot be used: `failure`, quoting the error with its
 * location, and an annotation on the offending line when it is in this repository's file.
 */
export function configErrorCheckOutcome(err: ConfigError): CheckRunOutcome {
  const line = err.location?.startsWith(`${CONFIG_FILE}:`) ? Number(err.location.split(':')[1]) : NaN;
  return {
    conclusion: 'failure',
    title: 'Invalid arch-review configuration',
    summary:
      `arch-review could not use its configuration, so it did not review this pull request.\n\n${codeBlock(stripInvisible(err.message))}\n\n` +
      `Fix \`${CONFIG_FILE}\` (or the file it extends) on the default branch; the next push or \`/arch-review\` comment reviews again.`,
    annotations: Number.isInteger(line) && line > 0
      ? [{ path: CONFIG_FILE, start_line: line, end_line: line, annotation_level: 'failure', title: 'Invalid configuration', message: stripInvisible(err.message) }]
      : [],
  };
}

/** Which try of a job this is (the queue's `JobAttempt`). */
export interface AttemptInfo {
  attempt: number;
  maxAttempts: number;
}

/** Only arch-review's own error messages are quoted: they are built without secrets; anything else is named by its type. */
function failureReason(err: unknown): string {
  const reason = err instanceof ArchReviewError ? err.message : `an unexpected ${err instanceof Error ? err.name : 'error'} (see the app's logs)`;
  return stripInvisible(reason);
}

/**
 * The check run for a review that failed for good (its last try, or an error no retry can fix):
 * `neutral` (a tool failure should not block a merge), saying what failed and how to try again.
 *
 * @example
 * await completeCheckRun(octokit, ref, run, failureCheckOutcome(err, { attempt: 4, maxAttempts: 4 }));
 */
export function failureCheckOutcome(err: unknown, attempt?: AttemptInfo): CheckRunOutcome {
  const reason = failureReason(err);
  const tries = attempt && attempt.attempt > 1 ? ` after ${attempt.attempt} attempts` : '';
  return {
    conclusion: 'neutral',
    title: `The review failed: ${reason.split('\n')[0]!.slice(0, 200)}`,
    summary:
      `arch-review could not finish this review${tries}, and will not try again by itself. ` +
      'Comment `/arch-review` on the pull request to review it again (a new push does too); if it keeps failing, check the app\'s logs.' +
      `\n\n${codeBlock(reason.slice(0, 2000))}`,
    annotations: [],
  };
}

/**
 * The output of a check run that stays in progress while its job waits for another try.
 *
 * @example
 * retryingCheckOutput(err, { attempt: 1, maxAttempts: 4 }).title; // 'Attempt 1 of 4 failed; retrying'
 */
export function retryingCheckOutput(err: unknown, attempt: AttemptInfo): { title: string; summary: string } {
  const reason = failureReason(err);
  return {
    title: `Attempt ${attempt.attempt} of ${attempt.maxAttempts} failed; retrying`,
    summary: `arch-review hit a failure and will try this review again shortly (attempt ${attempt.attempt} of ${attempt.maxAttempts} failed).\n\n${codeBlock(reason.slice(0, 2000))}`,
  };
}

/** The output of a check run whose review was interrupted by a restart of the app; it stays in progress and resumes. */
export const RESTARTING_CHECK_OUTPUT = {
  title: 'Restarting',
  summary: 'arch-review was restarting while this review ran. The review resumes once the app is back; nothing was posted yet.',
} as const;
