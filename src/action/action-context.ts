import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';

/** Where and on what the Action runs, from the standard Actions environment and the event payload. */
export interface ActionContext {
  owner: string;
  repo: string;
  /** `GITHUB_API_URL`: `https://api.github.com`, or `https://<host>/api/v3` on GitHub Enterprise Server. */
  apiUrl: string;
  /** `GITHUB_SERVER_URL`, for links in the job summary. */
  serverUrl: string;
  /** The checkout (`GITHUB_WORKSPACE`), where a configuration file may be read; default the current folder. */
  workspace: string;
  /** `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT`: files the runner reads after the step. */
  stepSummary?: string;
  output?: string;
  /** `GITHUB_RUN_ID`-`GITHUB_RUN_ATTEMPT`, for logs. */
  runId: string;
  pullRequest: {
    number: number;
    headSha: string;
    /** The event's action: `opened`, `synchronize`, … */
    action: string;
    /** True when the head is in another repository (a fork): the workflow's token is then read-only. */
    fromFork: boolean;
  };
}

/** The events a review can run on: both carry a `pull_request` object. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** The slice of a `pull_request` event payload the Action reads. */
const PullRequestEventSchema = z.object({
  action: z.string(),
  pull_request: z.object({
    number: z.number().int().positive(),
    head: z.object({ sha: z.string().min(7), repo: z.object({ full_name: z.string() }).nullable().optional() }),
    base: z.object({ repo: z.object({ full_name: z.string() }) }),
  }),
});

const trimmed = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);

/**
 * Reads the Actions environment: `GITHUB_REPOSITORY`, `GITHUB_API_URL`, `GITHUB_SERVER_URL`,
 * `GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH` (the event payload), `GITHUB_WORKSPACE`, `GITHUB_STEP_SUMMARY`,
 * `GITHUB_OUTPUT`. Only `pull_request` and `pull_request_target` events can be reviewed.
 *
 * @example
 * const ctx = await readActionContext(process.env);
 * ctx.pullRequest; // { number: 7, headSha: '9f2c…', action: 'opened', fromFork: false }
 * @throws InputError when a variable is missing, the event is another one, or its payload has no pull request.
 */
export async function readActionContext(env: Readonly<Record<string, string | undefined>>): Promise<ActionContext> {
  const repository = trimmed(env.GITHUB_REPOSITORY);
  const [owner, repo, extra] = repository?.split('/') ?? [];
  if (!owner || !repo || extra !== undefined) throw new InputError(`GITHUB_REPOSITORY must be owner/name (got ${repository ? `"${repository}"` : 'nothing'}); is this running in GitHub Actions?`);
  const eventName = trimmed(env.GITHUB_EVENT_NAME);
  if (eventName !== undefined && !PULL_REQUEST_EVENTS.has(eventName)) {
    throw new InputError(`arch-review reviews pull requests: run it on pull_request (or pull_request_target), not on ${eventName}`);
  }
  const eventPath = trimmed(env.GITHUB_EVENT_PATH);
  if (!eventPath) throw new InputError('GITHUB_EVENT_PATH is not set; is this running in GitHub Actions?');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read the event payload ${eventPath}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = PullRequestEventSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`the event payload ${eventPath} has no pull request: run arch-review on pull_request events`);
  const pr = parsed.data.pull_request;
  const runId = [trimmed(env.GITHUB_RUN_ID) ?? 'local', trimmed(env.GITHUB_RUN_ATTEMPT) ?? '1'].join('-');
  const stepSummary = trimmed(env.GITHUB_STEP_SUMMARY);
  const output = trimmed(env.GITHUB_OUTPUT);
  return {
    owner,
    repo,
    apiUrl: (trimmed(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (trimmed(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    workspace: trimmed(env.GITHUB_WORKSPACE) ?? process.cwd(),
    runId,
    ...(stepSummary ? { stepSummary } : {}),
    ...(output ? { output } : {}),
    pullRequest: {
      number: pr.number,
      headSha: pr.head.sha,
      action: parsed.data.action,
      // A deleted fork has no head repository: treat it as a fork.
      fromFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
    },
  };
}
