import type { FeedbackEvent } from '../review/feedback.js';
import { eventField, repoKeyOf, type RepoRef } from './feedback-store.js';

/** Which feedback a process has counted already (without a store, feedback is read again at every review). */
export interface SeenFeedback {
  /** True the first time this piece of feedback is seen. */
  first(repo: RepoRef, event: FeedbackEvent): boolean;
}

/**
 * A bounded set of feedback already counted in `feedback_total`: the oldest keys are forgotten past `max`
 * (a restart, or a very busy process, may count a piece of feedback again).
 */
export function createSeenFeedback(max = 20_000): SeenFeedback {
  const seen = new Set<string>();
  return {
    first(repo, event) {
      const key = `${repoKeyOf(repo)}|${eventField(event)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > max) seen.delete(seen.values().next().value!);
      return true;
    },
  };
}
