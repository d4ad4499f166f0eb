/**
 * Files that are operator tools rather than services: command-line entry points, project scaffolders,
 * scripts, Django management commands and migrations. What they print goes to the person who ran them,
 * and what they splice into SQL comes from that person, so there is no trust boundary to report.
 * `commands/` counts only as a folder of CLI commands, not CQRS command classes (`*.command.ts`, `*-command.ts`).
 */
const OPERATOR_PATH = /(^|\/)(cli|bin|scripts?|migrations?|management\/commands|create-[\w-]+-app)\/|(^|\/)src\/commands\/(?![^/]*[.-](command|handler)\.)/i;

/** True when `path` is an operator tool (see above). */
export const isOperatorToolPath = (path: string): boolean => OPERATOR_PATH.test(path);
