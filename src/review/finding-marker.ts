import type { DismissalReason } from './feedback.js';
import { CategorySchema, type Category, type Finding } from './finding.js';

/** What an inline comment of arch-review says about the finding it carries, hidden in its body. */
export interface FindingMarker {
  fingerprint: string;
  category: Category;
  /** Absent for an agent finding. */
  ruleId?: string;
}

/** The part of the marker feedback needs: the fingerprint and the rule (category not required). */
export interface CommentFinding {
  fingerprint: string;
  ruleId?: string;
}

/** A dismissal recorded in the comment itself (the GitHub backend of feedback: state lives on the PR). */
export interface CommentDismissal {
  reason: DismissalReason;
  at: string;
}

const MARKER = /<!--[ \t]*arch-review:finding[ \t]+([^\n>]*?)[ \t]*-->/g;
const DISMISSED = /<!--[ \t]*arch-review:dismissed[ \t]+([^\n>]*?)[ \t]*-->/g;
const REASONS: readonly DismissalReason[] = ['thumbs-down', 'resolved', 'reply'];

// Percent-encoded (and `-` too), so no value can end the comment (`-->`) or split a field.
const encode = (value: string): string => encodeURIComponent(value).replace(/-/g, '%2D');

function decode(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const token of text.split(/[ \t]+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return fields;
}

/** The fields of the last finding marker of a body. */
function lastMarkerFields(body: string): Map<string, string> | undefined {
  let last: string | undefined;
  for (const m of body.matchAll(MARKER)) last = m[1];
  return last === undefined ? undefined : fieldsOf(last);
}

/**
 * The hidden line at the end of an inline review comment that names its finding, so a reply in the
 * comment's thread can be answered about that finding (its rule's documentation, or the agent with the
 * finding in view) and feedback on the comment (a 👎, a resolved thread, a reply) can be tied to its
 * fingerprint and rule. About 60 characters.
 *
 * @example findingMarker({ fingerprint: '0123456789abcdef', category: 'resilience', ruleId: 'http-call-without-timeout' })
 * // '<!-- arch-review:finding fp=0123456789abcdef cat=resilience rule=http%2Dcall%2Dwithout%2Dtimeout -->'
 */
export function findingMarker(f: Pick<Finding, 'fingerprint' | 'ruleId'> & { category?: Category }): string {
  const category = f.category ? ` cat=${encode(f.category)}` : '';
  const rule = f.ruleId ? ` rule=${encode(f.ruleId)}` : '';
  return `<!-- arch-review:finding fp=${encode(f.fingerprint)}${category}${rule} -->`;
}

/** {@link findingMarker} without the category: what feedback reads and writes in tests. */
export const findingCommentMarker = (f: Pick<Finding, 'fingerprint' | 'ruleId'>): string => findingMarker(f);

/**
 * Reads the finding back from a comment body (the last marker wins); `undefined` when there is none or
 * its fingerprint or category cannot be read. Only trust it in a comment this app wrote: anyone can type
 * an HTML comment.
 *
 * @example parseFindingMarker(commentBody)?.ruleId // 'http-call-without-timeout'
 */
export function parseFindingMarker(body: string): FindingMarker | undefined {
  const fields = lastMarkerFields(body);
  if (!fields) return undefined;
  const fingerprint = decode(fields.get('fp'));
  const category = CategorySchema.safeParse(decode(fields.get('cat')));
  if (!fingerprint || !category.success) return undefined;
  const ruleId = decode(fields.get('rule'));
  return { fingerprint, category: category.data, ...(ruleId ? { ruleId } : {}) };
}

/** The fingerprint and rule of a comment's finding marker (the category may be absent); `undefined` when there is none. */
export function parseFindingCommentMarker(body: string): CommentFinding | undefined {
  const fields = lastMarkerFields(body);
  const fingerprint = decode(fields?.get('fp'));
  if (!fields || !fingerprint) return undefined;
  const ruleId = decode(fields.get('rule'));
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
    const at = decode(fields.get('at'));
    if (reason && at && !Number.isNaN(Date.parse(at))) out.push({ reason, at });
  }
  return out;
}

/** The body without dismissal markers of `reason` (a thread unresolved again takes its dismissal back). */
export const withoutDismissal = (body: string, reason: DismissalReason): string =>
  body.replace(DISMISSED, (whole, fields: string) => (fieldsOf(fields).get('reason') === reason ? '' : whole)).replace(/\n+$/, '');
