import { readFileSync } from 'node:fs';

export interface PackageInfo {
  version: string;
  /** Where to read about arch-review: package.json `homepage`, else its npm page. */
  informationUri: string;
}

/**
 * arch-review's version and home page, from package.json. The file sits two folders up from this
 * module both in `src/cli/` (tsx) and in `dist/cli/` (built), so one relative URL serves both.
 */
export function readPackageInfo(): PackageInfo {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string; homepage?: string };
    return { version: pkg.version ?? '0.0.0', informationUri: pkg.homepage ?? 'https://www.npmjs.com/package/arch-review' };
  } catch {
    return { version: '0.0.0', informationUri: 'https://www.npmjs.com/package/arch-review' };
  }
}
