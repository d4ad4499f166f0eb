import * as linguist from 'linguist-languages';

/** A GitHub Linguist language: its name and Linguist's type for it. */
export interface Language {
  name: string;
  type: 'programming' | 'data' | 'markup' | 'prose';
}

interface LinguistEntry {
  readonly name: string;
  readonly type: string;
  readonly extensions?: readonly string[];
  readonly filenames?: readonly string[];
  readonly interpreters?: readonly string[];
}

/**
 * Many extensions belong to several Linguist languages (`.ts` is also XML, `.rs` also RenderScript,
 * `.md` also GCC Machine Description); Linguist settles them with content heuristics. Here the most
 * common owner wins, in this order; an extension none of these claim goes to the language whose
 * primary extension it is.
 */
const PREFERRED = [
  'TypeScript', 'TSX', 'JavaScript', 'Python', 'Go', 'Java', 'Kotlin', 'Ruby', 'PHP', 'C#', 'Rust', 'Scala', 'C', 'C++',
  'Objective-C', 'Swift', 'Perl', 'Elixir', 'R', 'Shell', 'SQL', 'Markdown', 'Text', 'YAML', 'JSON', 'TOML', 'INI', 'XML',
  'HTML', 'CSS', 'Dotenv', 'Java Properties', 'Makefile',
];
const rank = new Map(PREFERRED.map((n, i) => [n, i]));

interface Index {
  byFilename: Map<string, LinguistEntry>;
  byExtension: Map<string, LinguistEntry[]>;
  byInterpreter: Map<string, LinguistEntry>;
}
let index: Index | undefined;

function getIndex(): Index {
  if (index) return index;
  const byFilename = new Map<string, LinguistEntry>();
  const byExtension = new Map<string, LinguistEntry[]>();
  const byInterpreter = new Map<string, LinguistEntry>();
  const better = (a: LinguistEntry, b: LinguistEntry | undefined) => !b || (rank.get(a.name) ?? Infinity) < (rank.get(b.name) ?? Infinity);
  for (const lang of Object.values(linguist) as LinguistEntry[]) {
    for (const f of lang.filenames ?? []) if (better(lang, byFilename.get(f))) byFilename.set(f, lang);
    for (const e of lang.extensions ?? []) {
      const key = e.toLowerCase();
      const list = byExtension.get(key);
      if (list) list.push(lang);
      else byExtension.set(key, [lang]);
    }
    // A `#!/usr/bin/env node` script is JavaScript, though TypeScript lists `node` as well.
    if (lang.name !== 'TypeScript') for (const i of lang.interpreters ?? []) if (better(lang, byInterpreter.get(i))) byInterpreter.set(i, lang);
  }
  index = { byFilename, byExtension, byInterpreter };
  return index;
}

function pick(candidates: readonly LinguistEntry[], ext: string): LinguistEntry {
  let best: LinguistEntry | undefined;
  let bestRank = Infinity;
  for (const c of candidates) {
    const r = rank.get(c.name);
    if (r !== undefined && r < bestRank) [best, bestRank] = [c, r];
  }
  if (best) return best;
  return candidates.find((c) => c.extensions?.[0]?.toLowerCase() === ext) ?? candidates.find((c) => c.type === 'programming') ?? candidates[0]!;
}

function toLanguage(entry: LinguistEntry): Language {
  return { name: entry.name, type: entry.type as Language['type'] };
}

/**
 * The Linguist language of `path`, from its file name, then its longest known extension
 * (`foo.d.ts` tries `.d.ts`, then `.ts`). `Dockerfile.prod` and `.env.staging` are read as
 * Dockerfile and Dotenv, which Linguist lists only by exact name. `undefined` when unknown.
 *
 * @example detectLanguage('src/api/client.ts') // { name: 'TypeScript', type: 'programming' }
 */
export function detectLanguage(path: string): Language | undefined {
  const { byFilename, byExtension } = getIndex();
  const base = path.slice(path.lastIndexOf('/') + 1);
  const named = byFilename.get(base);
  if (named) return toLanguage(named);
  if (/^(Dockerfile|Containerfile)([.-].+)?$/i.test(base)) return toLanguage(byFilename.get('Dockerfile')!);
  if (/^\.env(\..+)?$/.test(base)) return toLanguage(byFilename.get('.env')!);
  const lower = base.toLowerCase();
  // A dotfile such as `.gitignore` is its own extension in Linguist's data.
  for (let at = lower.startsWith('.') ? 0 : lower.indexOf('.'); at >= 0; at = lower.indexOf('.', at + 1)) {
    const ext = lower.slice(at);
    const candidates = byExtension.get(ext);
    if (candidates) return toLanguage(pick(candidates, ext));
  }
  return undefined;
}

/**
 * The language named by a `#!` line (`#!/usr/bin/env python3`, `#!/bin/bash`), for files without an
 * extension. `undefined` when the text has no shebang or names an unknown interpreter.
 */
export function detectShebangLanguage(text: string): Language | undefined {
  const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(text);
  if (!m) return undefined;
  let interpreter = m[1]!.slice(m[1]!.lastIndexOf('/') + 1);
  if (interpreter === 'env' && m[2]) interpreter = m[2].startsWith('-') ? '' : m[2];
  const { byInterpreter } = getIndex();
  const entry = byInterpreter.get(interpreter) ?? byInterpreter.get(interpreter.replace(/[\d.]+$/, ''));
  return entry ? toLanguage(entry) : undefined;
}
