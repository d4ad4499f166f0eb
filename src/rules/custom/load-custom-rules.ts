import type { NapiConfig, SgNode } from '@ast-grep/napi';
import picomatch from 'picomatch';
import { globProblem } from '../../config/glob.js';
import type { RuleLanguage } from '../../diff/types.js';
import { CATEGORIES, type Category } from '../../review/finding.js';
import { parseSource } from '../parse-source.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { CustomRuleDocSchema, languageOf, RULE_LANGUAGE_NAMES, SEVERITY_OF, UtilRuleDocSchema, type CustomRuleDoc, type UtilRuleDoc } from './custom-rule-schema.js';
import { readYamlDocuments, zodProblems, type YamlDocument } from './read-yaml-documents.js';
import { interpolate, suggestionFor } from './render-fix.js';

/** A file's path (from the repository root) and text. */
export interface RuleFileText {
  path: string;
  text: string;
}

/** Why a rule file (or one rule in it) cannot be used, and where. */
export interface CustomRuleProblem {
  /** The file, from the repository root. */
  file: string;
  /** 1-based; absent when the whole file is concerned (it could not be read). */
  line?: number;
  column?: number;
  /** The rule concerned, when its id could be read. */
  ruleId?: string;
  /** What is wrong, e.g. `invalid YAML: …`, `ast-grep rejected the rule: …`. */
  message: string;
}

/** `file:line:column: rule \`id\`: message`. */
export function formatProblem(p: CustomRuleProblem): string {
  const at = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${at}: ${p.ruleId ? `rule \`${p.ruleId}\`: ` : ''}${p.message}`;
}

/**
 * A repository's ast-grep rule, as a `Rule` of the same engine as the built-in ones. `check` applies
 * the rule's `files`/`ignores` globs; `find` does not (rule tests run on snippets with no path).
 */
export interface CustomRule extends Rule {
  /** The rule file, and the line of the rule's document in it. */
  file: string;
  line: number;
  /** The matches on a file, whatever its path. */
  find(ctx: Pick<RuleContext, 'root' | 'source' | 'lines'>): RuleMatch[];
}

export interface CustomRuleSet {
  rules: CustomRule[];
  /** Broken files and rules: each fails the check run (the other rules still run). */
  problems: CustomRuleProblem[];
  /** Rules skipped or read with a default (another ast-grep language, an unknown category): notes in the review. */
  warnings: string[];
  /** Every rule id the files define, also of rules `rules:` turns off (set by `loadRepositoryRules`). */
  ids?: string[];
}

export interface LoadCustomRulesInput {
  /** The files of `custom_rules.rule_dirs`. */
  ruleFiles: readonly RuleFileText[];
  /** The files of `custom_rules.util_dirs`: global utility rules. */
  utilFiles?: readonly RuleFileText[];
  /** Category of a rule whose `metadata.category` is absent (or not one of the six). */
  defaultCategory: Category;
  /** Ids a custom rule may not take (the built-in rules'). */
  reservedIds?: ReadonlySet<string>;
}

/**
 * A custom rule's confidence when its `metadata.confidence` does not say: a team's own rule states its
 * policy, so a match is a violation by definition, and it is posted inline at the default
 * `min_confidence` (0.7). Lower it per rule (`metadata: { confidence: 0.5 }`) for a rule still being tuned.
 */
export const CUSTOM_RULE_CONFIDENCE = 0.9;

/**
 * Turns a repository's ast-grep rule files into rules for `runRules`. Each file may hold several rules
 * (`---`). A file that is not YAML, a rule that fails validation (missing `id`/`language`/`rule`, an
 * unknown key, an unknown language) or that ast-grep rejects (a bad `kind`, an undefined `matches`
 * utility, a constraint on an unknown metavariable) becomes a problem with its file, line and column;
 * every other rule is kept. Rules in languages ast-grep knows but arch-review does not review (Rust,
 * Ruby, …) are skipped with a warning. Pure: the caller reads the files.
 *
 * @example
 * const { rules, problems } = loadCustomRules({ ruleFiles: [{ path: '.github/arch-review/rules/stripe.yml', text }], defaultCategory: 'coupling' });
 */
export function loadCustomRules(input: LoadCustomRulesInput): CustomRuleSet {
  const problems: CustomRuleProblem[] = [];
  const warnings: string[] = [];
  const utils = readUtilRules(input.utilFiles ?? [], problems);
  const rules: CustomRule[] = [];
  const seen = new Map<string, string>();

  for (const file of input.ruleFiles) {
    const { documents, problems: yamlProblems } = readYamlDocuments(file.text);
    const inFile: CustomRuleProblem[] = yamlProblems.map((p) => ({ file: file.path, line: p.line, column: p.column, message: p.message }));
    for (const doc of documents) {
      const id = idOf(doc.data);
      const problem = (at: { line: number; column: number }, message: string) => inFile.push({ file: file.path, line: at.line, column: at.column, ...(id ? { ruleId: id } : {}), message });
      const parsed = CustomRuleDocSchema.safeParse(doc.data);
      if (!parsed.success) {
        for (const p of zodProblems(doc, parsed.error)) problem(p, p.message);
        continue;
      }
      const spec = parsed.data;
      const lang = languageOf(spec.language);
      if (lang.kind === 'unknown') {
        problem(doc.locate(['language']), `unknown language "${spec.language}" (arch-review runs rules for ${RULE_LANGUAGE_NAMES})`);
        continue;
      }
      if (lang.kind === 'other') {
        warnings.push(`${file.path}:${doc.start.line}: rule \`${spec.id}\` is for ${spec.language}, which arch-review does not review; skipped.`);
        continue;
      }
      if (input.reservedIds?.has(spec.id)) {
        problem(doc.locate(['id']), `the id \`${spec.id}\` is a built-in arch-review rule; choose another id`);
        continue;
      }
      const earlier = seen.get(spec.id);
      if (earlier !== undefined) {
        problem(doc.locate(['id']), `the id \`${spec.id}\` is used twice (first in ${earlier}); ids must be unique`);
        continue;
      }
      const compiled = compileRule(spec, lang.language, doc, file.path, utils, input.defaultCategory, warnings);
      if ('problem' in compiled) {
        problem(compiled.at, compiled.problem);
        continue;
      }
      seen.set(spec.id, `${file.path}:${doc.start.line}`);
      rules.push(compiled.rule);
    }
    // In file order, so the list reads top to bottom like the file.
    problems.push(...inFile.sort((a, b) => a.line! - b.line! || a.column! - b.column!));
  }
  return { rules, problems, warnings };
}

