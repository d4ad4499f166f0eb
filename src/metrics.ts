import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Outcomes a review job can end with, for `reviews_total{outcome}`. `failed`: its last try failed
 * (before or during the review); `retried`: a try failed and the queue runs it again; `interrupted`:
 * stopped by a shutdown, to run again after the restart.
 */
export type ReviewOutcome = 'published' | 'skipped' | 'superseded' | 'failed' | 'retried' | 'interrupted' | 'config-error';

/** The Prometheus metrics of one process, on their own registry (no module-global state). */
export interface Metrics {
  readonly registry: Registry;
  /** `reviews_total{outcome}`: finished review jobs. */
  readonly reviewsTotal: Counter<'outcome'>;
  /** `review_duration_seconds{outcome}`: wall time of one review job. */
  readonly reviewDuration: Histogram<'outcome'>;
  /** `findings_total{category,source}`: findings in published reviews. */
  readonly findingsTotal: Counter<'category' | 'source'>;
  /** `github_api_errors_total{status}`: failed GitHub requests (`status` is `network` without a response). */
  readonly githubApiErrors: Counter<'status'>;
  /** `queue_depth{state}`: jobs `waiting` and `active`, read when scraped. */
  readonly queueDepth: Gauge<'state'>;
  /** `webhook_deliveries_total{event,outcome}`: deliveries handled, by what came of them. */
  readonly webhookDeliveries: Counter<'event' | 'outcome'>;
  /** `commands_total{outcome}`: `/arch-review` commands the worker handled (`denied`, `help`, `enqueued`, …). */
  readonly commandsTotal: Counter<'outcome'>;
  /** `reconciler_enqueued_total`: review jobs the reconciler queued for heads without a completed check run. */
  readonly reconcilerEnqueued: Counter;
  /** `job_retries_total{type}`: failed tries the queue runs again after a backoff. */
  readonly jobRetries: Counter<'type'>;
  /** `job_failures_total{type}`: jobs that failed for good (a permanent error, or the last try). */
  readonly jobFailures: Counter<'type'>;
  /** `marketplace_events_total{action}`: GitHub Marketplace plan changes (`purchased`, `changed`, `cancelled`, …, or `other`). */
  readonly marketplaceEvents: Counter<'action'>;
  /** `suppressions_total{rule}`: findings of published reviews silenced by `arch-review-ignore` comments (`agent/<category>` for agent findings). */
  readonly suppressionsTotal: Counter<'rule'>;
  /**
   * `replies_total{outcome,mode}`: replies in arch-review's threads and `/arch-review ask` the worker handled.
   * `outcome`: `answered`, `already-answered`, `not-ours`, `denied`, `retried`, `failed`; `mode`: `agent` or `docs`.
   */
  readonly repliesTotal: Counter<'outcome' | 'mode'>;
  /** `custom_rule_errors_total`: problems in repositories' own rule files met by reviews (each fails that review's check run). */
  readonly customRuleErrors: Counter;
  /** `feedback_total{rule,kind}`: feedback recorded on posted findings (`dismissed`: 👎, resolved unchanged, a reply; `approved`: 👍), once each. */
  readonly feedbackTotal: Counter<'rule' | 'kind'>;
  /** `findings_suppressed_by_feedback_total{rule}`: findings kept out of a review because they were dismissed before. */
  readonly findingsSuppressedByFeedback: Counter<'rule'>;
  /** `pause_changes_total{state}`: `/arch-review pause` (`paused`) and `resume` (`resumed`) answered. */
  readonly pauseChanges: Counter<'state'>;
  /**
   * `repository_snapshots_total{outcome}`: base-commit snapshots reviews needed: `read`, `truncated` (a budget
   * cut it), `failed` (the review went on without it), `disabled` (`integration_map.snapshot.enabled: false`).
   * A base model found in the cache reads none (see `base_model_cache_lookups_total`).
   */
  readonly repositorySnapshots: Counter<'outcome'>;
  /** `repository_snapshot_duration_seconds{outcome}`: wall time of one snapshot read (`read`, `truncated`, `failed`). */
  readonly repositorySnapshotDuration: Histogram<'outcome'>;
  /** `base_model_cache_lookups_total{layer,result}`: base-model cache lookups by layer (`memory`, `redis`) and `hit`/`miss` (a Redis failure is a miss). */
  readonly baseModelCacheLookups: Counter<'layer' | 'result'>;
}

