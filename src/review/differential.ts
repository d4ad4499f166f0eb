import { judgeLanguage } from '../diff/judge-path.js';
import { detectLanguage } from '../diff/language.js';
import type { DiffFile, LineMap, RuleLanguage } from '../diff/types.js';
import { codeTokens, type MatchSignature } from '../rules/match-signature.js';
import type { RunRulesInput } from '../rules/run-rules.js';
import type { Layer } from '../integration/layers.js';
import type { Rule } from '../rules/types.js';
import type { Finding } from './finding.js';
import { mapLimit } from './map-limit.js';
import type { Logger, PullRequestSource, RuleRunner } from './ports.js';

/**
 * Differential analysis: a rule match on a changed line is new only if the problem was not already in the
 * base. Rules run on the base version of the changed files too, and a head match that has a counterpart among
 * the base matches the change removed or re-touched is demoted as pre-existing (listed collapsed in the
 * summary, never inline). Code moved verbatim — deleted in one place, added in another, in the same file or
 * another — is found the same way: the base side pools the matches of every changed file with a rule language.
 *
 * Matching (see {@link matchPreExisting}): by rule and normalised code, whatever the path (a move), each base
 * match consumed once (base had 2, head has 3: one is new); then, for what is left, a match of the same rule in
 * the same named function with similar code (token similarity at least {@link SIMILARITY}): a line re-touched to
 * add an argument, `=` turned into `:=`, a reformatted call.
 *
 * Cost: only base files that could hold a counterpart are read and analysed, each with only the rules that
 * matched there on the head side (see {@link planBaseAnalysis}).
 */

/** Token similarity (Dice coefficient) at or above which two matches of one rule in one function are the same problem. */
export const SIMILARITY = 0.6;

/** How one file changed, seen from its base version. */
export interface BaseChange {
  /** Base lines the change deleted (or replaced). */
  deleted: Set<number>;
  /** Base lines after which the change inserted lines (0: at the top). */
  insertedAfter: Set<number>;
  /** Text of each deleted line, by base line. */
  deletedText: Map<number, string>;
}

/** The base side of one diff file, from its hunks. */
export function baseChangeOf(file: DiffFile): BaseChange {
  const deleted = new Set<number>();
  const insertedAfter = new Set<number>();
  const deletedText = new Map<number, string>();
  for (const hunk of file.hunks) {
    let lastOld = hunk.oldStart > 0 ? hunk.oldStart - 1 : 0;
    for (const line of hunk.lines) {
      if (line.kind === 'add') insertedAfter.add(lastOld);
      else if (line.oldLine !== undefined) {
        lastOld = line.oldLine;
        if (line.kind === 'del') {
          deleted.add(line.oldLine);
          deletedText.set(line.oldLine, line.content);
        }
      }
    }
  }
  return { deleted, insertedAfter, deletedText };
}

