import { describe, expect, it } from 'vitest';
import { formatOutline, outlineFile } from '../../src/agent/outline-file.js';

describe('outlineFile', () => {
  it('lists imports and exported symbols of TypeScript, with public methods of exported classes', () => {
    const src = [
      "import Stripe from 'stripe';",
      "import { db } from '../lib/db';",
      'const secret = 1;',
      'export class Billing {',
      '  async charge(id: string): Promise<void> {}',
      '  private helper() {}',
      '}',
      'function internal() {}',
      'export function total(cents: number): string {',
      '  return "";',
      '}',
    ].join('\n');
    const o = outlineFile(src, 'typescript');
    expect(o).toEqual({ imports: ['stripe', '../lib/db'], symbols: ['class Billing', '  async charge(id: string): Promise<void>', 'function total(cents: number): string'], method: 'ast' });
  });

  it('keeps Python public functions and classes, and Go capitalised ones', () => {
    const py = outlineFile('import requests\n\nclass SyncError(Exception):\n    pass\n\ndef push(order):\n    pass\n\ndef _private():\n    pass\n', 'python');
    expect(py.imports).toEqual(['requests']);
    expect(py.symbols).toEqual(['class SyncError(Exception)', 'def push(order)']);
    const go = outlineFile('package ledger\n\nimport "net/http"\n\ntype Entry struct {\n}\n\nfunc Export(url string) error {\n\treturn nil\n}\n\nfunc helper() {}\n', 'go');
    expect(go.imports).toEqual(['net/http']);
    expect(go.symbols).toEqual(['type Entry struct', 'func Export(url string) error']);
  });

  it('lists Java public types and methods without annotations or bodies', () => {
    const java = outlineFile('package a;\nimport com.stripe.Stripe;\n@Service\npublic class Pay {\n  @GetMapping("/x")\n  public Res get(String id) throws IOException {\n    return null;\n  }\n  private void n() {}\n}\n', 'java');
    expect(java.imports).toEqual(['com.stripe.Stripe']);
    expect(java.symbols).toEqual(['public class Pay', '  public Res get(String id) throws IOException']);
  });

  it('falls back to a lexical outline for languages without a parser', () => {
    const rb = outlineFile("require 'net/http'\n\nclass Client\n  def call\n  end\nend\n");
    expect(rb.method).toBe('lexical');
    expect(rb.imports).toEqual(['net/http']);
    expect(rb.symbols).toEqual(['class Client']);
  });

  it('formats to nothing when there is nothing to show', () => {
    expect(formatOutline(outlineFile('const a = 1;\n', 'typescript'))).toBe('');
  });
});
