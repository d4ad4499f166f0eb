import type { Config } from '../config/schema.js';
import { classifyByPath, classifyWithContent, type ClassifyOptions } from '../diff/classify.js';
import { contentFromDiff } from '../diff/content-from-diff.js';
import { buildLineMap } from '../diff/line-map.js';
import { parseDiff } from '../diff/parse.js';
import type { FileClassification, LineMap, RuleLanguage } from '../diff/types.js';
import { ALL_RULES, enabledRules } from '../rules/registry.js';
import { ruleIdsForPath, withConfiguredSeverity } from '../rules/rule-settings.js';
import { runRulesInProcess } from '../rules/run-rules-in-process.js';
import type { RunRulesInput } from '../rules/run-rules.js';
import type { Rule } from '../rules/types.js';
import { applySecondOpinion } from './apply-second-opinion.js';
import { applySuppressions } from './apply-suppressions.js';
import { compileArchitecture, declaredLayers } from '../architecture/index.js';
import { boundaryFindings } from './boundary-findings.js';
import { carryForward } from './carry-forward.js';
import { demotePreExisting, type HeadFinding } from './differential.js';
import { buildChangeMap } from './integration-map.js';
import type { IntegrationModel, IntegrationPoint } from '../integration/types.js';
import { memoryBaseModelCache, type BaseModelCache } from './base-model-cache.js';
import { readRepositoryModel, repositorySummary, snapshotBasePoints, type SnapshotObserver } from './repository-model.js';
import { applyRepositoryModel } from './repository-findings.js';
import { inferLayers } from '../integration/layers.js';
import { applyDismissals, moveSummaryOnlyRules, NO_LEARNINGS, type FeedbackSource, type LearnedEffect, type Learnings } from './feedback.js';
import { CATEGORIES, type Category, type Finding } from './finding.js';
import { mapLimit } from './map-limit.js';
import type { MarkedFinding } from './marker.js';
import type { FileContent, IntegrationContext, Logger, PullRequestSource, Publisher, ReviewFile, Reviewer, ReviewerOutput, ReviewResult, ReviewTarget, RuleRunner } from './ports.js';
import { selectFindings } from './select-findings.js';

export interface ReviewPullRequestDeps {
  source: PullRequestSource;
  /** The agent reviewer; absent for a rules-only review. */
  reviewer?: Reviewer;
  /** Absent to only compute the review (the caller renders it). */
  publisher?: Publisher;
  config: Config;
  target: ReviewTarget;
  log: Logger;
  /** Fingerprints an earlier review of this PR already posted. */
  alreadyPosted?: ReadonlySet<string>;
  /** Restrict findings to these paths (an incremental re-review); the diff and anchors stay the PR's. */
  onlyPaths?: ReadonlySet<string>;
  /**
   * The open findings of the last review's marker. Those on paths outside `onlyPaths` are still open (their
   * files did not change): they are carried into this review's marker and count for its check run.
   */
  lastOpen?: readonly MarkedFinding[];
  /** Rules to run; defaults to the registry filtered by `config.rules`. */
  rules?: readonly Rule[];
  /** Rules run besides `rules` (the repository's own ast-grep rules), through the same engine. */
  extraRules?: readonly Rule[];
  /** Where the rules run; defaults to this thread (`runRulesInProcess`). */
  ruleRunner?: RuleRunner;
  /** Aborts the agent at the review deadline. */
  signal?: AbortSignal;
  /** How many head (and base) files to read at once. */
  readConcurrency?: number;
  /** What was learned from feedback (dismissed fingerprints, summary-only rules); absent: nothing applied. */
  feedback?: FeedbackSource;
  /** Where base repository models are kept between reviews (the App's worker passes one); default: none kept. */
  baseModelCache?: BaseModelCache;
  /** Hears each repository snapshot the review needed (read, cut, failed, or turned off by config): the App's metrics. */
  onSnapshot?: SnapshotObserver;
  /**
   * The integration model of the repository at the head, given instead of reading the snapshot through the
   * source (tests, benchmarks). Without it, the model comes from `source.readBaseSnapshot` when there is one.
   */
  repositoryModel?: IntegrationModel;
  /** The model at the base commit, given with `repositoryModel`. */
  baseRepositoryModel?: IntegrationModel;
}

