import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';

// The real example payloads GitHub documents, via @octokit/webhooks-examples.
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

type Json = Record<string, unknown>;

function example(name: string, pick: (e: Json) => boolean): Json {
  const def = definitions.find((d) => d.name === name);
  const found = (def?.examples as unknown as Json[] | undefined)?.find(pick);
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found);
}

/** The installation every fixture carries (most examples lack it; handlers need it). */
export const INSTALLATION_ID = 1;

/**
 * A real `pull_request` payload (Codertocat/Hello-World#2) with `action` and the given changes to
 * its `pull_request` object.
 */
export function pullRequestPayload(action: string, pr: Json = {}): Json {
  const p = example('pull_request', (e) => e.action === 'opened' && e.installation !== undefined);
  p.action = action;
  Object.assign(p.pull_request as Json, pr);
  p.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return p;
}

/**
 * A real `issue_comment.created` payload on Codertocat/Hello-World#1, turned into a pull-request
 * comment (the examples' issue has no `pull_request` key) with an installation.
 */
export function prCommentPayload(body: string, sender: Partial<{ login: string; type: string }> = {}): Json {
  const p = example('issue_comment', (e) => e.action === 'created');
  const issue = p.issue as Json;
  issue.pull_request = {
    url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1',
    html_url: 'https://github.com/Codertocat/Hello-World/pull/1',
    diff_url: 'https://github.com/Codertocat/Hello-World/pull/1.diff',
    patch_url: 'https://github.com/Codertocat/Hello-World/pull/1.patch',
  };
  (p.comment as Json).body = body;
  Object.assign(p.sender as Json, sender);
  Object.assign((p.comment as Json).user as Json, sender);
  p.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return p;
}

/** A plain issue comment (not on a pull request). */
export function issueCommentPayload(body: string): Json {
  const p = prCommentPayload(body);
  delete (p.issue as Json).pull_request;
  return p;
}

/** A real `installation` or `installation_repositories` payload. */
export function installationPayload(name: 'installation' | 'installation_repositories', action: string): Json {
  return example(name, (e) => e.action === action);
}

/**
 * A real `pull_request_review_comment.created` payload (Codertocat/Hello-World#2) with an installation:
 * a reply in a thread when `inReplyTo` is given, by `sender` (also the comment's author).
 */
export function reviewCommentPayload(body: string, opts: { inReplyTo?: number; sender?: Partial<{ login: string; type: string }>; id?: number } = {}): Json {
  const p = example('pull_request_review_comment', (e) => e.action === 'created');
  const comment = p.comment as Json;
  comment.body = body;
  if (opts.id !== undefined) comment.id = opts.id;
  if (opts.inReplyTo !== undefined) comment.in_reply_to_id = opts.inReplyTo;
  else delete comment.in_reply_to_id;
  Object.assign(p.sender as Json, opts.sender ?? {});
  Object.assign(comment.user as Json, opts.sender ?? {});
  p.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return p;
}
