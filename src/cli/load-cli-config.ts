import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { defaultConfig, type Config } from '../config/schema.js';
import { InputError } from '../errors.js';

/** Where a repository keeps its configuration, relative to its root. */
export const REPO_CONFIG_PATH = '.github/arch-review.yml';

export interface LoadedCliConfig {
  config: Config;
  /** The file read, or `undefined` when the defaults apply. */
  file?: string;
  warnings: string[];
}

/**
 * The configuration for a CLI run: `--config <file>` when given (it must exist), else
 * `.github/arch-review.yml` under the repository root when present, else the defaults.
 * A file that is not valid throws a `ConfigError` naming the file and line.
 */
export async function loadCliConfig(explicitFile: string | undefined, repoRoot: string, cwd: string): Promise<LoadedCliConfig> {
  if (explicitFile !== undefined) {
    const file = path.resolve(cwd, explicitFile);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read config file ${explicitFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
    return { ...loadConfig(text, explicitFile), file: explicitFile };
  }
  const file = path.join(repoRoot, REPO_CONFIG_PATH);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { config: defaultConfig(), warnings: [] };
  }
  return { ...loadConfig(text, REPO_CONFIG_PATH), file: REPO_CONFIG_PATH };
}
