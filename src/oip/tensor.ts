import { types } from 'node:util';
import { OipRequestError } from './errors';
import type { TensorData } from './protocol';

/** What one element of each datatype family must be in JSON. */
const ELEMENT_CHECKS = new Map<string, { what: string; ok: (value: unknown) => boolean }>([
  ['BYTES', { what: 'a string', ok: (v) => typeof v === 'string' }],
  ['BOOL', { what: 'true or false', ok: (v) => typeof v === 'boolean' }],
  ['FP16', { what: 'a finite number', ok: (v) => typeof v === 'number' && Number.isFinite(v) }],
  ['FP32', { what: 'a finite number', ok: (v) => typeof v === 'number' && Number.isFinite(v) }],
  ['FP64', { what: 'a finite number', ok: (v) => typeof v === 'number' && Number.isFinite(v) }],
  ...['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64'].map(
    (type) => [type, { what: 'an integer', ok: (v: unknown) => Number.isInteger(v) }] as const,
  ),
]);

/** Largest number of elements one tensor may hold; the body limit usually stops it first. */
export const MAX_TENSOR_ELEMENTS = 1 << 22;

/**
 * Checks a request tensor against its declared shape and datatype and returns its elements in
 * row-major order. The data may be flat or nested like the shape (both are the protocol's forms),
 * or a Float64Array (a big request's numbers, from the parsing thread: flat); nesting deeper than
 * the shape, a count that does not match the shape, or an element of the wrong type is an
 * {@link OipRequestError} naming the input.
 */
export function flattenTensor<T extends number | string | boolean>(
  name: string,
  datatype: string,
  shape: readonly number[],
  data: unknown,
): ArrayLike<T> {
  const check = ELEMENT_CHECKS.get(datatype);
  if (check === undefined) throw new OipRequestError(`input "${name}": unknown datatype "${datatype}".`);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new OipRequestError(`input "${name}": shape ${JSON.stringify(shape)} must hold non-negative integers.`);
  }
  const expected = shape.reduce((n, d) => n * d, 1);
  if (expected > MAX_TENSOR_ELEMENTS) {
    throw new OipRequestError(`input "${name}": shape ${JSON.stringify(shape)} holds more than ${MAX_TENSOR_ELEMENTS} elements.`);
  }
  // types.isFloat64Array, not instanceof: it also holds for an array made in another realm (jest's tests).
  const flat = types.isFloat64Array(data);
  if (!flat && !Array.isArray(data)) throw new OipRequestError(`input "${name}": "data" must be an array.`);
  const items = data as ArrayLike<unknown>;
  const wrongElement = (index: number, item: unknown) =>
    new OipRequestError(`input "${name}": element ${index} must be ${check.what} for datatype ${datatype}, got ${JSON.stringify(item)?.slice(0, 60)}.`);
  const wrongCount = (count: number) =>
    new OipRequestError(`input "${name}": shape ${JSON.stringify(shape)} needs ${expected} elements, the data holds ${count}.`);
  // The common form, flat data, is checked in place and returned as it is: copying a 4096-row
  // batch element by element held the event loop ~15 ms.
  let nested = false;
  for (let i = 0; i < items.length && !nested; i++) {
    const item = items[i];
    if (!flat && Array.isArray(item)) nested = true;
    else if (!check.ok(item)) throw wrongElement(i, item);
  }
  if (!nested) {
    if (items.length !== expected) throw wrongCount(items.length);
    return items as ArrayLike<T>;
  }
  const out: T[] = [];
  let count = 0;
  const walk = (items: TensorData, depth: number): void => {
    for (const item of items) {
      if (Array.isArray(item)) {
        if (depth + 1 >= shape.length) throw new OipRequestError(`input "${name}": data is nested deeper than its shape ${JSON.stringify(shape)}.`);
        walk(item, depth + 1);
        continue;
      }
      if (!check.ok(item)) throw wrongElement(count, item);
      if (count++ < expected) out.push(item as T);
    }
  };
  walk(data as TensorData, 0);
  if (count !== expected) throw wrongCount(count);
  return out;
}

/**
 * Rows `start..end` of a flat row-major [rows, columns] tensor. With `float32`, each value is
 * rounded to the float32 the client meant, as numpy would hand it over (`Math.fround` rounds
 * exactly as a Float32Array store does).
 */
export function tensorRows(flat: ArrayLike<number>, columns: number, start: number, end: number, float32 = false): number[][] {
  const rows: number[][] = [];
  for (let row = start; row < end; row++) {
    const values: number[] = [];
    for (let at = row * columns, last = at + columns; at < last; at++) values.push(float32 ? Math.fround(flat[at]) : flat[at]);
    rows.push(values);
  }
  return rows;
}
