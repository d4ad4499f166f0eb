import type { Config } from '../config/schema.js';
import { ArchReviewError, type ConfigError } from '../errors.js';
import { atLeast, SEVERITIES, severityRank, type Finding, type Severity } from '../review/finding.js';
import { codeBlock } from '../review/markdown.js';
import type { EarlierFinding, ReviewResult } from '../review/ports.js';
import { maskSecrets } from '../review/mask-secrets.js';
import { renderSummary } from '../review/render.js';
import { stripInvisible } from '../review/sanitize.js';
import { scrubFinding } from '../review/scrub-secrets.js';
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
 * The check run for a finished review. It judges every finding open at the head, not only the new ones:
 * the new findings, those an earlier review posted that this review found again, and those the last
 * review's marker kept on files this review did not re-read (see `ReviewResult.earlier`). So a push that
 * does not fix a high finding keeps a `failure` check failing, and a push that fixes it lets it pass.
 * `neutral` unless `check_run.conclusion` is `failure` and an open finding reaches `check_run.fail_on`;
 * one annotation per new-side finding (new ones first; old-side lines do not exist in the head file);
 * the review summary, led by a link to the posted review.
 *
 * @example
 * await completeCheckRun(octokit, ref, run, reviewCheckOutcome(outcome.result, config, { reviewUrl }));
 */
export function reviewCheckOutcome(result: ReviewResult, config: Config, opts: { reviewUrl?: string; note?: string } = {}): CheckRunOutcome {
  const findings = [...result.inline, ...result.summaryOnly.map((s) => s.finding)];
  const earlier = result.earlier ?? [];
  const failOn = config.check_run.fail_on;
  const failing = config.check_run.conclusion === 'failure' && [...findings, ...earlier].some((f) => atLeast(f.severity, failOn));
  const recomputed = earlier.flatMap((e) => (e.finding ? [e.finding] : []));
  const onNewSide = [...findings, ...recomputed].filter((f) => f.side === 'RIGHT');
  const capNote = onNewSide.length > MAX_ANNOTATIONS ? `Annotations show the ${MAX_ANNOTATIONS} most severe of ${onNewSide.length} findings; the review lists all of them.` : undefined;
  const lead = [opts.note, earlierNote(earlier, failing ? failOn : undefined), capNote, opts.reviewUrl ? `[Open the review](${opts.reviewUrl})` : undefined].filter(Boolean).join('\n\n');
  const room = MAX_CHECK_SUMMARY - lead.length - 2;
  const posted = new Set(recomputed);
  // Over the cap, the most severe are kept (new before earlier at the same severity), in their order.
  const shown = new Set(
    [...onNewSide.keys()].sort((a, b) => rankOf(onNewSide[a]!, posted) - rankOf(onNewSide[b]!, posted) || a - b).slice(0, MAX_ANNOTATIONS),
  );
  return {
    conclusion: failing ? 'failure' : 'neutral',
    title: titleFor(findings, earlier, result.alreadyPosted),
    // renderSummary masks credentials itself; the lead is masked here.
    summary: lead ? `${maskSecrets(lead)}\n\n${renderSummary(result, { maxLength: room })}` : renderSummary(result, { maxLength: room }),
    annotations: onNewSide.filter((_, i) => shown.has(i)).map((f) => toAnnotation(f, failing && atLeast(f.severity, failOn), posted.has(f))),
  };
}

const rankOf = (f: Finding, posted: ReadonlySet<Finding>): number => severityRank(f.severity) * 2 + (posted.has(f) ? 1 : 0);

