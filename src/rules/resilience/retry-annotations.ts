import type { SgNode } from '@ast-grep/napi';
import { fieldOf, kindOf } from '../ast/node-text.js';

/** A Python retry decorator (tenacity, backoff, retrying) and what it does between attempts. */
export interface RetryDecorator {
  node: SgNode;
  /** The decorated `function_definition`. */
  fn: SgNode;
  library: 'tenacity' | 'backoff' | 'retrying';
  /** False when the library default applies: all three retry forever unless told to stop. */
  bounded: boolean;
  wait: 'none' | 'fixed' | 'growing';
}

/** Retry decorators of a Python file, for the libraries it imports. */
export function retryDecorators(root: SgNode, source: string): RetryDecorator[] {
  const libs = {
    tenacity: /^\s*(from\s+tenacity\s+import|import\s+tenacity)\b/m.test(source),
    backoff: /^\s*import\s+backoff\b/m.test(source),
    retrying: /^\s*from\s+retrying\s+import\b/m.test(source),
  };
  const out: RetryDecorator[] = [];
  for (const dec of root.findAll({ rule: { kind: 'decorator' } })) {
    const fn = dec.parent()?.children().find((c) => kindOf(c) === 'function_definition');
    const expr = dec.children().find((c) => c.isNamed());
    if (!fn || !expr) continue;
    const isCall = kindOf(expr) === 'call';
    const name = (isCall ? fieldOf(expr, 'function') : expr)?.text() ?? '';
    const args = isCall ? (fieldOf(expr, 'arguments')?.namedChildren() ?? []) : [];
    const kw = new Map<string, string>();
    for (const a of args) if (kindOf(a) === 'keyword_argument') kw.set(fieldOf(a, 'name')?.text() ?? '', fieldOf(a, 'value')?.text() ?? '');
    const positional = args.filter((a) => kindOf(a) !== 'keyword_argument').map((a) => a.text());
    if ((name === 'retry' || name === 'tenacity.retry') && libs.tenacity) {
      const wait = kw.get('wait');
      out.push({ node: dec, fn, library: 'tenacity', bounded: kw.has('stop'), wait: !wait ? 'none' : /^(tenacity\.)?wait_(fixed|none)\([^+]*$/.test(wait) ? 'fixed' : 'growing' });
    } else if (name === 'retry' && libs.retrying) {
      const keys = [...kw.keys()];
      const growing = keys.some((k) => /^wait_(exponential|random|incrementing|func|jitter)/.test(k));
      out.push({ node: dec, fn, library: 'retrying', bounded: keys.some((k) => k.startsWith('stop')), wait: growing ? 'growing' : kw.has('wait_fixed') ? 'fixed' : 'none' });
    } else if (/^backoff\.on_(exception|predicate)$/.test(name) && libs.backoff) {
      const gen = kw.get('wait_gen') ?? positional[0] ?? '';
      out.push({ node: dec, fn, library: 'backoff', bounded: kw.has('max_tries') || kw.has('max_time'), wait: /^backoff\.constant$/.test(gen) ? 'fixed' : 'growing' });
    }
  }
  return out;
}

/** A Spring `@Retryable` annotation and its backoff. */
export interface RetryableAnnotation {
  node: SgNode;
  /** The annotated `method_declaration`. */
  method: SgNode;
  hasBackoff: boolean;
  /** True when the backoff grows (`multiplier > 1`) or is randomised. */
  exponential: boolean;
}

/** Spring Retry `@Retryable` annotations of a Java file. */
export function retryableAnnotations(root: SgNode): RetryableAnnotation[] {
  const out: RetryableAnnotation[] = [];
  for (const a of root.findAll({ rule: { any: [{ kind: 'annotation' }, { kind: 'marker_annotation' }] } })) {
    if (fieldOf(a, 'name')?.text() !== 'Retryable') continue;
    const method = a.parent()?.parent();
    if (!method || kindOf(method) !== 'method_declaration') continue;
    const text = a.text();
    const multiplier = /multiplier\s*=\s*([\d.]+)/.exec(text);
    out.push({ node: a, method, hasBackoff: /\bbackoff\s*=/.test(text), exponential: (!!multiplier && Number(multiplier[1]) > 1) || /random\s*=\s*true/.test(text) });
  }
  return out;
}
