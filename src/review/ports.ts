import type { ChangeMap } from '../integration/change-map.js';
import type { RepositorySnapshot, SnapshotBudget } from '../integration/snapshot.js';
import type { Adapter } from '../integration/types.js';
import type { Config } from '../config/schema.js';
import type { DiffFile, FileClassification, LineMap, RawDiff } from '../diff/types.js';

export type { RawDiff } from '../diff/types.js';
import type { RunRulesInput, RunRulesResult } from '../rules/run-rules.js';
import type { Rule } from '../rules/types.js';
import type { Category, DemotionReason, Finding, Severity } from './finding.js';
import type { LearnedEffect } from './feedback.js';
import type { MarkedFinding } from './marker.js';
import type { SuppressedFinding } from './apply-suppressions.js';

/** Identifies the pull request (or local change) under review. */
export interface ReviewTarget {
  /** `owner/repo`, or a local label such as the repository folder name. */
  repository: string;
  /** Pull-request number; absent for a local diff. */
  number?: number;
  headSha: string;
  baseSha?: string;
  title?: string;
  body?: string;
  author?: string;
  commitMessages?: string[];
}

/** The head version of one changed file. */
export interface FileContent {
  /** UTF-8 text; absent when the file is binary or too large. */
  text?: string;
  size: number;
  binary: boolean;
  tooLarge?: boolean;
}

/** Reads a change: a GitHub pull request, or a local git diff. */
export interface PullRequestSource {
  loadDiff(): Promise<RawDiff>;
  /** Head version of `path`; `undefined` when it does not exist at head. */
  readFile(path: string, maxBytes: number): Promise<FileContent | undefined>;
  /**
   * Base version of `path` (the merge base the diff is taken against), for differential analysis: a rule
   * match already present in the base is not new. `undefined` when the file does not exist at base. A source
   * without it (a bare diff) reviews every changed line as new.
   */
  readBaseFile?(path: string, maxBytes: number): Promise<FileContent | undefined>;
  /**
   * The repository at the base commit (the merge base), for the repository model: the source files a
   * `SnapshotCollector` keeps under `budget` (one tarball request in the App, `git ls-tree` + `git
   * cat-file --batch` in the CLI). `undefined` when the source cannot read one.
   */
  readBaseSnapshot?(opts: { budget: SnapshotBudget; changedPaths: readonly string[]; signal?: AbortSignal }): Promise<RepositorySnapshot | undefined>;
  /** The commit `readBaseSnapshot` reads, so its model can be cached per commit before any snapshot is read. */
  baseSnapshotRef?(): Promise<string>;
}

/** One file handed to the reviewer: selected, parsed, with its head text. */
export interface ReviewFile {
  diff: DiffFile;
  classification: FileClassification;
  lineMap: LineMap;
  /** Head text; absent if it could not be read. */
  headText?: string;
}

/**
 * What the agent is told about the repository's integrations: the adapters that wrap each service (from the
 * repository model, when a snapshot was read) and the module → service edges the change adds, changes or
 * removes, with their resilience facts (from the change map). Both are computed deterministically.
 */
export interface IntegrationContext {
  map?: ChangeMap;
  adapters?: readonly Adapter[];
  /** The repository snapshot was cut by its budget: adapters outside what was read are unknown. */
  truncated?: boolean;
}

/** What the agent reviewer gets. */
export interface ReviewerInput {
  target: ReviewTarget;
  files: ReviewFile[];
  /** Rule findings, as hints: the reviewer should not repeat them. */
  hints: Finding[];
  config: Config;
  /** The repository's adapters and the integration edges of the change, shown to the agent as `<integration_map>`. */
  integration?: IntegrationContext;
  /** Aborts the review at the per-review deadline. */
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  requests: number;
  /** Estimated cost in US dollars, when the model's price is known. */
  costUsd?: number;
}

/** A rule finding the agent rejected: its fingerprint and the agent's reason (untrusted text, raw). */
export interface RuleVerdictRejection {
  fingerprint: string;
  reason: string;
}

/**
 * The agent's second opinion on the rule findings it was shown (`ReviewerInput.hints`): which it rejected,
 * with a reason, and which it confirmed, by fingerprint. Applied by `applySecondOpinion`.
 */
