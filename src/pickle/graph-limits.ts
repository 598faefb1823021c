import { PickleExpansionLimitError } from './errors';
import type { PickleLimits } from './limits';
import { PICKLE_CHILDREN, hasChildren } from './protocol';
import { PyObject, type PyValue } from './python-value';

/**
 * Measures the unpickled graph once, after the load: how many items it would hold if every shared
 * reference were copied, and how deep containers nest. A memo "billion laughs" (lists of ten
 * references to the previous list, thirty levels deep) is a few hundred bytes and loads fine as a
 * shared graph, but anything that walks or serialises it naively would explode; it is refused here
 * with PICKLE_EXPANSION_LIMIT. Linear in the number of distinct edges; iterative (no recursion).
 */
export function checkGraphLimits(root: PyValue, limits: Readonly<PickleLimits>, source: string): void {
  const done = new Map<object, { items: number; depth: number }>();
  const onPath = new Set<object>();
  type Frame = { node: object; children: PyValue[]; next: number; items: number; depth: number };
  const stack: Frame[] = [];

  const measureLeaf = (value: PyValue): { items: number; depth: number } | undefined => {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return { items: 1, depth: 0 };
    return done.get(value) ?? (onPath.has(value) ? { items: 1, depth: 0 } : undefined);
  };
  const open = (node: object): void => {
    onPath.add(node);
    stack.push({ node, children: childrenOf(node as PyValue), next: 0, items: 1, depth: 0 });
  };

  if (measureLeaf(root) !== undefined) return;
  open(root as object);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next];
      const known = measureLeaf(child);
      if (known === undefined) {
        open(child as object);
        continue;
      }
      frame.next++;
      frame.items += known.items;
      frame.depth = Math.max(frame.depth, known.depth + 1);
      if (frame.items > limits.maxExpandedItems) {
        throw new PickleExpansionLimitError(
          'maxExpandedItems',
          limits.maxExpandedItems,
          `the object graph of ${source} expands to more than ${limits.maxExpandedItems} items through shared references (a memo expansion bomb)`,
        );
      }
      if (frame.depth > limits.maxNestingDepth) {
        throw new PickleExpansionLimitError('maxNestingDepth', limits.maxNestingDepth, `containers in ${source} nest deeper than ${limits.maxNestingDepth} levels`);
      }
      continue;
    }
    stack.pop();
    onPath.delete(frame.node);
    done.set(frame.node, { items: frame.items, depth: frame.depth });
    // The parent (if any) reads this child's measure from `done` on its next turn.
  }
}

function childrenOf(value: PyValue): PyValue[] {
  if (Array.isArray(value)) return value as PyValue[];
  if (value instanceof Map) {
    const out: PyValue[] = [];
    for (const [k, v] of value) out.push(k, v);
    return out;
  }
  if (value instanceof Set) return [...value];
  if (value instanceof PyObject) return value.state === undefined ? [...value.args] : [...value.args, value.state];
  if (hasChildren(value)) return [...value[PICKLE_CHILDREN]()];
  return [];
}
