import type { CommandJob } from '../queue/review-job.js';
import type { Command } from './parse-command.js';

/**
 * The command job's `command` (and its argument) for a parsed command.
 * @example commandJobFields({ kind: 'forget', ruleId: 'http-call-without-timeout' }) // { command: 'forget', ruleId: 'http-call-without-timeout' }
 */
export function commandJobFields(command: Exclude<Command, { kind: 'ask' }>): Pick<CommandJob, 'command'> & Partial<Pick<CommandJob, 'unknown' | 'ruleId'>> {
  switch (command.kind) {
    case 'help':
      return { command: 'help', ...(command.unknown !== undefined ? { unknown: command.unknown } : {}) };
    case 'review':
      return { command: command.full ? 'full' : 'review' };
    case 'forget':
      return { command: 'forget', ruleId: command.ruleId };
    default:
      return { command: command.kind };
  }
}
