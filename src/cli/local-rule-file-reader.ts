import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CustomRuleProblem, RuleFileText } from '../rules/custom/load-custom-rules.js';
import { isYamlFile, type RuleFileReader } from '../rules/custom/load-repository-rules.js';

/**
 * Reads rule files from a folder on disk (the CLI's repository root: the working tree, or the folder
 * holding the head files with `--diff`). Paths in results are from `root`, with `/`.
 *
 * @example
 * const { files } = await createLocalRuleFileReader('/src/payments').read(['.github/arch-review/rules']);
 */
export function createLocalRuleFileReader(root: string): RuleFileReader {
  return {
    where: root,
    async read(dirs) {
      const files: RuleFileText[] = [];
      const problems: CustomRuleProblem[] = [];
      for (const dir of dirs) await walk(root, dir.replace(/\/+$/, ''), files, problems);
      return { files, problems };
    },
  };
}

async function walk(root: string, rel: string, files: RuleFileText[], problems: CustomRuleProblem[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') return void (await readOne(root, rel, files, problems));
    problems.push({ file: rel, message: `could not read the folder: ${code ?? (err as Error).message}` });
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) await walk(root, child, files, problems);
    else if (e.isFile() && isYamlFile(e.name)) await readOne(root, child, files, problems);
  }
}

async function readOne(root: string, rel: string, files: RuleFileText[], problems: CustomRuleProblem[]): Promise<void> {
  try {
    files.push({ path: rel, text: await readFile(path.join(root, rel), 'utf8') });
  } catch (err) {
    problems.push({ file: rel, message: `could not read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
  }
}
