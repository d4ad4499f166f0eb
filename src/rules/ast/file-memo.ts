/**
 * Memos for the analysis of one file: several rules ask the same questions of the same tree (which calls
 * leave the process, what a scope assigns, where a function's conditions are), and ast-grep answers each
 * with a walk of the tree across the native boundary. The rule runner opens a memo around one file's rules
 * and drops it when they have run.
 *
 * Why not a `WeakMap` keyed by the tree: every `SgNode` holds a strong native reference to its `SgRoot`, so
 * nodes cached under the tree keep the tree reachable, and the entry (and the whole native tree) is never
 * collected. Measured on the 100k-line benchmark: 242 MB peak RSS without memos, 424 MB with tree-keyed
 * memos, back to the first figure with this one.
 *
 * Outside an open memo (a test calling a helper directly, a caller that analyses one node) helpers compute
 * their answer every time: the memo is an optimisation, never a dependency.
 */

import type { SgNode } from '@ast-grep/napi';

let open: Map<object, unknown> | undefined;

/** Runs `analyse` with a fresh memo for one file; the memo is dropped when it returns or throws. Nested calls get their own. */
export function withFileMemo<T>(analyse: () => T): T {
  const outer = open;
  open = new Map();
  try {
    return analyse();
  } finally {
    open = outer;
  }
}

/**
 * The open file's memo slot for `owner` (a module-level token of the helper that owns it), created with
 * `create` on first use; undefined when no file is open.
 *
 * @example const byScope = fileMemo(ASSIGNMENTS, () => new Map<string, Index>()); const hit = byScope?.get(key);
 */
export function fileMemo<V>(owner: object, create: () => V): V | undefined {
  if (!open) return undefined;
  let slot = open.get(owner) as V | undefined;
  if (slot === undefined) open.set(owner, (slot = create()));
  return slot;
}

/** `fileMemo` for the common case of a map from a key to a computed value: computes without caching when no file is open. */
export function memoised<K, V>(owner: object, key: K, compute: () => V): V {
  const slot = fileMemo(owner, () => new Map<K, V>());
  if (!slot) return compute();
  if (slot.has(key)) return slot.get(key) as V;
  const value = compute();
  slot.set(key, value);
  return value;
}

/**
 * `memoised` for a question about one syntax node, keyed by the node's id: ast-grep hands out a new wrapper
 * for the same node on every access, so the id is what identifies it. The entry keeps the node, so its tree
 * outlives the memo and no id is reused by another tree while the memo is open.
 */
export function memoisedForNode<V>(owner: object, node: SgNode, compute: () => V): V {
  return memoised(owner, node.id(), () => ({ node, value: compute() })).value;
}
