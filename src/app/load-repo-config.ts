import type { Config } from '../config/schema.js';
import { configFromObject } from '../config/config-from-object.js';
import type { Logger } from '../review/ports.js';

/** The part of a Probot context that reads `.github/<name>` (with `_extends` and the org's `.github` repo). */
export interface ConfigReader {
  config<T>(fileName: string): Promise<T | null>;
}

/**
 * The repository's arch-review settings for the webhook-side filters: defaults when it has no
 * `.github/arch-review.yml`, `undefined` when the file cannot be read or is invalid. A broken file is
 * never a reason to skip: the caller queues the review and the worker reports the problem.
 */
export async function loadRepoConfig(context: ConfigReader, log: Logger): Promise<Config | undefined> {
  try {
    const raw = await context.config<unknown>('arch-review.yml');
    const { config, warnings } = configFromObject(raw, '.github/arch-review.yml');
    for (const warning of warnings) log.debug({ warning }, 'config warning');
    return config;
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not load .github/arch-review.yml; queueing the review so the worker reports it');
    return undefined;
  }
}
