import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';

// The example payloads GitHub documents, as @octokit/webhooks-examples ships them.
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

type Json = Record<string, unknown>;

/** Where a delivery points: the fake GitHub's repository, pull request and installation. */
export interface DeliveryTarget {
  owner: string;
  repo: string;
  number: number;
  installationId: number;
}

function example(name: string, pick: (e: Json) => boolean): Json {
  const found = (definitions.find((d) => d.name === name)?.examples as unknown as Json[] | undefined)?.find(pick);
  if (!found) throw new Error(`@octokit/webhooks-examples has no matching ${name} example`);
  return structuredClone(found);
}

/** Points a real payload's repository and installation at `target` (the examples use Codertocat/Hello-World). */
function retarget(p: Json, target: DeliveryTarget): void {
  const repository = p.repository as Json;
  repository.name = target.repo;
  repository.full_name = `${target.owner}/${target.repo}`;
  (repository.owner as Json).login = target.owner;
  p.installation = { id: target.installationId, node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${target.installationId}` };
}

/** The real `pull_request.opened` example, for `target` at head `headSha`. */
export function pullRequestOpenedPayload(target: DeliveryTarget, headSha: string): Json {
  const p = example('pull_request', (e) => e.action === 'opened');
  retarget(p, target);
  p.number = target.number;
  const pr = p.pull_request as Json;
  pr.number = target.number;
  (pr.head as Json).sha = headSha;
  for (const side of ['head', 'base'] as const) {
    const repo = (pr[side] as Json).repo as Json;
    repo.name = target.repo;
    repo.full_name = `${target.owner}/${target.repo}`;
  }
  return p;
}

/**
 * The real `issue_comment.created` example, made a comment on pull request `target.number` (the
 * example's issue has no `pull_request` key) by `commenter`.
 */
export function pullRequestCommentPayload(target: DeliveryTarget, body: string, commenter: string, commentId: number): Json {
  const p = example('issue_comment', (e) => e.action === 'created');
  retarget(p, target);
  const issue = p.issue as Json;
  issue.number = target.number;
  issue.pull_request = {
    url: `https://api.github.com/repos/${target.owner}/${target.repo}/pulls/${target.number}`,
    html_url: `https://github.com/${target.owner}/${target.repo}/pull/${target.number}`,
    diff_url: `https://github.com/${target.owner}/${target.repo}/pull/${target.number}.diff`,
    patch_url: `https://github.com/${target.owner}/${target.repo}/pull/${target.number}.patch`,
  };
  const comment = p.comment as Json;
  comment.id = commentId;
  comment.body = body;
  (comment.user as Json).login = commenter;
  (p.sender as Json).login = commenter;
  return p;
}

/**
 * The real `pull_request_review_comment.created` example, made a comment by `commenter` on pull request
 * `target.number` at `headSha`: a reply in the thread of comment `inReplyTo` when given.
 */
export function reviewCommentPayload(
  target: DeliveryTarget,
  c: { body: string; commenter: string; commentId: number; headSha: string; inReplyTo?: number; createdAt?: string; senderType?: 'User' | 'Bot' },
): Json {
  const p = example('pull_request_review_comment', (e) => e.action === 'created');
  retarget(p, target);
  const pr = p.pull_request as Json;
  pr.number = target.number;
  (pr.head as Json).sha = c.headSha;
  const comment = p.comment as Json;
  comment.id = c.commentId;
  comment.body = c.body;
  comment.created_at = c.createdAt ?? new Date().toISOString();
  if (c.inReplyTo !== undefined) comment.in_reply_to_id = c.inReplyTo;
  else delete comment.in_reply_to_id;
  for (const who of [comment.user as Json, p.sender as Json]) Object.assign(who, { login: c.commenter, type: c.senderType ?? 'User' });
  return p;
}

/**
 * The real `pull_request_review_thread` example (`resolved` or `unresolved`), for pull request
 * `target.number`, whose thread is `comments` (the first is the thread's start) and resolved by `sender`.
 */
export function pullRequestReviewThreadPayload(
  target: DeliveryTarget,
  action: 'resolved' | 'unresolved',
  comments: ReadonlyArray<{ id: number; body: string; line?: number | null; user: { login: string; type: string } }>,
  sender: string,
): Json {
  const p = example('pull_request_review_thread', (e) => e.action === action);
  retarget(p, target);
  const pr = p.pull_request as Json;
  pr.number = target.number;
  const template = ((p.thread as Json).comments as Json[])[0]!;
  (p.thread as Json).comments = comments.map((c, i) => ({
    ...structuredClone(template),
    id: c.id,
    body: c.body,
    line: c.line ?? null,
    user: { ...(template.user as Json), login: c.user.login, type: c.user.type },
    ...(i > 0 ? { in_reply_to_id: comments[0]!.id } : {}),
  }));
  (p.sender as Json).login = sender;
  (p.sender as Json).type = 'User';
  return p;
}