export interface MetricsOptions {
  /** Read at scrape time for `queue_depth`. */
  queueDepth?: () => Promise<{ waiting: number; active: number }>;
  /** Also export Node's process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
}

/**
 * Creates the metrics served on `GET /metrics`.
 *
 * @example
 * const metrics = createMetrics({ queueDepth: () => queue.depth() });
 * metrics.reviewsTotal.inc({ outcome: 'published' });
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const depth = options.queueDepth;
  return {
    registry,
    reviewsTotal: new Counter({ name: 'reviews_total', help: 'Review jobs finished, by outcome.', labelNames: ['outcome'], registers: [registry] }),
    reviewDuration: new Histogram({
      name: 'review_duration_seconds',
      help: 'Wall time of one review job, from start to publish.',
      labelNames: ['outcome'],
      buckets: [1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640],
      registers: [registry],
    }),
    findingsTotal: new Counter({ name: 'findings_total', help: 'Findings in published reviews.', labelNames: ['category', 'source'], registers: [registry] }),
    githubApiErrors: new Counter({ name: 'github_api_errors_total', help: 'GitHub API requests that failed, by HTTP status.', labelNames: ['status'], registers: [registry] }),
    queueDepth: new Gauge({
      name: 'queue_depth',
      help: 'Review jobs waiting and running.',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        if (!depth) return;
        try {
          const d = await depth();
          this.set({ state: 'waiting' }, d.waiting);
          this.set({ state: 'active' }, d.active);
        } catch {
          // Queue store unreachable: leave the last values; /healthz reports the outage.
        }
      },
    }),
    webhookDeliveries: new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook deliveries handled, by event and outcome.',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    commandsTotal: new Counter({ name: 'commands_total', help: '/arch-review commands handled by the worker, by outcome.', labelNames: ['outcome'], registers: [registry] }),
    jobRetries: new Counter({ name: 'job_retries_total', help: 'Failed job tries the queue runs again after a backoff, by job type.', labelNames: ['type'], registers: [registry] }),
    jobFailures: new Counter({ name: 'job_failures_total', help: 'Jobs that failed for good (permanent error or last try), by job type.', labelNames: ['type'], registers: [registry] }),
    marketplaceEvents: new Counter({
      name: 'marketplace_events_total',
      help: 'GitHub Marketplace purchase events (plan purchased, changed, cancelled, pending changes), by action.',
      labelNames: ['action'],
      registers: [registry],
    }),
    suppressionsTotal: new Counter({
      name: 'suppressions_total',
      help: 'Findings of published reviews silenced by arch-review-ignore comments, by rule id (agent/<category> for agent findings).',
      labelNames: ['rule'],
      registers: [registry],
    }),
    repliesTotal: new Counter({
      name: 'replies_total',
      help: 'Replies in arch-review threads and /arch-review ask questions handled by the worker, by outcome and by how the answer was made (agent or docs).',
      labelNames: ['outcome', 'mode'],
      registers: [registry],
    }),
    customRuleErrors: new Counter({
      name: 'custom_rule_errors_total',
      help: 'Problems in repositories’ own ast-grep rule files (YAML, validation, rejected by ast-grep) met by reviews.',
      registers: [registry],
    }),
    feedbackTotal: new Counter({
      name: 'feedback_total',
      help: 'Feedback recorded on posted findings, by rule (agent:<category> for agent findings) and kind (dismissed, approved).',
      labelNames: ['rule', 'kind'],
      registers: [registry],
    }),
    findingsSuppressedByFeedback: new Counter({
      name: 'findings_suppressed_by_feedback_total',
      help: 'Findings kept out of a review because they were dismissed before, by rule.',
      labelNames: ['rule'],
      registers: [registry],
    }),
    pauseChanges: new Counter({ name: 'pause_changes_total', help: 'Pause and resume commands answered, by the new state.', labelNames: ['state'], registers: [registry] }),
    repositorySnapshots: new Counter({
      name: 'repository_snapshots_total',
      help: 'Base-commit repository snapshots reviews needed, by outcome (read, truncated by the budget, failed, disabled by config).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    repositorySnapshotDuration: new Histogram({
      name: 'repository_snapshot_duration_seconds',
      help: 'Wall time of one repository snapshot read (tarball download and scan), by outcome.',
      labelNames: ['outcome'],
      buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
      registers: [registry],
    }),
    baseModelCacheLookups: new Counter({
      name: 'base_model_cache_lookups_total',
      help: 'Base repository model cache lookups, by layer (memory, redis) and result (hit, miss).',
      labelNames: ['layer', 'result'],
      registers: [registry],
    }),
    reconcilerEnqueued: new Counter({ name: 'reconciler_enqueued_total', help: 'Review jobs the reconciler queued for open pull requests whose head had no completed check run.', registers: [registry] }),
  };
}
