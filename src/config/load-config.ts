import { LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError } from '../errors.js';
import type { Config } from './schema.js';
import { validateConfig, type ConfigPath, type Locate } from './validate-config.js';
import { keyOffset } from './yaml-key-offset.js';

/**
 * Reads `.github/arch-review.yml` text into a validated `Config`. An absent or empty file gives the defaults.
 * YAML syntax errors and schema errors throw a `ConfigError` whose message names the file, line and column
 * and what is expected; unknown keys (at any depth) become warnings with their position, and are ignored.
 *
 * @example
 * loadConfig('max_inline_comments: many\n')
 * // throws ConfigError: .github/arch-review.yml:1:22: max_inline_comments: expected number, received string
 */
export function loadConfig(text: string | undefined, file = '.github/arch-review.yml'): { config: Config; warnings: string[] } {
  if (text === undefined || text.trim() === '') return validateConfig(undefined, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { keepSourceTokens: true, lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const [first, ...rest] = doc.errors;
    const more = rest.map((e) => `\n${at(e.pos[0])}: invalid YAML: ${e.message}`).join('');
    throw new ConfigError(`invalid YAML: ${first!.message}${more}`, at(first!.pos[0]), { cause: first });
  }
  const yamlWarnings = doc.warnings.map((w) => `${at(w.pos[0])}: ${w.message}`);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved aliases, or an alias bomb over maxAliasCount.
    throw new ConfigError(`invalid YAML: ${(err as Error).message}`, file, { cause: err });
  }

  const locate: Locate = (path, what) => {
    const offset = what === 'key' ? keyOffset(doc.contents, path) : valueOffset(doc, path);
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };
  const res = validateConfig(data, file, locate);
  return { config: res.config, warnings: [...yamlWarnings, ...res.warnings] };
}

type Doc = ReturnType<typeof parseDocument>;

/** Start of the value at `path`, or of its nearest ancestor that exists (a missing key points at its parent). */
function valueOffset(doc: Doc, path: ConfigPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : (doc.getIn(path.slice(0, n), true) as Node | undefined);
    if (node && typeof node === 'object' && 'range' in node && node.range) return node.range[0];
  }
  return undefined;
}