const idOf = (data: unknown): string | undefined => {
  const id = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
};

type RuleObject = Record<string, unknown>;
type UtilsByLanguage = Map<RuleLanguage, Record<string, RuleObject>>;

/** Global utility rules by language: each util's own `utils` are flattened beside it (napi takes one map). */
function readUtilRules(files: readonly RuleFileText[], problems: CustomRuleProblem[]): UtilsByLanguage {
  const byLanguage: UtilsByLanguage = new Map();
  for (const file of files) {
    const { documents, problems: yamlProblems } = readYamlDocuments(file.text);
    for (const p of yamlProblems) problems.push({ file: file.path, line: p.line, column: p.column, message: p.message });
    for (const doc of documents) {
      const parsed = UtilRuleDocSchema.safeParse(doc.data);
      const id = idOf(doc.data);
      if (!parsed.success) {
        for (const p of zodProblems(doc, parsed.error)) problems.push({ file: file.path, line: p.line, column: p.column, ...(id ? { ruleId: id } : {}), message: `utility rule: ${p.message}` });
        continue;
      }
      const util: UtilRuleDoc = parsed.data;
      const lang = languageOf(util.language);
      if (lang.kind === 'unknown') {
        const at = doc.locate(['language']);
        problems.push({ file: file.path, line: at.line, column: at.column, ruleId: util.id, message: `utility rule: unknown language "${util.language}"` });
        continue;
      }
      if (lang.kind === 'other') continue;
      const map = byLanguage.get(lang.language) ?? {};
      Object.assign(map, util.utils ?? {}, { [util.id]: util.rule });
      byLanguage.set(lang.language, map);
    }
  }
  return byLanguage;
}

type Compiled = { rule: CustomRule } | { problem: string; at: { line: number; column: number } };

