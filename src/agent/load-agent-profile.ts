import { readFile } from 'node:fs/promises';
import matter from 'gray-matter';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { CategorySchema } from '../review/finding.js';

/** The front matter of an `agents/*.md` profile. */
export const AgentProfileFrontMatterSchema = z.object({
  /** Kebab-case id, e.g. `backend-integration-architect`. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case'),
  description: z.string().min(1),
  /** The model this persona was written for; a repository's `agent.model` overrides it. */
  model: z.string().min(1),
  /** Categories the persona reviews; every category when absent. */
  categories: z.array(CategorySchema).min(1).optional(),
});

/** A reviewer persona: its front matter and the markdown body that becomes the system prompt. */
export interface AgentProfile extends z.infer<typeof AgentProfileFrontMatterSchema> {
  /** The markdown after the front matter, trimmed. */
  body: string;
  /** Where it was loaded from, for messages. */
  source: string;
}

/**
 * Reads and validates one persona file: YAML front matter (parsed with gray-matter, checked with zod)
 * and a non-empty markdown body. Profiles are loaded once at start, so a broken one stops the process
 * with the file and the key at fault rather than degrading reviews silently.
 *
 * @example
 * const profile = await loadAgentProfile(defaultProfilePath());
 * profile.name; // 'backend-integration-architect'
 * @throws ConfigError when the file cannot be read, has no front matter, or a key is invalid.
 */
export async function loadAgentProfile(path: string): Promise<AgentProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read agent profile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path, { cause: err });
  }
  return parseAgentProfile(text, path);
}

/** {@link loadAgentProfile} for text already in memory (tests, bundled profiles). */
export function parseAgentProfile(text: string, source = '(inline)'): AgentProfile {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // A fresh options object: gray-matter caches by input otherwise, and a cached result is shared and mutable.
    parsed = matter(text, {});
  } catch (err) {
    throw new ConfigError(`invalid front matter: ${(err as Error).message}`, source, { cause: err });
  }
  if (parsed.matter.trim() === '') throw new ConfigError('missing front matter (--- name/description/model ---)', source);
  const front = AgentProfileFrontMatterSchema.safeParse(parsed.data);
  if (!front.success) {
    const issues = front.error.issues.map((i) => `${i.path.join('.') || '(front matter)'}: ${i.message}`);
    throw new ConfigError(`invalid front matter: ${issues.join('; ')}`, source);
  }
  const body = parsed.content.trim();
  if (body === '') throw new ConfigError('the profile has no instructions after its front matter', source);
  return { ...front.data, body, source };
}
