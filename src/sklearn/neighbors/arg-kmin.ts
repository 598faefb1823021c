/**
 * The k smallest values and their indices, selected and ordered exactly as scikit-learn's brute-force
 * `ArgKmin` does (sklearn/metrics/_pairwise_distances_reduction/_argkmin.pyx.tp, 1.2.1): a max-heap
 * of size k fed in index order (`heap_push`, sklearn/utils/_heap.pyx), then — for the
 * "parallel_on_Y" strategy sklearn picks for batches of up to 1024 rows — the thread's heap pushed
 * again, in array order, into a fresh heap, and finally `simultaneous_sort` (sklearn/utils/_sorting.pyx).
 * This reproduces how sklearn orders exactly-equal distances (e.g. empty documents after TF-IDF),
 * assuming the training rows fit in one 256-row chunk or sklearn ran on one thread.
 */
export function argKmin(values: Float64Array, k: number, parallelOnY: boolean): { values: Float64Array; indices: Int32Array } {
  let heapValues = new Float64Array(k).fill(Number.MAX_VALUE);
  let heapIndices = new Int32Array(k).fill(-1);
  for (let j = 0; j < values.length; j++) heapPush(heapValues, heapIndices, values[j], j);
  if (parallelOnY) {
    const mergedValues = new Float64Array(k).fill(Number.MAX_VALUE);
    const mergedIndices = new Int32Array(k).fill(-1);
    for (let t = 0; t < k; t++) heapPush(mergedValues, mergedIndices, heapValues[t], heapIndices[t]);
    heapValues = mergedValues;
    heapIndices = mergedIndices;
  }
  simultaneousSort(heapValues, heapIndices, 0, k);
  return { values: heapValues, indices: heapIndices };
}

function heapPush(values: Float64Array, indices: Int32Array, val: number, valIdx: number): void {
  const size = values.length;
  if (val >= values[0]) return;
  let current = 0;
  for (;;) {
    const left = 2 * current + 1;
    const right = left + 1;
    let swap: number;
    if (left >= size) break;
    else if (right >= size) {
      if (values[left] > val) swap = left;
      else break;
    } else if (values[left] >= values[right]) {
      if (val < values[left]) swap = left;
      else break;
    } else if (val < values[right]) swap = right;
    else break;
    values[current] = values[swap];
    indices[current] = indices[swap];
    current = swap;
  }
  values[current] = val;
  indices[current] = valIdx;
}

function dualSwap(values: Float64Array, indices: Int32Array, i: number, j: number): void {
  const v = values[i];
  values[i] = values[j];
  values[j] = v;
  const x = indices[i];
  indices[i] = indices[j];
  indices[j] = x;
}

/** sklearn's `simultaneous_sort` on values[offset, offset + size): median-of-three quicksort. */
function simultaneousSort(values: Float64Array, indices: Int32Array, offset: number, size: number): void {
  const o = offset;
  if (size <= 1) return;
  if (size === 2) {
    if (values[o] > values[o + 1]) dualSwap(values, indices, o, o + 1);
    return;
  }
  if (size === 3) {
    if (values[o] > values[o + 1]) dualSwap(values, indices, o, o + 1);
    if (values[o + 1] > values[o + 2]) {
      dualSwap(values, indices, o + 1, o + 2);
      if (values[o] > values[o + 1]) dualSwap(values, indices, o, o + 1);
    }
    return;
  }
  let pivot = Math.floor(size / 2);
  if (values[o] > values[o + size - 1]) dualSwap(values, indices, o, o + size - 1);
  if (values[o + size - 1] > values[o + pivot]) {
    dualSwap(values, indices, o + size - 1, o + pivot);
    if (values[o] > values[o + size - 1]) dualSwap(values, indices, o, o + size - 1);
  }
  const pivotValue = values[o + size - 1];
  let store = 0;
  for (let i = 0; i < size - 1; i++) {
    if (values[o + i] < pivotValue) {
      dualSwap(values, indices, o + i, o + store);
      store++;
    }
  }
  dualSwap(values, indices, o + store, o + size - 1);
  pivot = store;
  if (pivot > 1) simultaneousSort(values, indices, o, pivot);
  if (pivot + 2 < size) simultaneousSort(values, indices, o + pivot + 1, size - pivot - 1);
}
