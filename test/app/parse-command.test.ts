import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/app/parse-command.js';
import { helpComment } from '../../src/app/help-comment.js';

describe('parseCommand', () => {
  it('reads /arch-review, /arch-review full and /arch-review help', () => {
    expect(parseCommand('/arch-review')).toEqual({ kind: 'review', full: false });
    expect(parseCommand('  /arch-review   FULL  ')).toEqual({ kind: 'review', full: true });
    expect(parseCommand('/arch-review help')).toEqual({ kind: 'help' });
  });

  it('finds the command on its own line inside a longer comment', () => {
    expect(parseCommand('Thanks! Fixed the retry.\r\n\r\n/arch-review\r\n')).toEqual({ kind: 'review', full: false });
  });

  it('answers an unknown subcommand with help, naming the word', () => {
    expect(parseCommand('/arch-review please')).toEqual({ kind: 'help', unknown: 'please' });
  });

  it('ignores comments without a command, mentions inside a sentence, and longer words', () => {
    expect(parseCommand('LGTM')).toBeUndefined();
    expect(parseCommand('you can run /arch-review to re-run it')).toBeUndefined();
    expect(parseCommand('/arch-reviewer')).toBeUndefined();
    expect(parseCommand('/arch-review full now')).toBeUndefined();
  });

  it('ignores quoted replies and fenced code', () => {
    expect(parseCommand('> /arch-review\nI agree')).toBeUndefined();
    expect(parseCommand('Usage:\n```\n/arch-review full\n```')).toBeUndefined();
    expect(parseCommand('```\n/arch-review\n```\n/arch-review help')).toEqual({ kind: 'help' });
  });
});

describe('helpComment', () => {
  it('lists every command and who may use them', () => {
    const text = helpComment();
    for (const cmd of ['`/arch-review`', '`/arch-review full`', '`/arch-review help`']) expect(text).toContain(cmd);
    expect(text).toContain('write, maintain or admin');
  });

  it('names an unknown word without letting it break out of its code span', () => {
    expect(helpComment('x`y')).toContain("`x'y`");
  });
});

describe('parseCommand: ask', () => {
  it('takes the rest of the line and the lines after it as the question', () => {
    expect(parseCommand('/arch-review ask why a timeout here?')).toEqual({ kind: 'ask', question: 'why a timeout here?' });
    expect(parseCommand('Hi\n/arch-review ASK\nIs this retry safe?\nIt charges cards.')).toEqual({ kind: 'ask', question: 'Is this retry safe?\nIt charges cards.' });
  });

  it('shows help for an empty question, and ignores ask in quotes or fences', () => {
    expect(parseCommand('/arch-review ask   ')).toEqual({ kind: 'help' });
    expect(parseCommand('> /arch-review ask why?')).toBeUndefined();
    expect(parseCommand('```\n/arch-review ask why?\n```')).toBeUndefined();
    expect(parseCommand('/arch-review asking')).toEqual({ kind: 'help', unknown: 'asking' });
  });

  it('is in the help text', () => {
    expect(helpComment()).toContain('`/arch-review ask <question>`');
  });
});
