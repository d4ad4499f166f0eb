import { readFileSync } from 'node:fs';
import type { Category } from '../review/finding.js';
import { defaultProfilePath } from './default-profile-path.js';
import { parseAgentProfile } from './load-agent-profile.js';

/**
 * The checklist the reviewer persona gives for `category` (its `## <category>` section under
 * `# Checklist by category`), for a documentation answer about an agent finding, which has no rule page.
 * `undefined` when the persona has no such section.
 *
 * @example categoryGuidance(profile.body, 'resilience') // '- Outbound calls without timeouts; …'
 */
export function categoryGuidance(profileBody: string, category: Category): string | undefined {
  const lines = profileBody.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${category}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^#{1,2} /.test(l));
  const text = lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
  return text === '' ? undefined : text;
}

/**
 * {@link categoryGuidance} of the default persona (`agents/backend-integration-architect.md`), read at the
 * first call; `undefined` for every category when it cannot be read (the answer then goes without it).
 *
 * @example const guidance = personaCategoryGuidance(); guidance('security');
 */
export function personaCategoryGuidance(read: () => string = () => readFileSync(defaultProfilePath(), 'utf8')): (category: Category) => string | undefined {
  let body: string | null | undefined;
  return (category) => {
    if (body === undefined) {
      try {
        body = parseAgentProfile(read()).body;
      } catch {
        body = null;
      }
    }
    return body === null ? undefined : categoryGuidance(body, category);
  };
}
