import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { importStatements } from '../rules/ast/import-bindings.js';
import { parseSource } from '../rules/parse-source.js';

/** What a reader needs to place a hunk: what the file depends on and what it offers. */
export interface FileOutline {
  imports: string[];
  /** Signatures (first line, without the body) of the exported or public symbols. */
  symbols: string[];
  /** `ast` when parsed with ast-grep, `lexical` when guessed from lines. */
  method: 'ast' | 'lexical';
}

const MAX_IMPORTS = 25;
const MAX_SYMBOLS = 30;
const MAX_SIGNATURE = 140;

/**
 * A short outline of a file's head version: imported modules and exported symbols with their
 * signatures. Uses ast-grep (via the rules' parser) for the rule languages, and a line-based fallback
 * for anything else or when parsing fails, so every file gets an outline of some quality.
 *
 * @example outlineFile('export class A {\n  run(): void {}\n}\n', 'typescript').symbols // ['class A', '  run(): void']
 */
export function outlineFile(text: string, language?: RuleLanguage): FileOutline {
  if (language) {
    try {
      return cap(astOutline(text, language));
    } catch {
      // A parser failure must not cost the review its context: fall through to the lexical outline.
    }
  }
  return cap(lexicalOutline(text));
}

/** Renders an outline as the lines the prompt shows. Empty when there is nothing to show. */
export function formatOutline(o: FileOutline): string {
  const parts: string[] = [];
  if (o.imports.length > 0) parts.push(`imports: ${o.imports.join(', ')}`);
  if (o.symbols.length > 0) parts.push(`symbols:\n${o.symbols.map((s) => `  ${s}`).join('\n')}`);
  return parts.join('\n');
}

function cap(o: FileOutline): FileOutline {
  const more = (n: number, max: number) => (n > max ? [`… ${n - max} more`] : []);
  return {
    imports: [...o.imports.slice(0, MAX_IMPORTS), ...more(o.imports.length, MAX_IMPORTS)],
    symbols: [...o.symbols.slice(0, MAX_SYMBOLS), ...more(o.symbols.length, MAX_SYMBOLS)],
    method: o.method,
  };
}

/** The first line of a declaration without its body: `async function pay(id: string)`, `public void m(int x)`. */
function signature(node: SgNode): string {
  // Java and Python annotations/decorators sit on lines of their own before the declaration.
  const lines = node.text().split('\n').map((l) => l.trim());
  let first = lines.find((l) => !/^@[\w.]+(\(.*\))?$/.test(l)) ?? lines[0] ?? '';
  first = first.replace(/^(@[\w.]+(\([^)]*\))?\s+)+/, '');
  // A one-line body (`public int size() { return n; }`) is detail, not signature.
  const bare = first
    .replace(/\s*\{[^{}]*\}\s*;?$/, '')
    .replace(/\s*(\{|=>\s*\{|:)\s*$/, '')
    .replace(/^export\s+(default\s+)?/, '')
    .trim();
  return bare.length > MAX_SIGNATURE ? `${bare.slice(0, MAX_SIGNATURE)}…` : bare;
}

function astOutline(text: string, language: RuleLanguage): FileOutline {
  const root = parseSource(language, text);
  const imports = [...new Set(importStatements(root, language).map((s) => s.module))];
  const symbols: string[] = [];
  const top = root.root().children();
  const kind = (n: SgNode) => String(n.kind());

  if (language === 'typescript' || language === 'tsx' || language === 'javascript') {
    for (const n of top) {
      if (kind(n) !== 'export_statement') continue;
      symbols.push(signature(n));
      const cls = n.children().find((c) => /class_declaration$/.test(kind(c)));
      const body = cls?.children().find((c) => kind(c) === 'class_body');
      for (const m of body?.children() ?? []) {
        if (kind(m) !== 'method_definition' && kind(m) !== 'method_signature') continue;
        if (/^(private|protected)\b|^#/.test(m.text().trim())) continue;
        symbols.push(`  ${signature(m)}`);
      }
    }
  } else if (language === 'python') {
    for (const n of top) {
      const def = kind(n) === 'decorated_definition' ? n.children().find((c) => /definition$/.test(kind(c))) : n;
      if (!def || !/^(function|class)_definition$/.test(kind(def))) continue;
      const name = def.field('name')?.text() ?? '';
      if (!name.startsWith('_')) symbols.push(signature(def));
    }
  } else if (language === 'go') {
    for (const n of top) {
      if (!/^(function|method|type)_declaration$/.test(kind(n))) continue;
      // Go exports by capitalisation: `func Export`, `func (c *Client) Do`, `type Entry struct`.
      const m = /^(?:func\s+(?:\([^)]*\)\s*)?|type\s+)([A-Za-z_]\w*)/.exec(n.text());
      if (m?.[1] && /^[A-Z]/.test(m[1])) symbols.push(signature(n));
    }
  } else {
    for (const n of top) {
      if (!/(class|interface|enum|record)_declaration$/.test(kind(n))) continue;
      symbols.push(signature(n));
      const body = n.children().find((c) => /_body$/.test(kind(c)));
      for (const m of body?.children() ?? []) {
        const modifiers = m.children().find((c) => kind(c) === 'modifiers')?.text() ?? '';
        if (/^(method|constructor)_declaration$/.test(kind(m)) && /\bpublic\b/.test(modifiers)) symbols.push(`  ${signature(m)}`);
      }
    }
  }
  return { imports, symbols, method: 'ast' };
}

const IMPORT_LINE = /^\s*(?:import\s+.+|from\s+\S+\s+import\s+.+|(?:const|let|var)\s+.+=\s*require\(.+\)|use\s+[\w:\\]+.*;|require(?:_once)?\s*\(?['"].+|#include\s*[<"].+|using\s+[\w.]+\s*;)\s*$/;
const SYMBOL_LINE = /^(?:export\s+.+|public\s+.+|(?:async\s+)?def\s+[A-Za-z]\w*.*|class\s+\w+.*|func\s+.+|fn\s+.+|pub\s+.+|module\.exports.+|function\s+\w+.*|(?:def|module|class)\s+[A-Z][\w:]*.*)$/;

function lexicalOutline(text: string): FileOutline {
  const imports: string[] = [];
  const symbols: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (IMPORT_LINE.test(line)) {
      const quoted = /['"]([^'"]+)['"]/.exec(line)?.[1];
      imports.push(quoted ?? line.trim().replace(/;$/, ''));
    } else if (SYMBOL_LINE.test(line)) {
      // Top level only (no indentation): nested helpers are detail the hunks show where they matter.
      const bare = line.replace(/\s*(\{|:)\s*$/, '');
      symbols.push(bare.length > MAX_SIGNATURE ? `${bare.slice(0, MAX_SIGNATURE)}…` : bare);
    }
  }
  return { imports: [...new Set(imports)], symbols, method: 'lexical' };
}
