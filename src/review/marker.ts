import { createHash } from 'node:crypto';
import { SEVERITIES, severityRank, type Severity } from './finding.js';

/** A finding open at a head, as the marker keeps it: enough for a later incremental review to judge it. */
export interface MarkedFinding {
  fingerprint: string;
  severity: Severity;
  /** `pathHash(finding.path)`: which file it is on, in a few characters. */
  pathHash: string;
}

/** What arch-review remembers between reviews of one pull request, kept in its own review body. */
export interface MarkerState {
  /** The head commit the review was computed for. */
  headSha: string;
  /** Fingerprints of the findings that review covered: a later review does not post them again. */
  fingerprints: readonly string[];
  /**
   * The findings open at that head, with severity and path (v2 markers; absent in v1 markers, whose
   * severities are unknown). Their fingerprints are listed in `fingerprints` too.
   */
  open?: readonly MarkedFinding[];
  /** The arch-review version that wrote the review. */
  version: string;
  /** How many fingerprints were left out to keep the marker within its budget (least severe first). */
  omitted?: number;
}

/**
 * The marker's share of a body, in characters: half of GitHub's 65,536, so the summary (or a short note)
 * always fits beside it. About 1,500 findings with severity at 21 characters each.
 */
export const MARKER_BUDGET = 32_000;

const MARKER = /<!--[ \t]*arch-review:v([12])[ \t]+([^\n>]*?)[ \t]*-->/g;
const SEVERITY_CODE: Record<Severity, string> = { high: 'h', medium: 'm', low: 'l' };
const DETAIL = /^([hml])([0-9a-f]{6})$/;

// Values are percent-encoded (and `-` too), so no fingerprint, SHA or version can end the comment
// (`-->`), split a list (`,`), a field (space) or an entry from its details (`:`).
const encode = (value: string): string => encodeURIComponent(value).replace(/-/g, '%2D');

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * The form a fingerprint takes in the marker: the first 12 hex digits of arch-review's 16 (48 bits, plenty
 * to tell one pull request's findings apart); any other string is kept whole. Compare a finding with a
 * marker through this: `posted.has(fp) || posted.has(markerKey(fp))`.
 * @example markerKey('0123456789abcdef') // '0123456789ab'
 */
export const markerKey = (fingerprint: string): string => (/^[0-9a-f]{13,}$/.test(fingerprint) ? fingerprint.slice(0, 12) : fingerprint);

/**
 * A short hash of a path (6 hex digits), for the marker: with it a later review knows whether a finding's
 * file was re-reviewed, without the marker spelling out every path.
 * @example pathHash('src/pay.ts') // six hex digits
 */
export const pathHash = (path: string): string => createHash('sha256').update(path).digest('hex').slice(0, 6);

/**
 * The hidden state line placed at the end of the review summary, at most `budget` characters: the open
 * findings with their severity and path hash (most severe first), then the other fingerprints; what does
 * not fit is left out and counted (`more=`), least severe first.
 * @example renderMarker({ headSha: 'abc123', fingerprints: ['f1', 'f2'], open: [{ fingerprint: 'f1', severity: 'high', pathHash: '0a1b2c' }], version: '0.1.0' })
 * // '<!-- arch-review:v2 sha=abc123 fp=f1:h0a1b2c,f2 ver=0.1.0 -->'
 */
export function renderMarker(state: MarkerState, budget = MARKER_BUDGET): string {
  return fitMarker(state, budget).text;
}

/**
 * `renderMarker`, also saying how many fingerprints were left out to stay within `budget`.
 * @example const { text, omitted } = fitMarker(state); if (omitted > 0) notes.push('…');
 */
export function fitMarker(state: MarkerState, budget = MARKER_BUDGET): { text: string; omitted: number } {
  const entries: string[] = [];
  const seen = new Set<string>();
  const open = [...(state.open ?? [])].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  for (const f of open) {
    const key = markerKey(f.fingerprint);
    if (seen.has(key) || !/^[0-9a-f]{6}$/.test(f.pathHash)) continue;
    seen.add(key);
    entries.push(`${encode(key)}:${SEVERITY_CODE[f.severity]}${f.pathHash}`);
  }
  for (const fp of state.fingerprints) {
    const key = markerKey(fp);
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push(encode(key));
  }
  const head = `<!-- arch-review:v2 sha=${encode(state.headSha)} fp=`;
  const tail = (omitted: number) => ` ver=${encode(state.version)}${omitted > 0 ? ` more=${omitted}` : ''} -->`;
  // Room for the longest `more=` the tail can need.
  let room = budget - head.length - tail(entries.length).length;
  let kept = 0;
  for (const e of entries) {
    const cost = e.length + (kept > 0 ? 1 : 0);
    if (cost > room) break;
    room -= cost;
    kept++;
  }
  const omitted = entries.length - kept;
  return { text: `${head}${entries.slice(0, kept).join(',')}${tail(omitted)}`, omitted };
}

/**
 * Reads the state back from a review body: the last marker wins. Returns `undefined` when there is no
 * marker or it has no head SHA; fields it cannot decode are left out rather than failing. Reads v1 markers
 * (fingerprints only: no `open`) and v2 markers.
 */
export function parseMarker(body: string): MarkerState | undefined {
  let last: string | undefined;
  for (const m of body.matchAll(MARKER)) last = m[2];
  if (last === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const token of last.split(/[ \t]+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const headSha = decode(fields.get('sha') ?? '');
  if (!headSha) return undefined;
  const fingerprints: string[] = [];
  const open: MarkedFinding[] = [];
  for (const entry of (fields.get('fp') ?? '').split(',')) {
    const colon = entry.indexOf(':');
    const fingerprint = decode(colon >= 0 ? entry.slice(0, colon) : entry);
    if (!fingerprint) continue;
    fingerprints.push(fingerprint);
    const detail = colon >= 0 ? DETAIL.exec(entry.slice(colon + 1)) : null;
    if (detail) open.push({ fingerprint, severity: SEVERITIES.find((s) => SEVERITY_CODE[s] === detail[1])!, pathHash: detail[2]! });
  }
  const omitted = Number(fields.get('more'));
  return {
    headSha,
    fingerprints,
    ...(open.length > 0 ? { open } : {}),
    version: decode(fields.get('ver') ?? '') ?? '',
    ...(Number.isInteger(omitted) && omitted > 0 ? { omitted } : {}),
  };
}
