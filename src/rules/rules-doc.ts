import type { Rule } from './types.js';
import { DEFAULT_RULE_CONFIDENCE } from './run-rules.js';
import { REPOSITORY_RULE_IDS } from './families/repository.js';

const LANGUAGE_COLUMNS = [
  ['TS/JS', ['typescript', 'tsx', 'javascript']],
  ['Python', ['python']],
  ['Go', ['go']],
  ['Java', ['java']],
] as const;

/** How a rule runs by default, in words. */
export function modeText(rule: Pick<Rule, 'defaultMode'>): string {
  switch (rule.defaultMode ?? 'inline') {
    case 'inline':
      return 'inline';
    case 'summary':
      return 'summary only';
    case 'off':
      return 'off';
  }
}

const confidenceOf = (rule: Pick<Rule, 'confidence'>): string => (rule.confidence ?? DEFAULT_RULE_CONFIDENCE).toFixed(2);

/**
 * The README's rule table (between its `rules-table` markers): id, category, severity, default mode and
 * confidence, languages, title. Generated from the registry by `npm run docs:rules`; a test keeps it in step.
 */
export function rulesTable(rules: readonly Rule[]): string {
  const head = ['| id | category | severity | default | confidence | TS/JS | Python | Go | Java | what it finds |', '|---|---|---|---|---:|---|---|---|---|---|'];
  const rows = rules.map((r) => {
    const langs = LANGUAGE_COLUMNS.map(([, ls]) => (ls.some((l) => r.languages.includes(l)) ? '✓' : ''));
    return `| \`${r.id}\` | ${r.category} | ${r.severity} | ${modeText(r)} | ${confidenceOf(r)} | ${langs.join(' | ')} | ${r.title} |`;
  });
  return [...head, ...rows].join('\n');
}

/** `docs/rules.md`: every rule with what it finds, why it matters, the fix, and when it stays silent. */
export function rulesDoc(rules: readonly Rule[]): string {
  const parts = [
    '# Rules',
    '',
    'Generated from the rule registry (`src/rules/registry.ts`) by `npm run docs:rules`; do not edit by hand.',
    'Each rule runs on the head version of a selected file, reports only matches on lines the change added,',
    'and drops matches already present in the base version. `confidence` is the rule’s measured precision on the',
    'real-world corpus (`bench/quality/realworld/`) or an estimate where it fired too rarely to measure;',
    'findings under `min_confidence` (default 0.7), and every finding of a summary-only rule, are listed collapsed',
    'in the review summary instead of inline. `rules: { <id>: false }` turns a rule off; `rules: { <id>: true }`',
    'turns on a rule that is off by default and posts a summary-only rule inline.',
    '',
    'Rules marked *repository* need the integration model of the whole repository (`src/integration/`): they',
    'judge a change against the adapters, services and imports of the repository at the base commit, and run',
    'only when the review has that model; they too speak only on added lines. With the model, the coupling and',
    'abstraction rules that concern business logic judge a file by the layer the model infers for it',
    '(`src/integration/layers.ts`) instead of its folder names.',
    '',
  ];
  for (const r of rules) {
    const langs = LANGUAGE_COLUMNS.filter(([, ls]) => ls.some((l) => r.languages.includes(l))).map(([name]) => name);
    parts.push(
      `## \`${r.id}\``,
      '',
      `${r.title}. ${REPOSITORY_RULE_IDS.has(r.id) ? '*Repository* rule. ' : ''}Category **${r.category}**, severity **${r.severity}**, default **${modeText(r)}**, confidence ${confidenceOf(r)}; ${langs.join(', ')}.`,
      '',
      `**Why it matters:** ${r.why}`,
      '',
      `**Fix:** ${r.fix}`,
      '',
      `**Stays silent when:** ${r.exemptions ?? '(no exemptions stated)'}`,
      '',
    );
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

export const RULES_TABLE_START = '<!-- rules-table:start (npm run docs:rules) -->';
export const RULES_TABLE_END = '<!-- rules-table:end -->';

/** The README with its rule table replaced by a fresh one. Throws when the markers are missing. */
export function withRulesTable(readme: string, rules: readonly Rule[]): string {
  const start = readme.indexOf(RULES_TABLE_START);
  const end = readme.indexOf(RULES_TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${RULES_TABLE_START} … ${RULES_TABLE_END} markers`);
  return `${readme.slice(0, start + RULES_TABLE_START.length)}\n${rulesTable(rules)}\n${readme.slice(end)}`;
}
