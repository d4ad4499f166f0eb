import type { ProbotOctokit } from 'probot';

/** The Octokit the adapters use: Probot's, with retry, throttling, pagination, REST methods and `config.get`. */
export type GitHubClient = ProbotOctokit;

/** Which pull request an adapter works on. */
export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}
