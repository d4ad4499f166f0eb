import type { Config } from '../config/schema.js';
import { TRIGGERS } from '../config/schema.js';
import type { Trigger } from '../queue/review-job.js';

/** What a `pull_request` delivery says, reduced to what the decision needs. */
export interface PullRequestFacts {
  action: string;
  state: string;
  draft: boolean;
  author: { login: string; type: string };
  labels: readonly string[];
}

/** Review it (and why), or not (and why not: logged, so an operator can tell a skip from a bug). */
export type PullRequestDecision =
  | { review: true; trigger: Trigger; configInvalid: boolean }
  | { review: false; reason: string };

const isTrigger = (action: string): action is (typeof TRIGGERS)[number] => (TRIGGERS as readonly string[]).includes(action);

/**
 * `reconcile` (the reconciler found an open PR whose head has no completed check run) is automatic,
 * and stands for the webhook that was missed: it passes `triggers` when the repository reviews on
 * open or on push.
 */
const RECONCILE_PASSES: ReadonlySet<string> = new Set(['opened', 'synchronize']);

/** A GitHub App or a machine account: `type: Bot`, or a login GitHub gives apps (`name[bot]`). */
export const isBotAccount = (account: { login: string; type: string }): boolean =>
  account.type === 'Bot' || account.login.endsWith('[bot]');

/**
 * Decides whether a `pull_request` event starts a review, applying the repository's filters
 * (triggers, drafts, bots, ignored authors, skip labels).
 *
 * `config` is `undefined` when the repository's `.github/arch-review.yml` could not be read or is
 * invalid: then the review is queued anyway, because only the worker can report a broken config
 * where the author sees it (a failed check run); silently skipping would look like a broken app.
 *
 * @example
 * decidePullRequest({ action: 'opened', state: 'open', draft: true, author, labels: [] }, defaultConfig());
 * // { review: false, reason: 'draft pull request (review_drafts is off)' }
 */
export function decidePullRequest(facts: PullRequestFacts, config: Config | undefined): PullRequestDecision {
  const action = facts.action;
  const reconcile = action === 'reconcile';
  if (!reconcile && !isTrigger(action)) return { review: false, reason: `action "${action}" never starts a review` };
  const trigger: Trigger = reconcile ? 'reconcile' : (action as Trigger);
  if (facts.state !== 'open') return { review: false, reason: 'pull request is not open' };
  if (!config) return { review: true, trigger, configInvalid: true };
  if (reconcile ? !config.triggers.some((t) => RECONCILE_PASSES.has(t)) : !config.triggers.includes(action as (typeof TRIGGERS)[number])) {
    return { review: false, reason: reconcile ? 'triggers include neither opened nor synchronize (reconcile)' : `trigger "${action}" is not in triggers` };
  }
  if (facts.draft && !config.review_drafts) return { review: false, reason: 'draft pull request (review_drafts is off)' };
  if (config.ignore_bots && isBotAccount(facts.author)) return { review: false, reason: `author ${facts.author.login} is a bot (ignore_bots)` };
  const login = facts.author.login.toLowerCase();
  if (config.ignore_authors.some((a) => a.toLowerCase() === login)) {
    return { review: false, reason: `author ${facts.author.login} is in ignore_authors` };
  }
  const skip = new Set(config.skip_labels.map((l) => l.toLowerCase()));
  const label = facts.labels.find((l) => skip.has(l.toLowerCase()));
  if (label !== undefined) return { review: false, reason: `label "${label}" is in skip_labels` };
  return { review: true, trigger, configInvalid: false };
}
