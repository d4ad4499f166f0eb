import { parseMarker } from '../review/marker.js';
import { translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** What earlier arch-review reviews of a pull request left behind, read from their hidden markers. */
export interface PriorState {
  /** Head SHAs an earlier review covered. */
  reviewedShas: ReadonlySet<string>;
  /** The head SHA of the most recent marked review, if any. */
  lastReviewedSha?: string;
  /** Fingerprints posted by any earlier review (union across reviews). */
  posted: ReadonlySet<string>;
  /** How many marked reviews were found. */
  reviews: number;
}

/** `acme-arch-review` or `acme-arch-review[bot]` -> `acme-arch-review[bot]`. */
export const botLoginOf = (slugOrLogin: string): string => (slugOrLogin.endsWith('[bot]') ? slugOrLogin : `${slugOrLogin}[bot]`);

/**
 * Reads the state earlier runs kept in GitHub: lists every review of the pull request (paginated) and
 * takes markers only from reviews written by this app's bot (`type: Bot` and login `<slug>[bot]`), so a
 * marker pasted into a human's review cannot suppress findings or fake a reviewed SHA.
 *
 * @example
 * const prior = await loadPriorState(octokit, ref, 'arch-review[bot]');
 * if (prior.reviewedShas.has(job.headSha) && !job.full) return; // already reviewed
 */
export async function loadPriorState(octokit: GitHubClient, ref: PullRequestRef, botLogin: string): Promise<PriorState> {
  const login = botLoginOf(botLogin);
  let reviews;
  try {
    reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner: ref.owner, repo: ref.repo, pull_number: ref.number, per_page: 100 });
  } catch (err) {
    throw translateGitHubError(err);
  }
  const reviewedShas = new Set<string>();
  const posted = new Set<string>();
  let lastReviewedSha: string | undefined;
  let count = 0;
  // GitHub lists reviews oldest first; sort by id anyway so "last" never depends on page order.
  for (const review of [...reviews].sort((a, b) => a.id - b.id)) {
    if (review.user?.type !== 'Bot' || review.user.login !== login || !review.body) continue;
    const marker = parseMarker(review.body);
    if (!marker) continue;
    count++;
    reviewedShas.add(marker.headSha);
    lastReviewedSha = marker.headSha;
    for (const fp of marker.fingerprints) posted.add(fp);
  }
  return { reviewedShas, posted, reviews: count, ...(lastReviewedSha ? { lastReviewedSha } : {}) };
}
