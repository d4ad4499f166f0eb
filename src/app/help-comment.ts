/**
 * The reply to `/arch-review help` (or to a command it did not understand): the commands, one per
 * line, so a reader does not have to find the README.
 */
export function helpComment(unknown?: string): string {
  const lines = [
    '<!-- arch-review:help -->',
    unknown === undefined ? '**arch-review commands**' : `**arch-review** does not know \`${unknown.replace(/`/g, "'")}\`. Commands:`,
    '',
    '| command | what it does |',
    '| --- | --- |',
    '| `/arch-review` | Review the changes since the last review (or the whole pull request if none). |',
    '| `/arch-review full` | Review the whole pull request again, even a commit already reviewed (findings already posted are not repeated). |',
    '| `/arch-review help` | Show this list. |',
    '| `/arch-review ask <question>` | Ask arch-review about this pull request; it answers here. To ask about one finding, reply in the thread of its comment. |',
    '| `/arch-review pause` | Stop automatic reviews of this pull request (commands still work; `/arch-review` still reviews once). |',
    '| `/arch-review resume` | Review this pull request automatically again. |',
    '| `/arch-review learnings` | Show what arch-review learned from feedback (👎, threads resolved without a change, replies): dismissed findings by rule, rules gone summary-only, 👍/👎 counts. |',
    '| `/arch-review forget <rule-id>` | Undo what was learned about that rule: its dismissed findings may be posted again, and it goes back inline. |',
    '',
    'Commands are accepted from people with write, maintain or admin access to the repository. Settings live in `.github/arch-review.yml`.',
    'To silence one finding, write `arch-review-ignore <rule-id>: <reason>` in a comment on its line or the line above (a category such as `resilience` names a reviewer finding).',
  ];
  return lines.join('\n');
}
