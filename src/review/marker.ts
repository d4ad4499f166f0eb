/** What arch-review remembers between reviews of one pull request, kept in its own review body. */
export interface MarkerState {
  /** The head commit the review was computed for. */
  headSha: string;
  /** Fingerprints of the findings that review covered: a later review does not post them again. */
  fingerprints: readonly string[];
  /** The arch-review version that wrote the review. */
  version: string;
}

const MARKER = /<!--[ \t]*arch-review:v1[ \t]+([^\n>]*?)[ \t]*-->/g;

// Values are percent-encoded (and `-` too), so no fingerprint, SHA or version can end the comment
// (`-->`), split a list (`,`) or a field (space).
const encode = (value: string): string => encodeURIComponent(value).replace(/-/g, '%2D');

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * The hidden state line placed at the end of the review summary.
 * @example renderMarker({ headSha: 'abc123', fingerprints: ['f1', 'f2'], version: '0.1.0' })
 * // '<!-- arch-review:v1 sha=abc123 fp=f1,f2 ver=0.1.0 -->'
 */
export function renderMarker(state: MarkerState): string {
  return `<!-- arch-review:v1 sha=${encode(state.headSha)} fp=${state.fingerprints.map(encode).join(',')} ver=${encode(state.version)} -->`;
}

/**
 * Reads the state back from a review body: the last marker wins. Returns `undefined` when there is no
 * marker or it has no head SHA; fields it cannot decode are left out rather than failing.
 */
export function parseMarker(body: string): MarkerState | undefined {
  let last: string | undefined;
  for (const m of body.matchAll(MARKER)) last = m[1];
  if (last === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const token of last.split(/[ \t]+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const headSha = decode(fields.get('sha') ?? '');
  if (!headSha) return undefined;
  const fingerprints = (fields.get('fp') ?? '')
    .split(',')
    .map((f) => (f === '' ? undefined : decode(f)))
    .filter((f): f is string => f !== undefined && f !== '');
  return { headSha, fingerprints, version: decode(fields.get('ver') ?? '') ?? '' };
}
