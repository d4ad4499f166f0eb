import type { RuleMeta } from '../rules/types.js';
import type { Category } from './finding.js';
import { CATEGORY_LABEL } from './labels.js';
import { inlineCode } from './markdown.js';

/** What a documentation answer is about: a rule's finding, or an agent finding (category only). */
export interface DocsAnswerInput {
  /** The rule, when the finding came from one that arch-review knows. */
  rule?: Pick<RuleMeta, 'id' | 'title' | 'category' | 'severity' | 'why' | 'fix' | 'exemptions'>;
  /** The finding's rule id as the comment names it (a rule this version may not know). */
  ruleId?: string;
  category?: Category;
  /** The category's checklist from the reviewer persona, for an agent finding. */
  categoryGuidance?: string;
  /** The file the finding is on: picks the comment syntax of the suppression example. */
  path?: string;
}

const KEY_NOTE =
  '_This answer is arch-review’s documentation. With a model configured (`ANTHROPIC_API_KEY`, or Amazon Bedrock / Google Vertex AI), arch-review answers in its own words, with the code in view._';

/**
 * The answer to a reply when there is no model (or the model failed): what the rule checks, why it
 * matters, the fix, when it stays silent, how to silence it on one line (`arch-review-ignore`), and how
 * to disagree (👎). For an agent finding (no rule), the category's guidance. Only arch-review's own
 * text: nothing from the pull request or the question is echoed.
 *
 * @example docsAnswer({ rule: ruleById('http-call-without-timeout'), path: 'src/pay.ts' })
 */
export function docsAnswer(input: DocsAnswerInput): string {
  return [...findingSections(input), disagreeText(), KEY_NOTE].join('\n\n');
}

function findingSections(input: DocsAnswerInput): string[] {
  const parts: string[] = [];
  const { rule } = input;
  if (rule) {
    parts.push(
      `**${inlineCode(rule.id)}**: ${rule.title}. Category ${CATEGORY_LABEL[rule.category]}, severity ${rule.severity}.`,
      `**Why it matters:** ${rule.why}`,
      `**Fix:** ${rule.fix}`,
      `**Stays silent when:** ${rule.exemptions ?? 'no exemptions are stated for this rule.'}`,
      suppressionText(rule.id, input.path),
    );
  } else if (input.ruleId) {
    parts.push(`This finding came from the rule ${inlineCode(input.ruleId)}, which this version of arch-review does not document (a repository's own rule, or one since renamed).`, suppressionText(input.ruleId, input.path));
  } else {
    const label = input.category ? CATEGORY_LABEL[input.category] : 'integration design';
    parts.push(`This finding came from the reviewer (the model), not from a rule, so there is no rule page. What the reviewer looks for under **${label}**:`);
    if (input.categoryGuidance) parts.push(input.categoryGuidance.trim());
    parts.push('It has no rule id to name in an `arch-review-ignore` comment; a 👎 on the finding tells arch-review it was wrong here.');
  }
  return parts;
}

/**
 * The answer to `/arch-review ask` without a model: the documentation of each rule the question names
 * (by id), or where to look when it names none.
 */
export function docsAnswerForAsk(rules: readonly DocsAnswerInput['rule'][]): string {
  const known = rules.filter((r): r is NonNullable<typeof r> => r !== undefined).slice(0, 3);
  if (known.length === 0) {
    return [
      'arch-review answers questions with a model, and none is configured for this installation. Without one, it can explain its rules: name a rule id in the question (e.g. `/arch-review ask why http-call-without-timeout?`), or reply in the thread of one of its comments.',
      disagreeText(),
    ].join('\n\n');
  }
  return [...known.map((rule) => findingSections({ rule }).join('\n\n')), [disagreeText(), KEY_NOTE].join('\n\n')].join('\n\n---\n\n');
}

function suppressionText(ruleId: string, path: string | undefined): string {
  const hash = path !== undefined && /\.(py|pyi|rb|sh|ya?ml)$/i.test(path);
  const comment = `${hash ? '#' : '//'} arch-review-ignore ${ruleId}: <why it is fine here>`;
  return `**To silence it on one line:** put this comment on that line or the line above (\`//\`, \`#\` or \`/* … */\`, whatever the language uses); the reason is required, and a suppression without one is itself reported:\n\n\`\`\`\n${comment}\n\`\`\``;
}

const disagreeText = (): string => '**Think it is wrong here?** React 👎 on the finding’s comment: arch-review records it and does not post that finding again.';
