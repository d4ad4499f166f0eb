import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * ast-grep's syntax trees live in native memory that V8 does not see, so it has no reason to collect the
 * small JS handles that keep them alive: without help, a long run over many files keeps every tree until the
 * JS heap itself fills (measured on the 100k-line benchmark in one thread: 348 MB peak RSS, 200 MB with a
 * collection every ~100 KB of source; the interval is now 200 KB, see below). The memory is released by napi finalizers, which run after a garbage
 * collection *and* a turn of the event loop, so the caller must yield to the loop after a collection.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

/**
 * About 4,000 lines of source between two collections. A full collection costs in proportion to the live heap,
 * and the main thread's holds the whole change: measured with one worker beside the main thread, 100 KB gave
 * 1,240 ms at 10k changed lines and 11.3 s at 100k (peak 310 MB over four reviews), 200 KB 1,125 ms and 10.7 s
 * (303 MB), 400 KB 10.2 s but 323 MB, 1 MB 384 MB.
 */
export const COLLECT_EVERY_CHARS = 200_000;

/**
 * A counter that runs a full garbage collection each time `everyChars` characters of source have been parsed
 * since the last one. Call it after each file, then let the event loop turn.
 *
 * @example const parsed = nativeMemoryCollector(); runRules(input, rules); parsed(input.source.length);
 */
export function nativeMemoryCollector(everyChars = COLLECT_EVERY_CHARS): (chars: number) => void {
  let since = 0;
  return (chars) => {
    since += chars;
    if (since < everyChars) return;
    since = 0;
    gc?.();
  };
}