export interface SecondOpinion {
  /** How many rule findings the agent was shown and could judge. */
  judged: number;
  rejected: RuleVerdictRejection[];
  /** Fingerprints of the confirmed findings. */
  confirmed: string[];
}

/** What the agent reviewer returns. Findings are already zod-validated, but not yet confined or anchored. */
export interface ReviewerOutput {
  findings: Finding[];
  /** Its verdicts on the rule findings, when it was shown any. */
  secondOpinion?: SecondOpinion;
  questions: string[];
  assessment?: string;
  /** Visible notes about the run, e.g. "The agent was unavailable; rules only." or files not covered. */
  notes: string[];
  usage?: TokenUsage;
}

/** The judgement beyond rules: Claude as the backend-integration architect. */
export interface Reviewer {
  readonly name: string;
  review(input: ReviewerInput): Promise<ReviewerOutput>;
}

/** A finding that could not be an inline comment, and why. */
export interface SummaryFinding {
  finding: Finding;
  reason: 'not-in-diff' | 'over-cap' | 'rejected-by-github' | 'learned-summary-only';
}

/**
 * A finding kept out of the inline comments on purpose, listed collapsed in the summary: under the confidence
 * threshold (or from a summary-only rule), already present in the base version of its file, or rejected by
 * the agent's second opinion. Never counted by the check run.
 */
export interface DemotedFinding {
  finding: Finding;
  reason: DemotionReason;
  /** One line: why (the agent's reason, the rule's measured precision, "already in the base"). */
  why: string;
}

/**
 * A finding an earlier review of the pull request posted that is still open at this head: recomputed by
 * this review (`finding` set), or carried from the last review's marker because its file was not
 * re-reviewed (severity only).
 */
export interface EarlierFinding {
  severity: Severity;
  finding?: Finding;
}

/** The finished review, before rendering. */
export interface ReviewResult {
  target: ReviewTarget;
  /** Findings anchored to commentable lines, ranked, within the cap. */
  inline: Finding[];
  /** Findings listed in the summary instead, with the reason. */
  summaryOnly: SummaryFinding[];
  /** Lower-confidence, pre-existing and agent-rejected findings: collapsed in the summary, never counted. */
  demoted?: DemotedFinding[];
  /** Every file of the diff: reviewed or skipped, with the reason. */
  files: FileClassification[];
  questions: string[];
  assessment?: string;
  notes: string[];
  /** Findings already posted in an earlier review of this PR (not repeated). */
  alreadyPosted: number;
  counts: Record<Category, number>;
  usage?: TokenUsage;
  /** Fingerprints of every finding of this review (inline and summary), for the marker. */
  fingerprints: string[];
  /**
   * Findings posted by an earlier review and still open at this head, so a check run judges every finding
   * at head, not only the new ones. Absent when not known (no earlier review was consulted).
   */
  earlier?: EarlierFinding[];
  /**
   * Every finding open at this head with its severity and path, for the marker: this review's (new or posted
   * before) and those carried from the last marker. Absent: the marker lists `fingerprints` only.
   */
  open?: MarkedFinding[];
  /** Line maps of the reviewed files, so a publisher can re-check anchors. */
  lineMaps: Map<string, LineMap>;
  /** The integration map of the change (module → service edges with resilience facts); absent when off or when nothing was found. */
  integrationMap?: ChangeMap;
  /**
   * The repository model at the head (the base snapshot with the change applied), summarised: its adapters,
   * how many outbound services and files it covers, and whether the snapshot was cut. Absent without a snapshot.
   */
  repository?: { adapters: Adapter[]; services: number; files: number; truncated: boolean };
  /** Findings an `arch-review-ignore` comment silenced: not posted, counted in the summary and metrics. */
  suppressed?: SuppressedFinding[];
  /** What feedback learned earlier did to this review (absent without a feedback port). */
  learned?: LearnedEffect;
}

/** Delivers a finished review: a GitHub PR review and check run, or stdout. */
export interface Publisher {
  publish(result: ReviewResult): Promise<void>;
}

/**
 * Runs the rules over the selected files (one result per input, same order). The default runs in
 * this thread; a worker-thread pool spreads a large change over the machine's cores.
 */
export type RuleRunner = (inputs: readonly RunRulesInput[], rules: readonly Rule[]) => Promise<RunRulesResult[]>;

/** Structured logger (pino-compatible subset). */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
