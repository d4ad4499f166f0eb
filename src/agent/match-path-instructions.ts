import picomatch from 'picomatch';
import type { Config } from '../config/schema.js';

/** One `path_instructions` entry and the files of a request it applies to. */
export interface MatchedInstruction {
  glob: string;
  instructions: string;
  paths: string[];
}

/**
 * The repository's `path_instructions` that apply to any of `paths` (picomatch globs, dotfiles
 * included), in configuration order, each with the paths it matched. Entries that match nothing are
 * left out, so a request carries only the guidance for its own files.
 *
 * @example matchPathInstructions(['src/pay.ts'], [{ path: 'src/**', instructions: 'Money is in cents.' }])
 * // [{ glob: 'src/**', instructions: 'Money is in cents.', paths: ['src/pay.ts'] }]
 */
export function matchPathInstructions(paths: readonly string[], entries: Config['path_instructions']): MatchedInstruction[] {
  const out: MatchedInstruction[] = [];
  for (const e of entries) {
    const isMatch = picomatch(e.path, { dot: true });
    const hit = paths.filter((p) => isMatch(p));
    if (hit.length > 0) out.push({ glob: e.path, instructions: e.instructions, paths: hit });
  }
  return out;
}
