/**
 * One number per item, in order: from `remembered` where it knows the item, the others through
 * `compute` in one call (so a batch stays a batch), each then offered to `keep`. The shared loop of
 * the score caches (src/adapter/item-score-cache.ts, src/adapter/row-score-cache.ts).
 */
export function batchThroughMemo<T>(
  items: readonly T[],
  remembered: (item: T) => number | undefined,
  compute: (missing: readonly T[]) => ArrayLike<number>,
  keep: (item: T, value: number) => void,
): Float64Array {
  const out = new Float64Array(items.length);
  let missing: T[] | undefined;
  let where: number[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const known = remembered(items[i]);
    if (known !== undefined) {
      out[i] = known;
      continue;
    }
    (missing ??= []).push(items[i]);
    (where ??= []).push(i);
  }
  if (missing === undefined || where === undefined) return out;
  const fresh = compute(missing);
  for (let k = 0; k < missing.length; k++) {
    out[where[k]] = fresh[k];
    keep(missing[k], fresh[k]);
  }
  return out;
}
