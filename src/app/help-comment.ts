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
    '',
    'Commands are accepted from people with write, maintain or admin access to the repository. Settings live in `.github/arch-review.yml`.',
    'To silence one finding, write `arch-review-ignore <rule-id>: <reason>` in a comment on its line or the line above (a category such as `resilience` names a reviewer finding).',
  ];
  return lines.join('\n');
}
