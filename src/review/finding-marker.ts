import type { DismissalReason } from './feedback.js';
import type { Finding } from './finding.js';

/** What an inline comment's hidden marker says about the finding it posts. */
export interface CommentFinding {
  fingerprint: string;
  ruleId?: string;
}

/** A dismissal recorded in the comment itself (the GitHub backend of feedback: state lives on the PR). */
export interface CommentDismissal {
  reason: DismissalReason;
  at: string;
}

const FINDING = /<!--[ \t]*arch-review:finding[ \t]+([^\n>]*?)[ \t]*-->/;
const DISMISSED = /<!--[ \t]*arch-review:dismissed[ \t]+([^\n>]*?)[ \t]*-->/g;
const REASONS: readonly DismissalReason[] = ['thumbs-down', 'resolved', 'reply'];

const encode = (value: string): string => encodeURIComponent(value).replace(/-/g, '%2D');
const decode = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const token of text.split(/[ \t]+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return fields;
}

/**
 * The hidden line at the end of each inline comment naming its finding, so feedback on the comment (a 👎, a
 * resolved thread, a reply) can be tied to the finding's fingerprint and rule.
 * @example findingCommentMarker({ fingerprint: '0123456789abcdef', ruleId: 'http-call-without-timeout' })
 * // '<!-- arch-review:finding fp=0123456789abcdef rule=http%2Dcall%2Dwithout%2Dtimeout -->'
 */
export function findingCommentMarker(f: Pick<Finding, 'fingerprint' | 'ruleId'>): string {
  return `<!-- arch-review:finding fp=${encode(f.fingerprint)}${f.ruleId ? ` rule=${encode(f.ruleId)}` : ''} -->`;
}

/** Reads {@link findingCommentMarker} back; `undefined` when the body has none. */
export function parseFindingCommentMarker(body: string): CommentFinding | undefined {
  const m = FINDING.exec(body);
  if (!m) return undefined;
  const fields = fieldsOf(m[1]!);
  const fingerprint = decode(fields.get('fp') ?? '');
  if (!fingerprint) return undefined;
  const ruleId = fields.has('rule') ? decode(fields.get('rule')!) : undefined;
  return { fingerprint, ...(ruleId ? { ruleId } : {}) };
}

/**
 * The hidden line recording a dismissal in the comment's own body.
 * @example dismissedCommentMarker({ reason: 'resolved', at: '2026-01-01T00:00:00.000Z' })
 */
export const dismissedCommentMarker = (d: CommentDismissal): string => `<!-- arch-review:dismissed reason=${d.reason} at=${encode(d.at)} -->`;

/** The dismissals a comment body records (oldest first). */
export function parseDismissedCommentMarkers(body: string): CommentDismissal[] {
  const out: CommentDismissal[] = [];
  for (const m of body.matchAll(DISMISSED)) {
    const fields = fieldsOf(m[1]!);
    const reason = REASONS.find((r) => r === fields.get('reason'));
    const at = decode(fields.get('at') ?? '');
    if (reason && at && !Number.isNaN(Date.parse(at))) out.push({ reason, at });
  }
  return out;
}

/** The body without dismissal markers of `reason` (a thread unresolved again takes its dismissal back). */
export const withoutDismissal = (body: string, reason: DismissalReason): string =>
  body.replace(DISMISSED, (whole, fields: string) => (fieldsOf(fields).get('reason') === reason ? '' : whole)).replace(/\n+$/, '');