/**
 * The use case: one review of one change. Loads the diff through the source port, parses and
 * classifies it, runs the rules on the selected files and demotes the rule matches the base already had
 * (differential analysis, when the source reads base versions), asks the reviewer (if any) for judgement,
 * merges, anchors and caps the findings, then hands the result to the publisher.
 * Talks only to ports; every failure of a part is logged and noted, and the rest goes on.
 */
export async function reviewPullRequest(deps: ReviewPullRequestDeps): Promise<ReviewResult> {
  const { reviewer, publisher, config, target, log } = deps;
  // Differential analysis and the integration map may both want a file's base version: read it once.
  const source = sharingBaseReads(deps.source);
  const notes: string[] = [];

  const raw = await source.loadDiff();
  const parsed = parseDiff(raw);
  for (const w of parsed.warnings) {
    log.warn({ warning: w }, 'diff warning');
    notes.push(w);
  }
  if (raw.kind === 'files' && raw.truncated) notes.push('GitHub listed only the first 3,000 files of this pull request; the rest were not reviewed.');

  const opts: ClassifyOptions = { include: config.paths.include, exclude: config.paths.exclude, maxFileBytes: config.max_file_bytes };
  const lineMaps = new Map<string, LineMap>();
  for (const f of parsed.files) if (!f.binary) lineMaps.set(f.path, buildLineMap(f));

  // Pass 1 by path; pass 2 reads candidates' head content (bounded concurrency). A file the diff
  // adds whole needs no read: its one hunk is the file.
  const verdicts: FileClassification[] = parsed.files.map((f) => classifyByPath(f, opts));
  const candidates = verdicts.map((v, i) => (v.selected ? i : -1)).filter((i) => i >= 0);
  const headTexts = new Map<string, string>();
  await mapLimit(candidates, deps.readConcurrency ?? 8, async (i) => {
    const file = parsed.files[i]!;
    const verdict = verdicts[i]!;
    try {
      const content = contentFromDiff(file) ?? (await source.readFile(file.path, config.max_file_bytes));
      verdicts[i] = classifyWithContent(verdict, content, opts);
      if (verdicts[i]!.selected && content?.text !== undefined) headTexts.set(file.path, content.text);
    } catch (err) {
      log.warn({ path: file.path, err: (err as Error).message }, 'could not read head file');
      notes.push(`Could not read \`${file.path}\` at the head commit; reviewed from the diff alone.`);
    }
  });

  const selected: ReviewFile[] = [];
  parsed.files.forEach((diff, i) => {
    const classification = verdicts[i]!;
    if (!classification.selected) return;
    const lineMap = lineMaps.get(diff.path);
    if (!lineMap) return;
    const headText = headTexts.get(diff.path);
    selected.push({ diff, classification, lineMap, ...(headText !== undefined ? { headText } : {}) });
  });
  const inScope = (path: string) => !deps.onlyPaths || deps.onlyPaths.has(path);

  // The files the rules read: selected, in scope, with a rule language and a head text.
  const ruleFiles = selected.flatMap((file) => {
    const language = file.classification.ruleLanguage;
    return language && file.headText !== undefined && inScope(file.diff.path) ? [{ file, language, source: file.headText }] : [];
  });
  const languages = new Map<string, RuleLanguage>(ruleFiles.map((f) => [f.file.diff.path, f.language]));
  /** The same files as the repository model and its rules see them: head text and added lines. */
  const changedSources = ruleFiles.map((f) => ({ path: f.file.diff.path, language: f.language, source: f.source, added: f.file.lineMap.added }));

  // The repository model: the base commit's snapshot (cached per base SHA) with the change applied. Only for a
  // change with source files the rules read (a docs-only change costs no tarball).
  /** The review would read a snapshot (no model given, a source that can, source files to judge), config permitting. */
  const snapshotWanted = !deps.repositoryModel && source.readBaseSnapshot !== undefined && ruleFiles.length > 0;
  const snapshotOn = config.integration_map.enabled && config.integration_map.snapshot.enabled;
  const repository =
    snapshotWanted && snapshotOn
      ? await readRepositoryModel({
          source,
          repository: target.repository,
          config,
          files: parsed.files,
          // Read before the rule run: the layers below are for the rule run itself.
          head: changedSources,
          // Without a cache (the CLI: one review per process), the snapshot is read for this review alone.
          cache: deps.baseModelCache ?? memoryBaseModelCache(),
          log,
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(deps.onSnapshot ? { onSnapshot: deps.onSnapshot } : {}),
        })
      : undefined;
  if (snapshotWanted && !snapshotOn) deps.onSnapshot?.('disabled');
  notes.push(...(repository?.notes ?? []));
  /** The head repository model (for layers, repository-wide findings and the agent); absent without a snapshot. */
  const repositoryModel: IntegrationModel | undefined = deps.repositoryModel ?? repository?.view?.model;
  /** The base repository model, to tell what the change made new. */
  const baseRepositoryModel: IntegrationModel | undefined = deps.repositoryModel ? deps.baseRepositoryModel : repository?.view?.baseModel;

  // Rules.
  const rules = [...(deps.rules ?? enabledRules(config.rules)), ...(deps.extraRules ?? [])];
  // With a repository model, each file's layer comes from the model (and the declared `architecture:` modules)
  // instead of its folder names.
  // Compiled once: for the layers here and for the boundary findings below.
  const architecture = config.architecture ? compileArchitecture(config.architecture) : undefined;
  const declared = architecture ? declaredLayers(architecture) : undefined;
  const layers = repositoryModel ? inferLayers(repositoryModel, changedSources, declared) : undefined;
  const ruleRunner = deps.ruleRunner ?? runRulesInProcess;
  /** The changed files' head points from the repository model, when the snapshot was read (see `readRepositoryModel`). */
  const headPointsByPath = repository?.view ? pointsByPath(repository.view.model, changedSources) : undefined;
  // Signatures describe each match for differential analysis, which needs the base versions.
  const signatures = source.readBaseFile !== undefined;
  const ruleInputs: RunRulesInput[] = [];
  const ruleIdList = rules.map((r) => r.id);
  for (const { file, language: lang, source: text } of ruleFiles) {
    // `rules: { <id>: { paths, exclude } }` narrows where a rule runs.
    const ruleIds = ruleIdsForPath(config.rules, ruleIdList, file.diff.path);
    ruleInputs.push({
      path: file.diff.path,
      language: lang,
      source: text,
      changedLines: file.lineMap.added,
      ...(ruleIds ? { ruleIds } : {}),
      ...(signatures ? { signatures } : {}),
      // The repository model already extracted the changed files' points (same parse helpers): not again here.
      ...(config.integration_map.enabled && !headPointsByPath ? { integration: true } : {}),
      ...(layers?.[file.diff.path] ? { layer: layers[file.diff.path] } : {}),
    });
  }
  const ruleResults = await ruleRunner(ruleInputs, rules);
  const headMatches: HeadFinding[] = [];
  let ruleErrors = 0;
  ruleResults.forEach((res, i) => {
    res.findings.forEach((finding, k) => headMatches.push({ finding, signature: res.signatures?.[k] }));
    for (const e of res.errors) {
      ruleErrors++;
      log.warn({ path: ruleInputs[i]?.path, error: e }, 'rule error');
    }
  });
  if (ruleErrors > 0) notes.push(`${ruleErrors} rule check(s) could not run (see the logs); the other findings are complete.`);

  // Differential analysis: a match the base already had is not new.
  const differential = await demotePreExisting({
    source,
    files: parsed.files,
    languages,
    headTexts,
    lineMaps,
    matches: headMatches,
    rules,
    ruleRunner,
    maxFileBytes: config.max_file_bytes,
    readConcurrency: deps.readConcurrency ?? 8,
    log,
    ...(layers ? { layers } : {}),
  });
  notes.push(...differential.notes);
  // Declared architecture boundaries (`architecture:`): judged on the imports this change adds, from the changed files alone.
  const boundaries = boundaryFindings({
    config,
    ...(architecture ? { compiled: architecture } : {}),
    files: ruleFiles.map(({ file, language, source: text }) => ({
      path: file.diff.path,
      language,
      text,
      added: file.lineMap.added,
      deleted: file.diff.hunks.flatMap((h) => h.lines.filter((l) => l.kind === 'del').map((l) => l.content)),
    })),
  });
  // Findings that need the repository model, on added lines of the files in scope.
  const withRepository = repositoryModel
    ? applyRepositoryModel({
        findings: differential.findings,
        model: repositoryModel,
        ...(baseRepositoryModel ? { baseModel: baseRepositoryModel } : {}),
        files: changedSources,
        rules,
        settings: config.rules,
        log,
      })
    : differential.findings;
  const ruleFindings: Finding[] = withConfiguredSeverity([...withRepository, ...boundaries], config.rules);

  // The integration map: the changed files' integration points at the head, against their base versions.
  const integrationMap = config.integration_map.enabled
    ? await buildChangeMap({
        source,
        files: parsed.files,
        inputs: ruleInputs,
        results: headPointsByPath ? ruleResults.map((r, i) => ({ ...r, points: headPointsByPath.get(ruleInputs[i]!.path) ?? [] })) : ruleResults,
        maxFileBytes: config.max_file_bytes,
        maxServices: config.integration_map.max_services,
        readConcurrency: deps.readConcurrency ?? 8,
        log,
        ruleRunner,
        ...(repository?.view ? { basePoints: snapshotBasePoints(repository.view.base) } : {}),
      })
    : undefined;

  // Agent. It sees the change's integration edges and, with a repository snapshot, the repository's adapters.
  const integrationContext: IntegrationContext | undefined =
    (integrationMap && integrationMap.edges.length > 0) || (repositoryModel?.adapters.length ?? 0) > 0
      ? {
          ...(integrationMap ? { map: integrationMap } : {}),
          ...(repositoryModel ? { adapters: repositoryModel.adapters } : {}),
          ...(repository?.view?.base.truncated ? { truncated: true } : {}),
        }
      : undefined;
  let agentOut: ReviewerOutput | undefined;
  let agentFindings: Finding[] = [];
  const agentFiles = selected.filter((f) => inScope(f.diff.path));
  if (reviewer && config.agent.enabled && agentFiles.length > 0) {
    try {
      agentOut = await reviewer.review({
        target,
        files: agentFiles,
        hints: ruleFindings,
        config,
        ...(integrationContext ? { integration: integrationContext } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      notes.push(...agentOut.notes);
      // Distrust model output: a finding on a file the reviewer was not given is made up, so it is dropped
      // (and said so). Lines outside the diff are handled by selectFindings (summary, not dropped).
      const given = new Set(agentFiles.map((f) => f.diff.path));
      agentFindings = agentOut.findings.filter((f) => given.has(f.path)).map((f) => ({ ...f, source: 'agent' as const }));
      const foreign = agentOut.findings.length - agentFindings.length;
      if (foreign > 0) {
        log.warn({ count: foreign, paths: [...new Set(agentOut.findings.filter((f) => !given.has(f.path)).map((f) => f.path))] }, 'agent findings on files it was not given');
        notes.push(`${foreign} agent finding(s) about files outside the reviewed set were discarded.`);
      }
    } catch (err) {
      log.error({ err: (err as Error).message, reviewer: reviewer.name }, 'agent reviewer failed; rules only');
      notes.push('The agent reviewer was unavailable, so this review comes from the deterministic rules only.');
    }
  }

  // The agent's second opinion on the rule findings: rejected ones are demoted with its reason.
  const judged = applySecondOpinion(ruleFindings, agentOut?.secondOpinion, config.min_confidence);
  notes.push(...judged.notes);
  const gathered = [...judged.findings, ...agentFindings].filter((f) => inScope(f.path));
  // `arch-review-ignore` comments in the head files silence rule and agent findings alike.
  const silenced = applySuppressions({
    findings: gathered,
    files: new Map(
      selected.flatMap((f) => (f.headText !== undefined && f.classification.ruleLanguage && inScope(f.diff.path) ? [[f.diff.path, { language: f.classification.ruleLanguage, text: f.headText }] as const] : [])),
    ),
    ruleIds: [...ALL_RULES, ...rules].map((r) => r.id),
    added: new Map(selected.map((f) => [f.diff.path, f.lineMap.added])),
  });
  notes.push(...silenced.notes);
  if (silenced.suppressed.length > 0) log.info({ suppressed: silenced.suppressed.length }, 'findings suppressed in code');
  // Feedback: dismissed fingerprints are demoted (never inline again); rules dismissed often go summary-only.
  const learnings = await loadLearnings(deps.feedback, log, notes);
  const dismissals = applyDismissals(silenced.findings, learnings);
  const all = dismissals.findings;
  const selected0 = selectFindings({ findings: all, config, lineMaps, ...(deps.alreadyPosted ? { alreadyPosted: deps.alreadyPosted } : {}) });
  const learnedMove = moveSummaryOnlyRules(selected0.inline, selected0.summaryOnly, learnings);
  notes.push(...learnedMove.notes);
  const chosen = { ...selected0, inline: learnedMove.inline, summaryOnly: learnedMove.summaryOnly };
  const learned: LearnedEffect | undefined = deps.feedback
    ? { suppressed: Object.fromEntries(dismissals.suppressed), summaryOnlyRules: [...new Set(learnedMove.summaryOnly.filter((s) => s.reason === 'learned-summary-only').map((s) => s.finding.ruleId!))] }
    : undefined;
  log.debug({ filtered: chosen.filtered, merged: chosen.merged, alreadyPosted: chosen.alreadyPosted }, 'findings selected');
  const carried = carryForward({
    lastOpen: deps.lastOpen ?? [],
    onlyPaths: deps.onlyPaths,
    diffPaths: parsed.files.map((f) => f.path),
    present: chosen.open,
    minSeverity: config.min_severity,
  });
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of [...chosen.inline, ...chosen.summaryOnly.map((s) => s.finding)]) counts[f.category]++;

  const result: ReviewResult = {
    target,
    inline: chosen.inline,
    summaryOnly: chosen.summaryOnly,
    demoted: chosen.demoted,
    files: verdicts,
    questions: agentOut?.questions ?? [],
    ...(agentOut?.assessment ? { assessment: agentOut.assessment } : {}),
    notes,
    alreadyPosted: chosen.alreadyPosted,
    counts,
    ...(agentOut?.usage ? { usage: agentOut.usage } : {}),
    // Includes already-posted and merged fingerprints, so the newest marker alone prevents every repeat.
    fingerprints: chosen.fingerprints,
    earlier: [...chosen.earlier.map((finding) => ({ severity: finding.severity, finding })), ...carried.map((f) => ({ severity: f.severity }))],
    open: [...chosen.open, ...carried],
    lineMaps,
    ...(silenced.suppressed.length > 0 ? { suppressed: silenced.suppressed } : {}),
    ...(integrationMap && integrationMap.edges.length > 0 ? { integrationMap } : {}),
    ...(repository?.view ? { repository: repositorySummary(repository.view) } : {}),
    ...(learned ? { learned } : {}),
  };
  log.info({ inline: result.inline.length, summaryOnly: result.summaryOnly.length, demoted: chosen.demoted.length, files: verdicts.length, selected: selected.length }, 'review computed');
  if (publisher) await publisher.publish(result);
  return result;
}

/** The source with `readBaseFile` memoised per path for this review (one request per base file in the App). */
function sharingBaseReads(source: PullRequestSource): PullRequestSource {
  const read = source.readBaseFile?.bind(source);
  if (!read) return source;
  const seen = new Map<string, Promise<FileContent | undefined>>();
  return Object.assign(Object.create(source) as PullRequestSource, {
    readBaseFile(path: string, maxBytes: number): Promise<FileContent | undefined> {
      const key = `${maxBytes}\u0000${path}`;
      let hit = seen.get(key);
      if (!hit) seen.set(key, (hit = read(path, maxBytes)));
      return hit;
    },
  });
}

/** The learnings of the feedback port; a failure to read them is logged and noted, and the review goes on without them. */
async function loadLearnings(feedback: FeedbackSource | undefined, log: Logger, notes: string[]): Promise<Learnings> {
  if (!feedback) return NO_LEARNINGS;
  try {
    return await feedback.learnings();
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not read the feedback learned earlier; reviewing without it');
    notes.push('Feedback learned from earlier reviews could not be read, so dismissed findings may be posted again.');
    return NO_LEARNINGS;
  }
}

/** The points of the changed files in a repository model, by path. */
function pointsByPath(model: IntegrationModel, files: readonly { path: string }[]): Map<string, IntegrationPoint[]> {
  const byPath = new Map<string, IntegrationPoint[]>(files.map((f) => [f.path, []]));
  for (const p of model.points) byPath.get(p.path)?.push(p);
  return byPath;
}
