import type { SgNode } from '@ast-grep/napi';

/** `$$$ARGS` (a list), `$$A` or `$A` (one node): ast-grep's metavariables, named in upper case. */
const METAVARIABLE = /\$\$\$([A-Z_][A-Z0-9_]*)|\$\$?([A-Z_][A-Z0-9_]*)/g;

/**
 * Fills an ast-grep template (a rule's `fix` or `message`) with what `node`'s match captured:
 * `$$$NAME` is the source from the first to the last node of the list (separators included, as
 * ast-grep writes it back), `$NAME` a transformed variable (`transform:`) or the captured node's text.
 * A variable the match did not capture becomes empty text, as in `ast-grep scan --fix`.
 *
 * @example
 * // rule: { pattern: 'stripe.charges.create($$$ARGS)' }, fix: 'payments.charge($$$ARGS)'
 * interpolate('payments.charge($$$ARGS)', node, source) // 'payments.charge({ amount })'
 */
export function interpolate(template: string, node: SgNode, source: string): string {
  return template.replace(METAVARIABLE, (_, many: string | undefined, one: string | undefined) => {
    if (many !== undefined) {
      const nodes = node.getMultipleMatches(many);
      if (nodes.length === 0) return '';
      return source.slice(nodes[0]!.range().start.index, nodes[nodes.length - 1]!.range().end.index);
    }
    return node.getTransformed(one!) ?? node.getMatch(one!)?.text() ?? '';
  });
}

/**
 * The replacement for whole lines `line..endLine` (1-based) that a ```` ```suggestion ```` block needs:
 * the text before the match on its first line, the filled `fix` template, and the text after the match
 * on its last line. Lines after the first of a multi-line fix are indented like the match's first line,
 * as ast-grep indents them. One trailing newline of the template (a YAML `|` block) is dropped.
 *
 * @example
 * // line 3 is `  await stripe.charges.create({ amount });`, fix `payments.charge($$$ARGS)`
 * suggestionFor('payments.charge($$$ARGS)', node, source, lines) // { line: 3, endLine: 3, text: '  await payments.charge({ amount });' }
 */
export function suggestionFor(template: string, node: SgNode, source: string, lines: readonly string[]): { line: number; endLine: number; text: string } {
  const { start, end } = node.range();
  const first = lines[start.line] ?? '';
  const last = lines[end.line] ?? '';
  const indent = /^[ \t]*/.exec(first)![0];
  // The template's own lines are indented; captured text keeps the indentation it has in the file.
  const indented = template
    .replace(/\r?\n$/, '')
    .split('\n')
    .map((l, i) => (i === 0 || l === '' ? l : indent + l))
    .join('\n');
  const filled = interpolate(indented, node, source);
  return { line: start.line + 1, endLine: end.line + 1, text: first.slice(0, start.column) + filled + last.slice(end.column) };
}
