import { isNode, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { z } from 'zod';
import { keyOffset } from '../../config/yaml-key-offset.js';

/** A line and column (1-based) in a file. */
export interface Position {
  line: number;
  column: number;
}

/** One YAML document of a file (documents are separated by `---`), with where its parts are. */
export interface YamlDocument {
  /** 0-based position of the document in its file. */
  index: number;
  data: unknown;
  /** Where the document starts. */
  start: Position;
  /** Where the value (or, with `key`, the key) at `path` is; the nearest ancestor that exists otherwise. */
  locate(path: ReadonlyArray<PropertyKey>, what?: 'key' | 'value'): Position;
}

/** A problem found while reading a file, with where it is. */
export interface YamlProblem extends Position {
  message: string;
}

/**
 * Reads every document of a YAML file (`---` separated, as ast-grep rule files are), keeping positions.
 * A document with a syntax error is left out and reported with its line and column; the others are kept.
 * Empty documents (a leading `---`, a trailing one) are skipped.
 *
 * @example
 * const { documents, problems } = readYamlDocuments('id: a\n---\nid: b\n');
 * documents.map((d) => d.start.line) // [1, 3]
 */
export function readYamlDocuments(text: string): { documents: YamlDocument[]; problems: YamlProblem[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documents: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  const all: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  all.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push({ ...pos(e.pos[0]), message: `invalid YAML: ${e.message.split('\n')[0]}` });
      return;
    }
    if (doc.contents === null) return;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ ...pos(doc.range[0]), message: `invalid YAML: ${(err as Error).message}` });
      return;
    }
    const start = pos(doc.contents.range?.[0] ?? doc.range[0]);
    documents.push({
      index,
      data,
      start,
      locate(path, what = 'value') {
        const offset = (what === 'key' ? keyOffset(doc.contents, path) : undefined) ?? valueOffset(doc, path);
        return offset === undefined ? start : pos(offset);
      },
    });
  });
  return { documents, problems };
}

/**
 * The problems zod found in a document, each located: an unknown key at the key, anything else at its value.
 * Texts are short and name the key path, e.g. `severity: expected one of "hint"|"info"|…, received "critical"`.
 */
export function zodProblems(doc: YamlDocument, error: z.ZodError): YamlProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path;
    const key = path.map((k) => String(k)).join('.');
    if (issue.code === 'unrecognized_keys') {
      const at = doc.locate([...path, issue.keys[0]!], 'key');
      const where = key ? ` in ${key}` : '';
      return { ...at, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}${where} (ast-grep rejects it too)` };
    }
    const value = path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), doc.data);
    let text = issue.message.replace(/^Invalid (input|option): /, '');
    if (issue.code === 'invalid_type' && value === undefined) text = `missing (required)`;
    else if (issue.code === 'invalid_value') text += `, received ${JSON.stringify(value)}`;
    return { ...doc.locate(path), message: `${key || '(document)'}: ${text}` };
  });
}


function valueOffset(doc: Document.Parsed, path: ReadonlyArray<PropertyKey>): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