function compileRule(spec: CustomRuleDoc, language: RuleLanguage, doc: YamlDocument, file: string, utils: UtilsByLanguage, defaultCategory: Category, warnings: string[]): Compiled {
  const where = `${file}:${doc.start.line}`;
  const globalUtils = utils.get(language) ?? {};
  const allUtils = { ...globalUtils, ...(spec.utils ?? {}) };
  const config = {
    rule: spec.rule,
    ...(spec.constraints ? { constraints: spec.constraints } : {}),
    ...(Object.keys(allUtils).length > 0 ? { utils: allUtils } : {}),
    ...(spec.transform ? { transform: spec.transform } : {}),
  } as unknown as NapiConfig;

  // ast-grep checks the whole rule when it is first used: on an empty file, so a broken rule is reported
  // here, with its line, rather than failing on every file.
  try {
    parseSource(language, '').root().findAll(config);
  } catch (err) {
    const key = /`constraints`/.test((err as Error).message) ? 'constraints' : /`transform`/.test((err as Error).message) ? 'transform' : 'rule';
    return { problem: `ast-grep rejected the rule: ${oneLine((err as Error).message)}`, at: doc.locate([key], 'key') };
  }

  for (const key of ['files', 'ignores'] as const) {
    for (const [i, glob] of (spec[key] ?? []).entries()) {
      const bad = globProblem(glob);
      if (bad) return { problem: `${key}[${i}]: invalid glob ${JSON.stringify(glob)}: ${bad}`, at: doc.locate([key, i]) };
    }
  }

  const meta = spec.metadata ?? {};
  let category = defaultCategory;
  if (meta.category !== undefined) {
    if (typeof meta.category === 'string' && (CATEGORIES as readonly string[]).includes(meta.category)) category = meta.category as Category;
    else warnings.push(`${where}: rule \`${spec.id}\`: metadata.category ${JSON.stringify(meta.category)} is not one of ${CATEGORIES.join(', ')}; using ${defaultCategory}.`);
  }
  let confidence = CUSTOM_RULE_CONFIDENCE;
  if (meta.confidence !== undefined) {
    if (typeof meta.confidence === 'number' && meta.confidence >= 0 && meta.confidence <= 1) confidence = meta.confidence;
    else warnings.push(`${where}: rule \`${spec.id}\`: metadata.confidence must be a number from 0 to 1; using ${CUSTOM_RULE_CONFIDENCE}.`);
  }

  // ast-grep's rewriters are not available through napi: a fix built with them would be wrong, so none is offered.
  const rewrites = spec.rewriters !== undefined || /"rewrite"|rewrite\(/.test(JSON.stringify(spec.transform ?? {}));
  if (rewrites && spec.fix !== undefined) warnings.push(`${where}: rule \`${spec.id}\`: rewriters are not supported; its matches are reported without a suggestion.`);
  const template = rewrites ? undefined : typeof spec.fix === 'string' ? spec.fix : spec.fix?.template;
  if (spec.fix !== undefined && typeof spec.fix !== 'string' && ('expandStart' in spec.fix || 'expandEnd' in spec.fix)) {
    warnings.push(`${where}: rule \`${spec.id}\`: fix.expandStart/expandEnd are not supported; the suggestion replaces the match only.`);
  }
  const message = spec.message?.trim() || spec.id;
  const title = firstLine(message);
  const severity = spec.severity ?? 'hint';
  const inScope = pathFilter(spec.files, spec.ignores);
  const source = `the repository rule \`${spec.id}\` (\`${file}\`)`;
  const fixText = template !== undefined ? 'Apply the suggested change.' : `Change the code so that ${source} no longer matches.`;

  const find = (ctx: Pick<RuleContext, 'root' | 'source' | 'lines'>): RuleMatch[] =>
    ctx.root
      .root()
      .findAll(config)
      .map((node: SgNode) => {
        const { start, end } = node.range();
        const said = firstLine(interpolate(message, node, ctx.source)) || title;
        const match: RuleMatch = { line: start.line + 1, ...(end.line > start.line ? { endLine: end.line + 1 } : {}), title: said.slice(0, 200), detail: said.endsWith('.') ? said : `${said}.` };
        if (template !== undefined) match.suggestion = suggestionFor(template, node, ctx.source, ctx.lines).text;
        return match;
      });

  const rule: CustomRule = {
    id: spec.id,
    category,
    severity: SEVERITY_OF[severity],
    languages: [language],
    title: title.slice(0, 200),
    why: spec.note?.trim() || `This code matches ${source}, which your team wrote to keep this pattern out of the codebase.`,
    fix: `${fixText}${spec.url ? ` See ${spec.url}.` : ''}${template !== undefined ? ` Rule \`${spec.id}\` in \`${file}\`.` : ''}`,
    exemptions: exemptionsOf(spec),
    confidence,
    defaultMode: severity === 'off' ? 'off' : 'inline',
    file,
    line: doc.start.line,
    find,
    check: (ctx) => (inScope(ctx.path) ? find(ctx) : []),
  };
  return { rule };
}

function exemptionsOf(spec: CustomRuleDoc): string {
  const parts: string[] = [];
  if (spec.files?.length) parts.push(`runs only on files matching ${spec.files.map((g) => `\`${g}\``).join(', ')}`);
  if (spec.ignores?.length) parts.push(`skips files matching ${spec.ignores.map((g) => `\`${g}\``).join(', ')}`);
  if (spec.constraints) parts.push(`only when its constraints on ${Object.keys(spec.constraints).map((k) => `\`$${k}\``).join(', ')} hold`);
  return parts.length > 0 ? `The rule ${parts.join('; ')}.` : 'None beyond what the rule itself matches.';
}

/** `files` (any must match) and `ignores` (none may), as picomatch globs from the repository root; a glob without `/` matches the file name anywhere. */
function pathFilter(files: readonly string[] | undefined, ignores: readonly string[] | undefined): (path: string) => boolean {
  const compile = (globs: readonly string[]) => globs.map((g) => picomatch(g, { dot: true, basename: !g.includes('/') }));
  const include = files?.length ? compile(files) : undefined;
  const exclude = ignores?.length ? compile(ignores) : [];
  return (path) => (!include || include.some((m) => m(path))) && !exclude.some((m) => m(path));
}

const firstLine = (text: string): string => text.trim().split('\n')[0]!.trim();
const oneLine = (text: string): string =>
  text
    .split('\n')
    .map((l) => l.replace(/^\s*\|->/, '').trim())
    .filter(Boolean)
    .join(' ');