/** `1 high, 2 low`. */
function bySeverity(list: ReadonlyArray<{ severity: Severity }>): string {
  return SEVERITIES.map((s) => [s, list.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

const findingsWord = (n: number): string => `finding${n === 1 ? '' : 's'}`;

/** `1 high finding still open (posted earlier)`, or `3 findings still open (posted earlier): 1 high, 2 low`. */
function earlierPart(earlier: readonly EarlierFinding[]): string {
  const severities = new Set(earlier.map((e) => e.severity));
  return severities.size === 1
    ? `${earlier.length} ${earlier[0]!.severity} ${findingsWord(earlier.length)} still open (posted earlier)`
    : `${earlier.length} ${findingsWord(earlier.length)} still open (posted earlier): ${bySeverity(earlier)}`;
}

function titleFor(findings: readonly Finding[], earlier: readonly EarlierFinding[], alreadyPosted: number): string {
  if (findings.length === 0) {
    if (earlier.length > 0) return earlierPart(earlier);
    return alreadyPosted > 0 ? `No new findings (${alreadyPosted} posted earlier)` : 'No findings';
  }
  const fresh = `${findings.length} ${earlier.length > 0 ? 'new ' : ''}${findingsWord(findings.length)}: ${bySeverity(findings)}`;
  return earlier.length > 0 ? `${fresh}; ${earlierPart(earlier)}` : fresh;
}

/** Says which earlier findings this check counts, and why it fails when they are what fails it. */
function earlierNote(earlier: readonly EarlierFinding[], failOn: Severity | undefined): string | undefined {
  if (earlier.length === 0) return undefined;
  const carried = earlier.filter((e) => !e.finding).length;
  const where = carried > 0 ? ` (${carried} on files this push did not change, as the last review recorded them)` : '';
  const gate = failOn && earlier.some((e) => atLeast(e.severity, failOn)) ? ` Findings at or above \`${failOn}\` fail this check until the code is fixed.` : '';
  return `Still open from earlier reviews: ${bySeverity(earlier)}${where}.${gate}`;
}

/** One annotation; texts scrubbed like the review's (`scrubFinding`): no credential, no suggestion holding one. */
function toAnnotation(finding: Finding, fails: boolean, postedEarlier: boolean): CheckAnnotation {
  const f = scrubFinding(finding);
  return {
    path: f.path,
    start_line: f.line,
    end_line: f.endLine ?? f.line,
    annotation_level: fails ? 'failure' : f.severity === 'low' ? 'notice' : 'warning',
    title: maskSecrets(stripInvisible(`[${f.severity}] ${f.category}: ${f.title}${postedEarlier ? ' (posted earlier)' : ''}`)).slice(0, 255),
    message: maskSecrets(stripInvisible(f.body)),
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
      `arch-review could not use its configuration, so it did not review this pull request.\n\n${codeBlock(maskSecrets(stripInvisible(err.message)))}\n\n` +
      `Fix \`${CONFIG_FILE}\` (or the file it extends) on the default branch; the next push or \`/arch-review\` comment reviews again.`,
    annotations: Number.isInteger(line) && line > 0
      ? [{ path: CONFIG_FILE, start_line: line, end_line: line, annotation_level: 'failure', title: 'Invalid configuration', message: maskSecrets(stripInvisible(err.message)) }]
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

/**
 * How a check run ends when a restart of the app interrupted its review: `cancelled`, so nothing is left
 * in progress forever (the commit may no longer be the head once the app is back). The reconciler treats
 * a head whose only runs were cancelled as not reviewed and queues it again.
 */
export const INTERRUPTED_CHECK_OUTCOME: CheckRunOutcome = {
  conclusion: 'cancelled',
  title: 'Interrupted by a restart',
  summary:
    'arch-review was restarting while this review ran, and nothing was posted. Once it is back it reviews the pull request’s newest commit again on its own; comment `/arch-review` to ask for it now.',
  annotations: [],
};

/** How the check run of a commit that is no longer the pull request's head ends when a job finds it still in progress. */
export function supersededCheckOutcome(newerSha: string): CheckRunOutcome {
  return {
    conclusion: 'neutral',
    title: 'Superseded by a newer commit',
    summary: `This commit is no longer the pull request’s head; arch-review reviews the newer commit \`${newerSha.slice(0, 7)}\` instead.`,
    annotations: [],
  };
}
