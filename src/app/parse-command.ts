/** A `/arch-review` command from a pull-request comment. */
export type Command =
  | { kind: 'review'; full: boolean }
  | { kind: 'help'; /** The word that was not understood, if that is why help is shown. */ unknown?: string }
  /** `/arch-review ask <question>`: the question is the rest of that line and every line after it. */
  | { kind: 'ask'; question: string }
  | { kind: 'learnings' }
  | { kind: 'forget'; ruleId: string }
  | { kind: 'pause' }
  | { kind: 'resume' };

const COMMAND = /^\s*\/arch-review(?:\s+(\S+))?\s*$/i;
const FORGET = /^\s*\/arch-review\s+forget\s+([\w.:/-]{1,100})\s*$/i;
const FENCE = /^\s*(```|~~~)/;
const ASK = /^\s*\/arch-review\s+ask(?:\s+(.*))?$/i;

/**
 * Finds the first `/arch-review` command in a comment: a line of its own, outside quotes (`> …`, a
 * reply quoting an earlier command) and fenced code blocks (docs showing the command).
 *
 * @example
 * parseCommand('/arch-review full'); // { kind: 'review', full: true }
 * parseCommand('LGTM');              // undefined
 */
export function parseCommand(body: string): Command | undefined {
  let inFence = false;
  const lines = body.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || /^\s*>/.test(line)) continue;
    const ask = ASK.exec(line);
    if (ask) {
      const question = [ask[1] ?? '', ...lines.slice(i + 1)].join('\n').trim();
      return question === '' ? { kind: 'help' } : { kind: 'ask', question };
    }
    const forget = FORGET.exec(line);
    if (forget) return { kind: 'forget', ruleId: forget[1]! };
    const m = COMMAND.exec(line);
    if (!m) continue;
    const arg = m[1]?.toLowerCase();
    if (arg === undefined) return { kind: 'review', full: false };
    if (arg === 'full') return { kind: 'review', full: true };
    if (arg === 'help') return { kind: 'help' };
    if (arg === 'learnings' || arg === 'pause' || arg === 'resume') return { kind: arg };
    return { kind: 'help', unknown: m[1] };
  }
  return undefined;
}
