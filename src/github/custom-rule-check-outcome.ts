import { maskSecrets } from '../review/mask-secrets.js';
import { codeBlock } from '../review/markdown.js';
import { stripInvisible } from '../review/sanitize.js';
import { formatProblem, type CustomRuleProblem } from '../rules/custom/load-custom-rules.js';
import type { CheckAnnotation, CheckRunOutcome } from './check-run.js';

/** Problems annotated on their lines; every problem is listed in the summary. */
const MAX_PROBLEM_ANNOTATIONS = 20;

const clean = (text: string): string => maskSecrets(stripInvisible(text));

/**
 * A review's check run when some of the repository's own rule files are broken: `failure` (a rule the team
 * relies on did not run, which must not pass silently), the problems first, each with its file, line and
 * what is wrong, and an annotation on each offending line; then the review's own outcome, whose findings
 * (from every rule that could run) are kept. Without problems, `outcome` is returned unchanged.
 *
 * @example
 * await finishCheck(withCustomRuleProblems(reviewCheckOutcome(result, config), custom.problems));
 */
export function withCustomRuleProblems(outcome: CheckRunOutcome, problems: readonly CustomRuleProblem[]): CheckRunOutcome {
  if (problems.length === 0) return outcome;
  const n = problems.length;
  const files = [...new Set(problems.map((p) => p.file))];
  const annotations: CheckAnnotation[] = problems
    .filter((p) => p.line !== undefined)
    .slice(0, MAX_PROBLEM_ANNOTATIONS)
    .map((p) => ({
      path: p.file,
      start_line: p.line!,
      end_line: p.line!,
      annotation_level: 'failure',
      title: clean(`Broken custom rule${p.ruleId ? ` ${p.ruleId}` : ''}`).slice(0, 255),
      message: clean(formatProblem(p)),
    }));
  const section =
    `**${n} problem${n === 1 ? '' : 's'} in the repository’s own rules** (${files.map((f) => `\`${f}\``).join(', ')}): ` +
    `${n === 1 ? 'that rule' : 'those rules'} did not run. The review below comes from every other rule.\n\n` +
    `${codeBlock(clean(problems.map(formatProblem).join('\n')))}\n\n` +
    'Fix the files on the default branch (the rules are read there, like `.github/arch-review.yml`); `arch-review rules test` checks them locally.';
  return {
    conclusion: 'failure',
    title: `Broken custom rule file: ${clean(formatProblem(problems[0]!)).slice(0, 120)}${n > 1 ? ` (+${n - 1} more)` : ''}`,
    summary: `${section}\n\n${outcome.summary}`,
    annotations: [...annotations, ...outcome.annotations],
  };
}
