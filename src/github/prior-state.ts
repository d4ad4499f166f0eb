import { parseMarker, type MarkedFinding } from '../review/marker.js';
import { emptyControl, foldControl, type ControlState } from './control-markers.js';
import { translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** What earlier arch-review reviews of a pull request left behind, read from their hidden markers. */
export interface PriorState {
  /** Head SHAs an earlier review covered. */
  reviewedShas: ReadonlySet<string>;
  /** The head SHA of the most recent marked review, if any. */
  lastReviewedSha?: string;
  /** The open findings (severity, path hash) the most recent marked review kept; empty for a v1 marker. */
  lastOpen: readonly MarkedFinding[];
  /** Fingerprints posted by any earlier review (union across reviews). */
  posted: ReadonlySet<string>;
  /** How many marked reviews were found. */
  reviews: number;
  /** Where the newest marked review (or fallback comment) of each reviewed head SHA is, when GitHub said. */
  reviewUrls?: ReadonlyMap<string, string>;
  /** Pause state and forgotten rules, from the hidden lines of this bot's command replies. */
  control?: ControlState;
}

/** `acme-arch-review` or `acme-arch-review[bot]` -> `acme-arch-review[bot]`. */
export const botLoginOf = (slugOrLogin: string): string => (slugOrLogin.endsWith('[bot]') ? slugOrLogin : `${slugOrLogin}[bot]`);

/**
 * Reads the state earlier runs kept in GitHub: lists every review and comment of the pull request (paginated) and
 * takes markers only from reviews and PR comments (the fallback when no review could be posted) written by this app's bot (`type: Bot` and login `<slug>[bot]`), so a
 * marker pasted into a human's review cannot suppress findings or fake a reviewed SHA.
 *
 * @example
 * const prior = await loadPriorState(octokit, ref, 'arch-review[bot]');
 * if (prior.reviewedShas.has(job.headSha) && !job.full) return; // already reviewed
 */
export async function loadPriorState(octokit: GitHubClient, ref: PullRequestRef, botLogin: string): Promise<PriorState> {
  const login = botLoginOf(botLogin);
  const params = { owner: ref.owner, repo: ref.repo, per_page: 100 } as const;
  let reviews;
  let comments;
  try {
    // Reviews carry the marker normally; a plain PR comment carries it when no review could be posted.
    [reviews, comments] = await Promise.all([
      octokit.paginate(octokit.rest.pulls.listReviews, { ...params, pull_number: ref.number }),
      octokit.paginate(octokit.rest.issues.listComments, { ...params, issue_number: ref.number }),
    ]);
  } catch (err) {
    throw translateGitHubError(err);
  }
  const posts = [
    ...reviews.map((r) => ({ user: r.user, body: r.body, at: r.submitted_at ?? '', url: r.html_url })),
    ...comments.map((c) => ({ user: c.user, body: c.body, at: c.created_at, url: c.html_url })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

  const reviewedShas = new Set<string>();
  const posted = new Set<string>();
  const reviewUrls = new Map<string, string>();
  let lastReviewedSha: string | undefined;
  let lastOpen: readonly MarkedFinding[] = [];
  let count = 0;
  const control = emptyControl();
  for (const post of posts) {
    if (post.user?.type !== 'Bot' || post.user.login !== login || !post.body) continue;
    foldControl(control, post.body);
    const marker = parseMarker(post.body);
    if (!marker) continue;
    count++;
    reviewedShas.add(marker.headSha);
    if (post.url) reviewUrls.set(marker.headSha, post.url);
    lastReviewedSha = marker.headSha;
    lastOpen = marker.open ?? [];
    for (const fp of marker.fingerprints) posted.add(fp);
  }
  return { reviewedShas, lastOpen, posted, reviews: count, reviewUrls, control, ...(lastReviewedSha ? { lastReviewedSha } : {}) };
}
