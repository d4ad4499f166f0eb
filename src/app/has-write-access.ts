import { translateGitHubError } from '../github/translate-error.js';
import type { GitHubClient } from '../github/types.js';

/** The answer of `GET /repos/{owner}/{repo}/collaborators/{username}/permission`. */
export interface PermissionLevel {
  /** Legacy field: `admin`, `write`, `read` or `none` (maintain is reported as write, triage as read). */
  permission?: string;
  /** The actual role: `admin`, `maintain`, `write`, `triage`, `read`, or a custom role's name. */
  role_name?: string;
}

const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);

/**
 * True when a collaborator may start a review with a command: write, maintain or admin. Reads both
 * fields, because `permission` folds maintain into write and custom roles report their base role
 * only there. Never use the comment's `author_association`: it says nothing about repository access.
 */
export function hasWriteAccess(level: PermissionLevel): boolean {
  return WRITE_ROLES.has(level.permission ?? '') || WRITE_ROLES.has(level.role_name ?? '');
}

/** Asks GitHub whether `username` has write access to the repository (commands, replies); errors are translated for the retry policy. */
export async function commenterHasWriteAccess(octokit: GitHubClient, repo: { owner: string; repo: string }, username: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.repo, username });
    return hasWriteAccess({ permission: data.permission, role_name: data.role_name });
  } catch (err) {
    throw translateGitHubError(err);
  }
}
