import { fileURLToPath } from 'node:url';

/** The persona used when none is named. */
export const DEFAULT_PROFILE = 'backend-integration-architect';

/**
 * Absolute path of `agents/<name>.md` in this package. Resolved from this module's URL: the file sits two
 * levels below the package root both as `src/agent/*.ts` (tsx, tests) and as `dist/agent/*.js` (built),
 * so the same code finds `agents/` in both, whatever the working directory.
 *
 * @example defaultProfilePath() // '/app/agents/backend-integration-architect.md'
 */
export function defaultProfilePath(name: string = DEFAULT_PROFILE): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`invalid agent profile name: ${JSON.stringify(name)}`);
  return fileURLToPath(new URL(`../../agents/${name}.md`, import.meta.url));
}
