import type { Config } from '../config/schema.js';
import { readPullRequestFeedback } from '../github/read-pull-request-feedback.js';
import type { GitHubClient, PullRequestRef } from '../github/types.js';
import type { Metrics } from '../metrics.js';
import { buildLearnings, type FeedbackEvent, type FeedbackSource, type Learnings } from '../review/feedback.js';
import type { Logger } from '../review/ports.js';
import type { FeedbackStore } from './feedback-store.js';
import type { SeenFeedback } from './seen-feedback.js';

/** Other pull requests of the repository whose reactions one review reads, at most (Redis only). */
export const HARVEST_OTHER_PRS = 3;
/** A pull request's reactions are read by other pull requests' reviews at most once per this interval (Redis only). */
export const HARVEST_EVERY_MS = 15 * 60_000;

export interface PullRequestFeedbackSourceDeps {
  octokit: GitHubClient;
  ref: PullRequestRef;
  botLogin: string;
  config: Pick<Config, 'learning'>;
  /** Forgotten rules read from this pull request's command replies (`PriorState.control`). */
  forgotten?: ReadonlyMap<string, string>;
  /** The cross-PR store (Redis); without it learning is per pull request. */
  store?: FeedbackStore;
  log: Logger;
  metrics?: Pick<Metrics, 'feedbackTotal'>;
  /** Without a store, counts each piece of feedback once per process for `feedback_total` (absent: counted at every read). */
  seen?: SeenFeedback;
  /** How many requests reading feedback made (for logs and tests). */
  onRequests?: (n: number) => void;
}

/**
 * The feedback port of one App review. Reads this pull request's feedback from GitHub (the bot's inline
 * comments, their 👍/👎 and the dismissals recorded in them). With a store (Redis), it also reads up to
 * {@link HARVEST_OTHER_PRS} other recently reviewed pull requests of the repository whose reactions were not
 * read for {@link HARVEST_EVERY_MS} (GitHub sends no webhook for reactions), records all of it, and learns
 * from everything the repository recorded; a store that fails leaves this pull request's own feedback.
 * New feedback is counted in `feedback_total{rule,kind}`.
 *
 * @example await reviewPullRequest({ ...deps, feedback: createPullRequestFeedbackSource({ octokit, ref, botLogin, config, log }) });
 */
export function createPullRequestFeedbackSource(deps: PullRequestFeedbackSourceDeps): FeedbackSource {
  return {
    async learnings(): Promise<Learnings> {
      const { octokit, ref, config, log } = deps;
      const threshold = config.learning.dismissals_to_summary;
      if (!config.learning.enabled) return buildLearnings([], new Map(), 0);
      const own = await readPullRequestFeedback(octokit, ref, deps.botLogin);
      let requests = own.requests;
      const forgotten = new Map(deps.forgotten ?? []);
      let events: FeedbackEvent[] = own.events;
      if (deps.store) {
        const repo = { owner: ref.owner, repo: ref.repo };
        try {
          const others = await deps.store.claimHarvest(repo, ref.number, HARVEST_OTHER_PRS, HARVEST_EVERY_MS);
          const harvested: FeedbackEvent[] = [];
          for (const number of others) {
            try {
              const more = await readPullRequestFeedback(octokit, { ...ref, number }, deps.botLogin);
              requests += more.requests;
              harvested.push(...more.events);
            } catch (err) {
              log.warn({ otherPr: number, err: (err as Error).message }, 'could not read the feedback of another pull request');
            }
          }
          for (const [rule, at] of forgotten) await deps.store.forget(repo, rule, at);
          const added = await deps.store.record(repo, [...own.events, ...harvested]);
          count(deps, added);
          const stored = await deps.store.load(repo);
          for (const [rule, at] of stored.forgotten) if (!(forgotten.get(rule)! >= at)) forgotten.set(rule, at);
          events = [...stored.events, ...own.events];
          log.info({ otherPrs: others, recorded: added.length, stored: stored.events.length }, 'feedback read');
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'the feedback store failed; learning from this pull request only');
          count(deps, unseen(deps, own.events));
        }
      } else {
        count(deps, unseen(deps, own.events));
      }
      deps.onRequests?.(requests);
      return buildLearnings(events, forgotten, threshold);
    },
  };
}

function count(deps: PullRequestFeedbackSourceDeps, events: readonly FeedbackEvent[]): void {
  for (const e of events) deps.metrics?.feedbackTotal.inc({ rule: e.ruleId ?? 'agent', kind: e.kind });
}

const unseen = (deps: PullRequestFeedbackSourceDeps, events: readonly FeedbackEvent[]): FeedbackEvent[] =>
  deps.seen ? events.filter((e) => deps.seen!.first(deps.ref, e)) : [...events];
