import type { CustomRuleProblem, RuleFileText } from '../rules/custom/load-custom-rules.js';
import { isYamlFile, type RuleFileReader } from '../rules/custom/load-repository-rules.js';
import { hasStatus, translateGitHubError } from './translate-error.js';
import type { GitHubClient, PullRequestRef } from './types.js';

/** Subfolders followed below a rule folder, and files read in all: a runaway folder costs bounded requests. */
const MAX_DEPTH = 4;
const MAX_FILES = 200;

/**
 * Rule file texts by repository, path and blob SHA, shared by the reviews of one process: a file is
 * downloaded again only when its content changed (a new blob SHA in the folder listing).
 */
export interface RuleFileCache {
  get(key: string): string | undefined;
  set(key: string, text: string): void;
}

/**
 * A bounded cache (least recently used out) for {@link createGitHubRuleFileReader}.
 *
 * @example
 * const cache = createRuleFileCache(); // once per process, passed to every review's reader
 */
export function createRuleFileCache(max = 500): RuleFileCache {
  const map = new Map<string, string>();
  return {
    get(key) {
      const text = map.get(key);
      if (text !== undefined) {
        map.delete(key);
        map.set(key, text);
      }
      return text;
    },
    set(key, text) {
      map.delete(key);
      map.set(key, text);
      while (map.size > max) map.delete(map.keys().next().value!);
    },
  };
}

interface Entry {
  type: string;
  name: string;
  path: string;
  sha: string;
}

/**
 * Reads rule files from a repository on GitHub at its default branch (no `ref`), as the configuration is
 * read: the rules that judge a pull request come from the branch it merges into, so a pull request cannot
 * switch off or weaken them (its own rule changes apply once merged). One contents-API listing per
 * folder (and subfolder), then one read per file not in `cache` under its blob SHA. A missing folder
 * has no files; other GitHub failures throw (`ExternalServiceError`, retried by the queue when GitHub is
 * at fault), after Octokit's own retries.
 *
 * @example
 * const reader = createGitHubRuleFileReader(octokit, { owner, repo }, cache);
 * const custom = await loadRepositoryRules(reader, config);
 */
export function createGitHubRuleFileReader(octokit: GitHubClient, ref: Pick<PullRequestRef, 'owner' | 'repo'>, cache?: RuleFileCache): RuleFileReader {
  const { owner, repo } = ref;
  let read = 0;

  async function list(path: string): Promise<Entry[] | undefined> {
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path });
      const entries = (Array.isArray(data) ? data : [data]) as Entry[];
      return entries.map((e) => ({ type: e.type, name: e.name, path: e.path, sha: e.sha }));
    } catch (err) {
      if (hasStatus(err, 404)) return undefined;
      throw translateGitHubError(err);
    }
  }

  async function text(entry: Entry): Promise<string | undefined> {
    const key = `${owner}/${repo}:${entry.path}@${entry.sha}`;
    const cached = cache?.get(key);
    if (cached !== undefined) return cached;
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path: entry.path, mediaType: { format: 'raw' } });
      const raw: unknown = data;
      const body = typeof raw === 'string' ? raw : raw instanceof ArrayBuffer ? Buffer.from(raw).toString('utf8') : undefined;
      if (body !== undefined) cache?.set(key, body);
      return body;
    } catch (err) {
      if (hasStatus(err, 404)) return undefined;
      throw translateGitHubError(err);
    }
  }

  async function walk(path: string, depth: number, files: RuleFileText[], problems: CustomRuleProblem[]): Promise<void> {
    const entries = await list(path);
    if (!entries) return;
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.type === 'dir') {
        if (depth < MAX_DEPTH) await walk(e.path, depth + 1, files, problems);
        continue;
      }
      if (e.type !== 'file' || !isYamlFile(e.name)) continue;
      if (read >= MAX_FILES) {
        problems.push({ file: e.path, message: `not read: arch-review reads at most ${MAX_FILES} rule files per repository` });
        continue;
      }
      read++;
      const body = await text(e);
      if (body !== undefined) files.push({ path: e.path, text: body });
    }
  }

  return {
    where: 'the default branch',
    async read(dirs) {
      const files: RuleFileText[] = [];
      const problems: CustomRuleProblem[] = [];
      for (const dir of dirs) await walk(dir.replace(/\/+$/, ''), 0, files, problems);
      return { files, problems };
    },
  };
}
