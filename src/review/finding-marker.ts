import { CategorySchema, type Category, type Finding } from './finding.js';

/** What an inline comment of arch-review says about the finding it carries, hidden in its body. */
export interface FindingMarker {
  fingerprint: string;
  category: Category;
  /** Absent for an agent finding. */
  ruleId?: string;
}

const MARKER = /<!--[ \t]*arch-review:finding[ \t]+([^\n>]*?)[ \t]*-->/g;

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

/**
 * The hidden line at the end of an inline review comment that names its finding, so a reply in the
 * comment's thread can be answered about that finding (its rule's documentation, or the agent with the
 * finding in view) and feedback can be tied to its fingerprint. About 60 characters.
 *
 * @example findingMarker({ fingerprint: '0123456789abcdef', category: 'resilience', ruleId: 'http-call-without-timeout' })
 * // '<!-- arch-review:finding fp=0123456789abcdef cat=resilience rule=http%2Dcall%2Dwithout%2Dtimeout -->'
 */
export function findingMarker(f: Pick<Finding, 'fingerprint' | 'category' | 'ruleId'>): string {
  const rule = f.ruleId ? ` rule=${encode(f.ruleId)}` : '';
  return `<!-- arch-review:finding fp=${encode(f.fingerprint)} cat=${encode(f.category)}${rule} -->`;
}

/**
 * Reads the finding back from a comment body (the last marker wins); `undefined` when there is none or
 * its fingerprint or category cannot be read. Only trust it in a comment this app wrote: anyone can type
 * an HTML comment.
 *
 * @example parseFindingMarker(commentBody)?.ruleId // 'http-call-without-timeout'
 */
export function parseFindingMarker(body: string): FindingMarker | undefined {
  let last: string | undefined;
  for (const m of body.matchAll(MARKER)) last = m[1];
  if (last === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const token of last.split(/[ \t]+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const fingerprint = decode(fields.get('fp'));
  const category = CategorySchema.safeParse(decode(fields.get('cat')));
  if (!fingerprint || !category.success) return undefined;
  const ruleId = decode(fields.get('rule'));
  return { fingerprint, category: category.data, ...(ruleId ? { ruleId } : {}) };
}
