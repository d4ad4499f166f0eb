import { parseFindingCommentMarker } from '../review/finding-marker.js';
import { isBotAccount } from './decide-pull-request.js';

/** The parts of a `pull_request_review_thread` payload the decision reads. */
export interface ThreadPayload {
  action: string;
  sender: { login: string; type: string };
  thread: { comments: ReadonlyArray<{ id: number; body: string; in_reply_to_id?: number | null; user: { login: string; type: string } | null }> };
}

export type ThreadDecision =
  | { record: false; reason: string }
  | { record: true; command: 'thread-resolved' | 'thread-unresolved'; commentId: number; fingerprint: string; ruleId?: string };

/**
 * Whether a resolved (or unresolved) review thread is feedback on an arch-review finding, from the payload
 * alone (no API call in the webhook handler): the thread's first comment is a bot's and carries the finding
 * marker, and the one who resolved it is not a bot. The worker then checks the comment is this app's and
 * whether its lines changed (GitHub nulls a comment's `line` once the code under it changed).
 *
 * @example decideThreadFeedback(payload) // { record: true, command: 'thread-resolved', commentId: 42, fingerprint: '…' }
 */
export function decideThreadFeedback(payload: ThreadPayload): ThreadDecision {
  if (payload.action !== 'resolved' && payload.action !== 'unresolved') return { record: false, reason: `action ${payload.action}` };
  if (isBotAccount(payload.sender)) return { record: false, reason: 'a bot changed the thread' };
  const root = payload.thread.comments.find((c) => c.in_reply_to_id === undefined || c.in_reply_to_id === null) ?? payload.thread.comments[0];
  if (!root || root.user?.type !== 'Bot') return { record: false, reason: 'not a thread arch-review started' };
  const finding = parseFindingCommentMarker(root.body);
  if (!finding) return { record: false, reason: 'not a thread arch-review started' };
  return {
    record: true,
    command: payload.action === 'resolved' ? 'thread-resolved' : 'thread-unresolved',
    commentId: root.id,
    fingerprint: finding.fingerprint,
    ...(finding.ruleId ? { ruleId: finding.ruleId } : {}),
  };
}
