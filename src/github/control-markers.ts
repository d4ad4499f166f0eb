/**
 * State kept in hidden lines of arch-review's own replies to commands on a pull request, so it survives
 * restarts without a database: whether automatic reviews are paused, and which rules' learnings were
 * forgotten (and when). `loadPriorState` reads them from the comments it lists anyway (no extra request).
 */
export interface ControlState {
  /** `/arch-review pause` was the last pause command answered on this pull request. */
  paused: boolean;
  /** Rule id → ISO time of the newest `/arch-review forget <rule>` answered on this pull request. */
  forgotten: Map<string, string>;
}

const PAUSE = /<!--[ \t]*arch-review:pause[ \t]+state=(paused|resumed)[ \t]*-->/g;
const FORGET = /<!--[ \t]*arch-review:forget[ \t]+rule=(\S+)[ \t]+at=(\S+)[ \t]*-->/g;

const encode = (value: string): string => encodeURIComponent(value).replace(/-/g, '%2D');
const decode = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

/** @example pauseMarker('paused') // '<!-- arch-review:pause state=paused -->' */
export const pauseMarker = (state: 'paused' | 'resumed'): string => `<!-- arch-review:pause state=${state} -->`;

/** @example forgetMarker('http-call-without-timeout', '2026-01-01T00:00:00.000Z') */
export const forgetMarker = (ruleId: string, at: string): string => `<!-- arch-review:forget rule=${encode(ruleId)} at=${encode(at)} -->`;

/** An empty state: not paused, nothing forgotten. */
export const emptyControl = (): ControlState => ({ paused: false, forgotten: new Map() });

/**
 * Folds one of this bot's posts (oldest first) into the state: the last pause marker wins, and the newest
 * forget time per rule is kept. Only call it with the bot's own posts: a marker in a human's comment must not pause.
 */
export function foldControl(state: ControlState, body: string): ControlState {
  for (const m of body.matchAll(PAUSE)) state.paused = m[1] === 'paused';
  for (const m of body.matchAll(FORGET)) {
    const rule = decode(m[1]!);
    const at = decode(m[2]!);
    if (!rule || !at || Number.isNaN(Date.parse(at))) continue;
    const before = state.forgotten.get(rule);
    if (before === undefined || before < at) state.forgotten.set(rule, at);
  }
  return state;
}