/** Dice coefficient of two token multisets: 1 for the same tokens, 0 for none in common. */
export function tokenSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const t of a) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of b) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      common++;
      counts.set(t, n - 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

/** A head rule match on a changed line, described for matching. */
export interface HeadMatch {
  /** Head path. */
  path: string;
  /** Base path of its file (the old path of a rename); absent for an added file. */
  basePath?: string;
  signature: MatchSignature;
}

/** A base rule match the change deleted or re-touched. */
export interface BaseMatch {
  /** Base path. */
  path: string;
  signature: MatchSignature;
}

/**
 * Pairs head matches with the base matches they stand for, each base match used once. First by rule and
 * normalised code, wherever the file (a move); then by rule, same named function (or, at module level, same
 * file) and token similarity ≥ {@link SIMILARITY}, the most similar first. Returns, by head index, the base
 * match it pairs with; an unpaired head match is new.
 */
export function matchPreExisting(head: readonly HeadMatch[], base: readonly BaseMatch[]): Map<number, BaseMatch> {
  const paired = new Map<number, BaseMatch>();
  const used = new Set<number>();
  const byKey = new Map<string, number[]>();
  base.forEach((b, i) => {
    const key = `${b.signature.ruleId}\0${b.signature.code}`;
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  head.forEach((h, hi) => {
    const list = byKey.get(`${h.signature.ruleId}\0${h.signature.code}`);
    const bi = list?.find((i) => !used.has(i));
    if (bi === undefined) return;
    used.add(bi);
    paired.set(hi, base[bi]!);
  });

  const tokens = new Map<string, string[]>();
  const tokensOf = (code: string) => {
    let t = tokens.get(code);
    if (!t) tokens.set(code, (t = code.split(' ')));
    return t;
  };
  const sameScope = (h: HeadMatch, b: BaseMatch) =>
    h.signature.scope !== undefined ? h.signature.scope === b.signature.scope : b.signature.scope === undefined && b.path === h.basePath;
  head.forEach((h, hi) => {
    if (paired.has(hi)) return;
    let best: { i: number; score: number } | undefined;
    base.forEach((b, bi) => {
      if (used.has(bi) || b.signature.ruleId !== h.signature.ruleId || !sameScope(h, b)) return;
      const score = tokenSimilarity(tokensOf(h.signature.code), tokensOf(b.signature.code));
      if (score >= SIMILARITY && (!best || score > best.score)) best = { i: bi, score };
    });
    if (!best) return;
    used.add(best.i);
    paired.set(hi, base[best.i]!);
  });
  return paired;
}

/** A diff file whose base version may hold rule matches: modified, renamed or deleted, in a rule language. */
export interface BaseFile {
  /** Base path (the old path of a rename). */
  path: string;
  language: RuleLanguage;
  change: BaseChange;
}

/** A head match to place, with what the plan needs of its file. */
export interface PlanMatch extends HeadMatch {
  /** Head text of its lines `line..endLine`. */
  lines: readonly string[];
  /** Head lines the change added in its file. */
  added: ReadonlySet<number>;
}

/**
 * Which base files to analyse, each with the rules to run there: only where a head match could have a
 * counterpart. A head match whose lines are all new can only pair with a base match on deleted lines that
 * look like it (the same tokens: moved; or similar ones in its own file: re-touched); one that also spans
 * unchanged lines may be an old match the change grew, so its own base file is needed.
 */
export function planBaseAnalysis(matches: readonly PlanMatch[], files: readonly BaseFile[]): Map<string, Set<string>> {
  const plan = new Map<string, Set<string>>();
  const need = (path: string, ruleId: string) => {
    const ids = plan.get(path);
    if (ids) ids.add(ruleId);
    else plan.set(path, new Set([ruleId]));
  };
  const byPath = new Map(files.map((f) => [f.path, f]));
  // Deleted lines by their tokens, for verbatim moves from any file.
  const deletedBy = new Map<string, Set<string>>();
  const deletedTokens = new Map<string, string[][]>();
  for (const f of files) {
    const own: string[][] = [];
    for (const text of f.change.deletedText.values()) {
      const t = codeTokens(text);
      if (t.length === 0) continue;
      own.push(t);
      const key = t.join(' ');
      const set = deletedBy.get(key);
      if (set) set.add(f.path);
      else deletedBy.set(key, new Set([f.path]));
    }
    deletedTokens.set(f.path, own);
  }

  for (const m of matches) {
    const { ruleId, line } = m.signature;
    const own = m.basePath !== undefined ? byPath.get(m.basePath) : undefined;
    let ownNeeded = false;
    m.lines.forEach((text, i) => {
      const headLine = line + i;
      if (!m.added.has(headLine)) {
        ownNeeded = true;
        return;
      }
      const t = codeTokens(text);
      if (t.length < 2) return;
      for (const path of deletedBy.get(t.join(' ')) ?? []) need(path, ruleId);
      if (own && !ownNeeded) ownNeeded = (deletedTokens.get(own.path) ?? []).some((d) => tokenSimilarity(t, d) >= SIMILARITY);
    });
    if (own && ownNeeded) need(own.path, ruleId);
  }
  return plan;
}

/** The rule language of a path, as the classifier would give it; undefined when no rules apply. */
export function ruleLanguageOfPath(path: string): RuleLanguage | undefined {
  const language = detectLanguage(path);
  const verdict = language ? judgeLanguage(language) : undefined;
  return verdict?.selected ? verdict.ruleLanguage : undefined;
}

/** A head rule finding and, when its runner described it, its signature. */
export interface HeadFinding {
  finding: Finding;
  signature?: MatchSignature | undefined;
}

export interface DemotePreExistingInput {
  source: PullRequestSource;
  /** Every file of the diff. */
  files: readonly DiffFile[];
  /** Rule languages of the reviewed files, by head path (a `#!` line may have named it). */
  languages: ReadonlyMap<string, RuleLanguage>;
  headTexts: ReadonlyMap<string, string>;
  lineMaps: ReadonlyMap<string, LineMap>;
  /** Head rule findings on changed lines, each with its signature (a finding without one is left as new). */
  matches: readonly HeadFinding[];
  rules: readonly Rule[];
  ruleRunner: RuleRunner;
  maxFileBytes: number;
  readConcurrency: number;
  log: Logger;
  /** Head path → layer from the repository model: the base version is judged in the same layer as the head. */
  layers?: Readonly<Record<string, Layer>>;
}

export interface DemotePreExistingResult {
  /** The head findings in the same order, pre-existing ones with `demotion: { reason: 'pre-existing' }`. */
  findings: Finding[];
  notes: string[];
  /** Base files analysed, and head findings demoted. */
  baseFiles: number;
  demoted: number;
}

/**
 * Reads the base versions a plan needs (bounded concurrency), runs the rules that matched on them, and demotes
 * the head findings that pair with a base match. A source without base reads, or a base file that cannot be
 * read, leaves the findings it concerns as they are (new), with a note.
 */
export async function demotePreExisting(input: DemotePreExistingInput): Promise<DemotePreExistingResult> {
  const { source, log } = input;
  const findings = input.matches.map((m) => m.finding);
  const notes: string[] = [];
  if (input.matches.length === 0) return { findings, notes, baseFiles: 0, demoted: 0 };
  if (!source.readBaseFile) {
    notes.push('The base versions of the changed files were not available, so every rule match on a changed line counts as new.');
    return { findings, notes, baseFiles: 0, demoted: 0 };
  }

  const baseFiles: BaseFile[] = [];
  const basePathOf = new Map<string, string>();
  for (const file of input.files) {
    if (file.binary || file.status === 'added' || file.status === 'copied') continue;
    const path = file.oldPath ?? file.path;
    const language = ruleLanguageOfPath(path) ?? input.languages.get(file.path);
    if (!language) continue;
    basePathOf.set(file.path, path);
    baseFiles.push({ path, language, change: baseChangeOf(file) });
  }

  // Index into `findings` of each described head match.
  const described = input.matches.flatMap((m, i) => (m.signature ? [{ i, finding: m.finding, signature: m.signature }] : []));
  const head: PlanMatch[] = described.map(({ finding, signature }) => {
    const text = input.headTexts.get(finding.path) ?? '';
    const lines = text.split('\n').slice(signature.line - 1, signature.endLine ?? signature.line);
    const basePath = basePathOf.get(finding.path);
    return { path: finding.path, ...(basePath !== undefined ? { basePath } : {}), signature, lines, added: input.lineMaps.get(finding.path)?.added ?? new Set() };
  });
  const plan = planBaseAnalysis(head, baseFiles);
  if (plan.size === 0) return { findings, notes, baseFiles: 0, demoted: 0 };

  const byPath = new Map(baseFiles.map((f) => [f.path, f]));
  const layerOfBase = new Map<string, Layer>();
  for (const [head, base] of basePathOf) if (input.layers?.[head]) layerOfBase.set(base, input.layers[head]!);
  const inputs: RunRulesInput[] = [];
  await mapLimit([...plan.keys()], input.readConcurrency, async (path) => {
    const file = byPath.get(path)!;
    try {
      const content = await source.readBaseFile!(path, input.maxFileBytes);
      if (content === undefined) return;
      if (content.text === undefined) {
        notes.push(`\`${path}\` at the base commit is ${content.binary ? 'binary' : 'too large'}; rule matches that might come from it count as new.`);
        return;
      }
      inputs.push({
        path,
        language: file.language,
        source: content.text,
        changedLines: file.change.deleted,
        insertedAfter: file.change.insertedAfter,
        ruleIds: [...plan.get(path)!],
        signatures: true,
        ...(layerOfBase.get(path) ? { layer: layerOfBase.get(path)! } : {}),
      });
    } catch (err) {
      log.warn({ path, err: (err as Error).message }, 'could not read base file');
      notes.push(`Could not read \`${path}\` at the base commit; rule matches that might come from it count as new.`);
    }
  });
  inputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const planned = new Set([...plan.values()].flatMap((ids) => [...ids]));
  const results = await input.ruleRunner(inputs, input.rules.filter((r) => planned.has(r.id)));

  const base: BaseMatch[] = [];
  results.forEach((res, i) => {
    for (const signature of res.signatures ?? []) base.push({ path: inputs[i]!.path, signature });
    for (const e of res.errors) log.warn({ path: inputs[i]!.path, error: e }, 'rule error on the base version');
  });
  const paired = matchPreExisting(head, base);
  for (const [hi, b] of paired) {
    const h = head[hi]!;
    const why = b.path === h.basePath ? 'already in the base version of this file: the change only re-touched or moved it.' : `moved from \`${b.path}\`, where the base version has it already.`;
    const fi = described[hi]!.i;
    findings[fi] = { ...findings[fi]!, demotion: { reason: 'pre-existing', why } };
  }
  log.debug({ baseFiles: inputs.length, baseMatches: base.length, demoted: paired.size }, 'differential analysis');
  return { findings, notes, baseFiles: inputs.length, demoted: paired.size };
}
