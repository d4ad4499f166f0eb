import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { findSuppressions, SUPPRESSION_KEYWORD } from './find-suppressions.js';

/**
 * An `arch-review-ignore` comment that gives no reason. It still silences its findings (the author's intent
 * is plain, and flagging both would be noise); this finding asks for the reason, which is what a reviewer
 * and the next maintainer need to judge the exception. Reported on the comment's line, like any rule, only
 * when the change adds that line.
 */
export const suppressionWithoutReason: Rule = {
  id: 'suppression-without-reason',
  // A suppression is a local exception to the design rules; its reason documents that exception, as an
  // ADR documents a boundary exception. No other category fits better, and this one is rarely turned off.
  category: 'abstraction',
  severity: 'low',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Finding silenced without a reason',
  // Exact: the comment either has text after the colon or it has not.
  confidence: 1,
  exemptions:
    'Only comments count (strings and docstrings that contain the word are not suppressions), and only comments the change adds: an older unexplained suppression is not reported again on every change to its file.',
  why:
    'A silenced finding is a decision to accept a production risk here (a call without a timeout, a swallowed error); without the reason nobody reviewing the change or maintaining the code later can tell a considered exception from a convenient one, or know when it stops holding.',
  fix:
    'Add the reason after a colon, e.g. `// arch-review-ignore http-call-without-timeout: the SDK client sets a 10 s deadline`, naming what makes the finding safe here; or fix the code and remove the comment.',
  check(ctx: RuleContext): RuleMatch[] {
    if (!ctx.source.includes(SUPPRESSION_KEYWORD)) return [];
    return findSuppressions(ctx.root, ctx.language, ctx.source)
      .filter((s) => s.reason === undefined && s.ids.length > 0)
      .map((s) => ({
        line: s.line,
        detail: `\`${s.scope === 'file' ? `${SUPPRESSION_KEYWORD}-file` : SUPPRESSION_KEYWORD} ${s.ids.join(', ')}\` gives no reason (write it after a colon).`,
      }));
  },
};
