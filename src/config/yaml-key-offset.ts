import { isMap, isNode, isScalar, isSeq } from 'yaml';

/**
 * Start offset of the key that ends `path` in a parsed YAML document (where an unknown or wrong key should
 * be pointed at: configuration and custom rule files report file:line:column); undefined when absent.
 */
export function keyOffset(root: unknown, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (isSeq(node) && typeof path[i] === 'number') {
      node = node.items[path[i] as number];
      continue;
    }
    if (!isMap(node)) return undefined;
    const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(path[i]));
    if (!pair) return undefined;
    if (i === path.length - 1) return isNode(pair.key) ? pair.key.range?.[0] : undefined;
    node = pair.value;
  }
  return undefined;
}
